"""Migrating every schema on deploy, in seconds rather than minutes (``manage.py migrate_tenants``).

Stock ``migrate_schemas --tenant`` starts Django's migrate command in every schema, one after the
other, even when no migration is new: about 0.16 s a schema, so half a minute per 200 councils
(DESIGN §10). Here the migration log of every tenant schema is read in one query and compared
with the migration files on disk; a schema that already records every migration of the graph is
skipped, and the rest are migrated in parallel by a bounded pool of processes, each schema with
django-tenants' own per-schema step (the standard executor's ``run_migrations``).

Why "every node of the graph is recorded" and not "matches the template": the template is only a
schema like the others, and may itself be behind (a failed or interrupted deploy); a council equal
to a stale template would be skipped with a migration missing. The graph read from disk is the
truth the migrate command itself plans against, and when all its nodes are recorded, Django's
plan for that schema is empty: skipping is exactly what migrating would have done. The template
is migrated first regardless, so its snapshot (what new councils are cloned from) is captured
for the new migration state before the command ends.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django_tenants.migration_executors.base import run_migrations
from django_tenants.utils import get_tenant_base_migrate_command_class

from tenants.models import TEMPLATE_SCHEMA_NAME, Tenant
from tenants.schema_cloning import SchemaCloneUnavailable, current_template_snapshot
from tenants.services import ensure_platform
from tenants.spares import drop_stale_spares

logger = logging.getLogger(__name__)

# Councils whose migration logs one query reads. A query locks every table it reads until it
# ends, and all sessions share one lock table (max_locks_per_transaction x max_connections: 6,400
# slots by default), so a single UNION over about 6,000 councils would fail with "out of shared
# memory" (infra/SCALING.md). Chunks of this size keep a deploy to a few queries.
SCHEMAS_PER_QUERY = 500

EXECUTOR_CODENAME = "cocharter"

Migration = tuple[str, str]


@dataclass
class DeployReport:
    """What a deploy did: schemas skipped as up to date, migrated, and failed (with why)."""

    skipped: list[str] = field(default_factory=list)
    migrated: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    snapshot_current: bool = False
    spares_dropped: int = 0


def disk_migrations() -> set[Migration]:
    """Every migration the graph on disk holds: what a fully migrated schema records.

    A fresh loader, not a cached one: a deploy (or a test) may have brought new files.
    """
    return set(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def recorded_migrations(schemas: Iterable[str]) -> dict[str, set[Migration]]:
    """Each schema's ``django_migrations`` rows, read in one query across all of them.

    Schemas without a migration table (or missing altogether) are absent from the answer.
    """
    schemas = list(schemas)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = 'django_migrations' AND c.relkind IN ('r', 'p') "
            "AND n.nspname = ANY(%s)",
            [schemas],
        )
        with_table = sorted(row[0] for row in cursor.fetchall())
        recorded: dict[str, set[Migration]] = {schema: set() for schema in with_table}
        if not with_table:
            return recorded
        quote = connection.ops.quote_name
        for start in range(0, len(with_table), SCHEMAS_PER_QUERY):
            chunk = with_table[start : start + SCHEMAS_PER_QUERY]
            union = " UNION ALL ".join(
                f"SELECT %s, app, name FROM {quote(schema)}.django_migrations" for schema in chunk
            )
            cursor.execute(union, chunk)
            for schema, app, name in cursor.fetchall():
                recorded[schema].add((app, name))
    return recorded


def split_up_to_date(schemas: Iterable[str]) -> tuple[list[str], list[str]]:
    """(up to date, to migrate): up to date when a schema records every migration on disk.

    Migrations recorded but no longer on disk do not matter (migrate ignores them too).
    """
    expected = disk_migrations()
    recorded = recorded_migrations(schemas)
    up_to_date, stale = [], []
    for schema in schemas:
        (up_to_date if expected <= recorded.get(schema, set()) else stale).append(schema)
    return up_to_date, stale


def tenant_schemas() -> list[str]:
    """The councils' schemas: every tenant but the public one and the template, not dropped."""
    return list(
        Tenant.objects.exclude(schema_name__in=["public", TEMPLATE_SCHEMA_NAME])
        .filter(schema_dropped_at__isnull=True)
        .order_by("schema_name")
        .values_list("schema_name", flat=True)
    )


def migrate_options(verbosity: int) -> dict:
    """The options the migrate command gets from its own parser, as ``migrate --noinput``."""
    command = get_tenant_base_migrate_command_class()()
    parser = command.create_parser("manage.py", "migrate")
    options = vars(parser.parse_args(["--noinput", f"--verbosity={verbosity}"]))
    # System checks ran once in the parent; running them in every schema costs time only.
    options["skip_checks"] = True
    return options


def migrate_schema(schema_name: str, *, options: dict) -> str | None:
    """Run the migrate command in one schema; the error's traceback if it failed, else None."""
    try:
        run_migrations((), options, EXECUTOR_CODENAME, schema_name, allow_atomic=False)
    except Exception:  # reported by name with the others; one council must not stop the rest
        connections.close_all()
        return traceback.format_exc()
    return None


def _migrate_in_worker(job: tuple[str, dict]) -> tuple[str, str | None]:
    schema_name, options = job
    return schema_name, migrate_schema(schema_name, options=options)


def default_processes() -> int:
    configured = getattr(settings, "TENANT_MIGRATE_PROCESSES", None)
    return int(configured or max(1, min(4, os.cpu_count() or 1)))


def migrate_in_parallel(
    schemas: list[str], *, processes: int, verbosity: int
) -> dict[str, str | None]:
    """Migrate ``schemas`` with at most ``processes`` at once; {schema: error or None}.

    Forked workers inherit the loaded apps and settings (as django-tenants' multiprocessing
    executor relies on too); the parent's connection is closed first so no child shares it.
    """
    options = migrate_options(verbosity)
    if processes <= 1 or len(schemas) <= 1:
        return {schema: migrate_schema(schema, options=options) for schema in schemas}
    connections.close_all()
    context = multiprocessing.get_context("fork")
    pool = context.Pool(processes=min(processes, len(schemas)), initializer=_start_worker)
    try:
        results = dict(
            pool.imap_unordered(_migrate_in_worker, [(schema, options) for schema in schemas])
        )
    except BaseException:
        pool.terminate()
        raise
    else:
        # Workers finish their last schema and exit of themselves: a pool left to its context
        # manager would terminate them with SIGTERM, which a parent that ignores SIGTERM (a
        # supervisor stopping) passes on as ignored, and then waits for them forever.
        pool.close()
    finally:
        pool.join()
    return results


# Connections a forked worker found open in its parent: kept referenced, never used or closed.
_inherited_connections: list = []


def _start_worker() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    # The parent closes its connections before forking, but Django leaves one open inside an
    # atomic block (a caller's transaction). A child using that socket, or letting libpq finish
    # it (which tells the server to end the session), breaks the parent's connection: drop
    # Django's handle to it without closing, so the child opens its own.
    for wrapper in connections.all(initialized_only=True):
        if wrapper.connection is not None:
            _inherited_connections.append(wrapper.connection)
            wrapper.connection = None


def deploy_migrations(*, processes: int | None = None, verbosity: int = 1) -> DeployReport:
    """Bring the public schema, the template and every council up to the migrations on disk.

    Side effects, in order: ``migrate_schemas --shared``; the platform rows and the template
    schema (``ensure_platform``); the template migrated; councils that lack a migration on disk
    migrated in parallel (the rest skipped); spare schemas of an older template state dropped;
    the template snapshot captured for the new state. Spare schemas (no Tenant row) are never
    migrated: they are dropped and cloned again.
    A failing council is reported in the result, not raised, so every other one is migrated.
    """
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
    ensure_platform()
    template_error = migrate_schema(TEMPLATE_SCHEMA_NAME, options=migrate_options(verbosity))
    connection.set_schema_to_public()
    report = DeployReport()
    if template_error:
        # Councils migrate without it, but new ones would be cloned from a stale template.
        report.failed[TEMPLATE_SCHEMA_NAME] = template_error
    up_to_date, stale = split_up_to_date(tenant_schemas())
    report.skipped = up_to_date
    logger.info(
        "Deploy: %d council schemas up to date (skipped), %d to migrate",
        len(up_to_date),
        len(stale),
    )
    results = migrate_in_parallel(
        stale, processes=processes or default_processes(), verbosity=verbosity
    )
    for schema in stale:
        error = results.get(schema)
        if error:
            logger.error("Deploy: migrating %s failed:\n%s", schema, error)
            report.failed[schema] = error
        else:
            report.migrated.append(schema)
    connection.set_schema_to_public()
    if not template_error:
        # Spares cloned before these migrations must never become councils (take_spare would
        # not hand them out anyway); the refill task makes new ones at the new state.
        report.spares_dropped = drop_stale_spares()
        try:
            current_template_snapshot()
            report.snapshot_current = True
        except SchemaCloneUnavailable as error:
            logger.warning(
                "Deploy: no template snapshot (%s); new councils will be migrated, not cloned",
                error,
            )
    return report
