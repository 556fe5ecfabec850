from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from platform_.demo import DEMO_LOGINS, ensure_demo_tenant


class Command(BaseCommand):
    help = "Create the demo council with realistic data on first run; later runs change nothing."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo tenant has published passwords: development only.")
        tenant, created = ensure_demo_tenant()
        verb = "Created" if created else "Found"
        self.stdout.write(f"{verb} the demo tenant at {tenant.build_url()}")
        for role, (email, password) in DEMO_LOGINS.items():
            self.stdout.write(f"  {role:<22} {email} / {password}")
