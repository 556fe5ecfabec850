from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from tenants.deploy import default_processes, deploy_migrations


class Command(BaseCommand):
    help = (
        "The deploy's migrate step: the public schema, the platform rows and the template, then "
        "every council whose migration log lacks a migration on disk, in parallel; councils "
        "already up to date are skipped (tenants/deploy.py). Exits non-zero naming any schema "
        "that failed."
    )
    # As migrate does: the checks run in handle(), with the database (tenants.W001 needs it).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--processes",
            type=int,
            default=None,
            help=f"Councils migrated at once (default TENANT_MIGRATE_PROCESSES, here "
            f"{default_processes()}).",
        )

        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Accepted for the habit of migrate: this command never asks anything.",
        )

    def handle(self, *args, processes=None, verbosity=1, **options):
        if not options.get("skip_checks"):
            self.check(databases=[DEFAULT_DB_ALIAS])
        report = deploy_migrations(processes=processes, verbosity=int(verbosity))
        if verbosity >= 2:
            for schema in report.skipped:
                self.stdout.write(f"{schema}: up to date, skipped")
        if verbosity >= 1:
            self.stdout.write(
                f"Councils: {len(report.skipped)} up to date (skipped), "
                f"{len(report.migrated)} migrated, {len(report.failed)} failed. Template snapshot: "
                f"{'current' if report.snapshot_current else 'unavailable'}. "
                f"Stale spare schemas dropped: {report.spares_dropped}."
            )
        if report.failed:
            for schema, error in sorted(report.failed.items()):
                self.stderr.write(f"{schema}: migration failed\n{error}")
            raise CommandError(
                f"Migrating failed in {len(report.failed)} schema(s): "
                f"{', '.join(sorted(report.failed))}"
            )
