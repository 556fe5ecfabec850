from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.enums import TenantKind
from tenants.services import ensure_platform, provision_tenant


class Command(BaseCommand):
    help = "Provision a council or board: its schema, <slug>.<platform domain>, first officer."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help='e.g. "Wolverhampton City Council"')
        parser.add_argument("--slug", required=True, help="e.g. wolverhampton")
        parser.add_argument("--officer-email", required=True, help="the first council officer")
        parser.add_argument("--kind", default=TenantKind.COUNCIL, choices=TenantKind.values)
        parser.add_argument("--brand-colour", default="#1d70b8")
        parser.add_argument(
            "--contact-email",
            default=None,
            help="where the public writes to the council (default: the officer's email)",
        )

    def handle(self, *args, **options):
        ensure_platform()
        try:
            tenant = provision_tenant(
                name=options["name"],
                slug=options["slug"],
                kind=options["kind"],
                brand_colour=options["brand_colour"],
                officer_email=options["officer_email"],
                contact_email=options["contact_email"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Created {tenant.name} at {tenant.build_url()}"))
        self.stdout.write(f"Invitation emailed to {options['officer_email']}.")
