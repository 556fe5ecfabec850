from django.core.management.base import BaseCommand

from tenants.services import ensure_platform


class Command(BaseCommand):
    help = "Create the platform host's tenant row and the migrated template schema (idempotent)."

    def handle(self, *args, **options):
        ensure_platform()
        self.stdout.write("Platform ready: public tenant and template schema exist.")
