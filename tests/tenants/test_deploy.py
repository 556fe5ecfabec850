"""The deploy's migrate step (tenants/deploy.py, ``manage.py migrate_tenants``) skips only councils
that are truly up to date, still brings a new migration to every schema, and names a failure.

These run against committed schemas (a deploy migrates in forked processes, which cannot see a
test transaction), over every council of the test run, and put back what they change.
"""

from __future__ import annotations

import signal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tenants import deploy, schema_cloning, spares
from tenants.models import TEMPLATE_SCHEMA_NAME, SpareSchema, Tenant
from tenants.services import provision_tenant

NEXT = ("driftapp", "0002_drift_note_colour")


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Work committed outside a test transaction; removes the councils it made afterwards."""
    made: list[str] = []
    with django_db_blocker.unblock():
        yield made
        connection.set_schema_to_public()
        for tenant in Tenant.objects.filter(slug__in=made):
            tenant.delete(force_drop=True)


def provision(committed: list[str], slug: str) -> str:
    committed.append(slug)
    return provision_tenant(name=f"Deploy {slug}", slug=slug, officer_email=None).schema_name


def execute(sql: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def columns(schema: str, table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
            [schema, table],
        )
        return [row[0] for row in cursor.fetchall()]


def plan_for(schema: str) -> list:
    """What Django's own executor would still apply in ``schema``."""
    connection.set_schema(schema)
    try:
        executor = MigrationExecutor(connection)
        return executor.migration_plan(executor.loader.graph.leaf_nodes())
    finally:
        connection.set_schema_to_public()


@pytest.fixture
def next_migrations(settings, committed):
    """The drift app with a new migration on disk, as the next deploy brings it; taken back out
    of every schema afterwards, leaving the template's snapshot current again."""
    settings.MIGRATION_MODULES = {"driftapp": "tests.tenants.driftapp.migrations_next"}
    schema_cloning._graph_migrations.cache_clear()
    schema_cloning._disk_migrations.cache_clear()
    yield
    connection.set_schema_to_public()
    schemas = [TEMPLATE_SCHEMA_NAME, *deploy.tenant_schemas()]
    for schema in schemas:
        execute(f"ALTER TABLE {schema}.drift_note DROP COLUMN IF EXISTS colour")
        execute(f"DELETE FROM {schema}.django_migrations WHERE app = %s AND name = %s", list(NEXT))
    settings.MIGRATION_MODULES = {}
    schema_cloning._graph_migrations.cache_clear()
    schema_cloning._disk_migrations.cache_clear()
    schema_cloning.current_template_snapshot()


def test_deploy_skips_only_councils_that_record_every_migration_on_disk(committed):
    schemas = [provision(committed, slug) for slug in ("deploy-one", "deploy-two")]

    report = deploy.deploy_migrations(processes=2, verbosity=0)

    assert report.failed == {}
    assert report.migrated == []
    assert set(schemas) <= set(report.skipped)
    assert report.skipped == deploy.tenant_schemas()
    recorded = deploy.recorded_migrations(report.skipped)
    for schema in report.skipped:
        # Truly up to date: it records exactly the graph, and migrate would do nothing there.
        assert recorded[schema] == deploy.disk_migrations()
        assert plan_for(schema) == []
    assert report.snapshot_current is True
    assert schema_cloning.template_is_current() is True


def test_deploy_applies_a_new_migration_to_every_schema(committed, next_migrations):
    provision(committed, "deploy-new")
    councils = deploy.tenant_schemas()
    # As under a supervisor that is stopping (infra/dev/run.py): workers inherit SIGTERM ignored,
    # and a pool that ended them with SIGTERM would wait for them forever.
    ignored = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        report = deploy.deploy_migrations(processes=2, verbosity=0)
    finally:
        signal.signal(signal.SIGTERM, ignored)

    assert report.failed == {}
    assert (report.skipped, sorted(report.migrated)) == ([], councils)
    for schema in [TEMPLATE_SCHEMA_NAME, *councils]:
        assert columns(schema, "drift_note")[-1] == "colour"
        assert NEXT in deploy.recorded_migrations([schema])[schema]
        assert plan_for(schema) == []
    # New councils are cloned from the template as it now is.
    assert report.snapshot_current is True
    assert schema_cloning.template_is_current() is True
    cloned = provision(committed, "deploy-after")
    assert columns(cloned, "drift_note")[-1] == "colour"


def test_deploy_migrates_a_council_missing_one_migration(committed, next_migrations):
    behind = provision(committed, "deploy-behind")
    deploy.deploy_migrations(processes=2, verbosity=0)
    # One council lost the latest migration (a restore from an older backup, say); its set still
    # differs from the graph, so it must not be skipped.
    execute(f"ALTER TABLE {behind}.drift_note DROP COLUMN colour")
    execute(f"DELETE FROM {behind}.django_migrations WHERE app = %s AND name = %s", list(NEXT))

    report = deploy.deploy_migrations(processes=2, verbosity=0)

    assert (report.migrated, report.failed) == ([behind], {})
    assert behind not in report.skipped
    assert columns(behind, "drift_note")[-1] == "colour"
    assert plan_for(behind) == []


def test_a_council_behind_a_stale_template_is_still_migrated(committed, next_migrations):
    # The template and a council both lack the new migration: equal to each other, yet both
    # behind the files on disk. Comparing with the template alone would skip the council.
    council = provision(committed, "deploy-stale")
    recorded = deploy.recorded_migrations([council, TEMPLATE_SCHEMA_NAME])
    assert recorded[council] == recorded[TEMPLATE_SCHEMA_NAME]

    up_to_date, stale = deploy.split_up_to_date([council])

    assert (up_to_date, stale) == ([], [council])


def test_a_failing_council_makes_the_command_fail_naming_it(committed, capsys):
    broken = provision(committed, "deploy-broken")
    healthy = provision(committed, "deploy-healthy")
    # Its log forgets the drift app, whose tables remain: migrating it again fails.
    execute(f"DELETE FROM {broken}.django_migrations WHERE app = 'driftapp'")

    with pytest.raises(CommandError) as failure:
        call_command("migrate_tenants", verbosity=0, processes=2)

    assert str(failure.value) == f"Migrating failed in 1 schema(s): {broken}"
    assert f"{broken}: migration failed" in capsys.readouterr().err
    assert deploy.split_up_to_date([healthy]) == ([healthy], [])


def test_migration_logs_are_read_in_chunks_so_one_query_never_locks_every_council(
    db, monkeypatch, django_assert_num_queries
):
    # A query holds a lock per table it reads; one UNION over thousands of councils would
    # overflow the shared lock table. In chunks, the answer is the same.
    schemas = [TEMPLATE_SCHEMA_NAME, "t_alpha", "t_beta"]
    whole = deploy.recorded_migrations(schemas)
    monkeypatch.setattr(deploy, "SCHEMAS_PER_QUERY", 2)

    with django_assert_num_queries(3):  # which schemas have the table, then two chunks
        chunked = deploy.recorded_migrations(schemas)

    assert chunked == whole
    assert all(whole[schema] for schema in schemas)


def test_a_deploy_drops_spares_of_the_old_template_and_never_migrates_them(
    committed, next_migrations, settings
):
    settings.SPARE_SCHEMAS = 1
    try:
        # New code is on disk, the template not yet migrated: the refill waits for it ...
        assert spares.refill_spares() == {"made": 0, "dropped": 0}
        # ... but a spare made by the old release, just before, is at the old state.
        old = spares.make_spare()

        report = deploy.deploy_migrations(processes=2, verbosity=0)

        assert report.failed == {}
        assert report.spares_dropped == 1
        assert old not in report.skipped + report.migrated
        assert not spares._schema_exists(old)
        # The refill clones the migrated template; a council given that spare has the new column.
        assert spares.refill_spares() == {"made": 1, "dropped": 0}
        (fresh,) = SpareSchema.objects.values_list("schema_name", flat=True)
        council = provision(committed, "deploy-spare")
        assert not spares._schema_exists(fresh)  # renamed into the council
        # The handout queued the refill on commit (run inline here): a spare for the next one.
        assert SpareSchema.objects.exclude(schema_name=fresh).count() == 1
        assert columns(council, "drift_note")[-1] == "colour"
    finally:
        settings.SPARE_SCHEMAS = 0
        spares.refill_spares()  # drops any left
