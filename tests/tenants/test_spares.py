"""Spare council schemas (tenants/spares.py): cloned ahead, renamed into a new council's schema.

The suite runs with SPARE_SCHEMAS = 0 (provisioning clones); these tests turn spares on. Each
clone takes about 1,070 locks in the test's transaction, on a lock table other developers'
databases share: the tests make one spare each where they can.
"""

import json
import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.test import Client
from django_tenants.utils import schema_exists, tenant_context

from charters.models import Organisation
from platform_.accounts.models import Invitation, User
from platform_.console import usage_of
from tenants import schema_cloning, spares, tasks
from tenants.deploy import split_up_to_date, tenant_schemas
from tenants.models import TEMPLATE_SCHEMA_NAME, SpareSchema, Tenant
from tenants.services import provision_tenant
from tests.tenants.test_provisioning import constraints_in, tables_in
from tests.tenants.test_provisioning_signal import defaults_of

STALE = "0" * 64


@pytest.fixture
def spares_on(settings):
    settings.SPARE_SCHEMAS = 1
    return settings


def catalog_of(schema: str) -> list[tuple]:
    """Everything in ``schema`` PostgreSQL can print, with the schema's name replaced by S:
    columns and defaults, constraints, indexes, sequences' owners, views, functions, triggers."""
    queries = [
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
        " a.attidentity, coalesce(pg_get_expr(d.adbin, d.adrelid), '') FROM pg_attribute a "
        "JOIN pg_class c ON c.oid = a.attrelid LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid "
        " AND d.adnum = a.attnum WHERE c.relnamespace = %(s)s::regnamespace AND a.attnum > 0 "
        " AND NOT a.attisdropped ORDER BY 1, 2",
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE connamespace = %(s)s::regnamespace ORDER BY 1, 2",
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace = %(s)s::regnamespace "
        "ORDER BY 1",
        "SELECT s.relname, pg_get_serial_sequence(t.oid::regclass::text, a.attname) "
        "FROM pg_class s JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i') "
        "JOIN pg_class t ON t.oid = d.refobjid JOIN pg_attribute a ON a.attrelid = t.oid "
        " AND a.attnum = d.refobjsubid WHERE s.relkind = 'S' "
        " AND s.relnamespace = %(s)s::regnamespace ORDER BY 1",
        "SELECT viewname, definition FROM pg_views WHERE schemaname = %(s)s ORDER BY 1",
        "SELECT p.proname, pg_get_functiondef(p.oid), p.proconfig::text FROM pg_proc p "
        "WHERE p.pronamespace = %(s)s::regnamespace ORDER BY 1",
        "SELECT t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c "
        "ON c.oid = t.tgrelid WHERE c.relnamespace = %(s)s::regnamespace AND NOT t.tgisinternal "
        "ORDER BY 1",
    ]
    found = []
    with connection.cursor() as cursor:
        for query in queries:
            cursor.execute(query, {"s": schema})
            found.extend(
                tuple(str(value).replace(schema, "S") for value in row) for row in cursor.fetchall()
            )
    return found


def counts_by_table(schema: str) -> dict[str, int]:
    quote = connection.ops.quote_name
    counts = {}
    with connection.cursor() as cursor:
        for table in tables_in(schema):
            cursor.execute(f"SELECT count(*) FROM {quote(schema)}.{quote(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def test_a_renamed_spare_is_the_same_schema_as_a_clone(db, spares_on):
    spare = spares.make_spare()
    with transaction.atomic():
        assert spares.take_spare("t_renamed")
    schema_cloning.clone_template_schema("t_cloned")

    renamed = catalog_of("t_renamed")
    # The test template holds a view, a plpgsql function and a trigger (tests/tenants/driftapp).
    assert any(row[0] == "drift_note_title" for row in renamed)
    assert any(row[0] == "drift_stamp" for row in renamed)
    assert renamed == catalog_of("t_cloned")
    assert not schema_exists(spare)
    assert "spare_" not in json.dumps(renamed)
    # Identity sequences and the trigger work under the new name.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO t_renamed.drift_note (title) VALUES ('one'), ('two') "
            "RETURNING id, audit_number, stamped_from"
        )
        assert cursor.fetchall() == [(1, 1, "cocharter_template"), (2, 2, "cocharter_template")]
        cursor.execute("SELECT title FROM t_renamed.drift_note_title ORDER BY id")
        assert [row[0] for row in cursor.fetchall()] == ["one", "two"]


def test_the_template_has_no_function_qualified_by_its_schema(db):
    """What a rename cannot follow: a function body or setting naming the schema's tables (the
    driftapp's 'cocharter_template' literal is data, the same in a clone and a renamed spare)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname FROM pg_proc WHERE pronamespace = %s::regnamespace "
            "AND (prosrc ~ (%s || '\"?\\.') OR coalesce(proconfig::text, '') LIKE "
            "'%%search_path%%')",
            [TEMPLATE_SCHEMA_NAME, TEMPLATE_SCHEMA_NAME],
        )
        assert cursor.fetchall() == []


def test_a_spare_holds_no_council_data(db, spares_on, tenant_a):
    spare = spares.make_spare()

    counts = counts_by_table(spare)
    assert counts == counts_by_table(TEMPLATE_SCHEMA_NAME)
    assert {table for table, count in counts.items() if count} <= set(
        schema_cloning.MIGRATION_FILLED_TABLES
    )
    assert not Tenant.objects.filter(schema_name=spare).exists()


def test_provisioning_takes_a_spare(db, spares_on, django_capture_on_commit_callbacks, monkeypatch):
    spare = spares.make_spare()
    refills = []
    monkeypatch.setattr(
        tasks.refill_spare_schemas, "apply_async", lambda *a, **k: refills.append(k)
    )

    with django_capture_on_commit_callbacks(execute=True):
        tenant = provision_tenant(
            name="Gamma Council", slug="gamma", officer_email="lead@gamma.test"
        )

    assert not schema_exists(spare)
    assert not SpareSchema.objects.exists()
    assert tables_in("t_gamma") == tables_in(TEMPLATE_SCHEMA_NAME)
    assert constraints_in("t_gamma") == constraints_in(TEMPLATE_SCHEMA_NAME)
    assert defaults_of(tenant) == (1, 1, 1)  # schema_provisioned was sent after the rename
    assert refills == [{"args": (), "headers": {"_schema_name": "public"}}]  # after commit
    with tenant_context(tenant):
        assert Invitation.objects.filter(email="lead@gamma.test").exists()
        officer = User.objects.create_user("a@gamma.test", None, full_name="A")
        first = Organisation.objects.create(name="First", slug="first", created_by=officer)
        second = Organisation.objects.create(name="Second", slug="second", created_by=officer)
        assert second.pk == first.pk + 1
    connection.set_schema_to_public()
    response = Client(HTTP_HOST=tenant.primary_domain).get("/")
    assert response.status_code == 200
    assert "Gamma Council" in response.content.decode()


def test_provisioning_clones_when_there_is_no_spare(db, spares_on):
    tenant = provision_tenant(name="Gamma Council", slug="gamma", officer_email=None)

    assert schema_exists("t_gamma")
    assert defaults_of(tenant) == (1, 1, 1)


def test_a_failure_after_the_rename_leaves_the_spare_as_it_was(db, spares_on, monkeypatch):
    spare = spares.make_spare()

    def fail(*args, **kwargs):
        raise RuntimeError("invitation failed")

    monkeypatch.setattr("tenants.services.invite_person", fail)
    with pytest.raises(RuntimeError):
        provision_tenant(name="Gamma Council", slug="gamma", officer_email="lead@gamma.test")

    assert schema_exists(spare)
    assert not schema_exists("t_gamma")
    assert SpareSchema.objects.filter(schema_name=spare).exists()
    assert not Tenant.objects.filter(slug="gamma").exists()
    assert counts_by_table(spare) == counts_by_table(TEMPLATE_SCHEMA_NAME)


def empty_spare(name: str, fingerprint: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {name}")
    SpareSchema.objects.create(schema_name=name, fingerprint=fingerprint)
    return name


def test_a_stale_spare_is_never_handed_out_and_refill_drops_it(db, spares_on):
    stale = empty_spare("spare_stale", STALE)

    with transaction.atomic():
        assert spares.take_spare("t_gamma") is False
    assert schema_exists(stale)

    assert spares.refill_spares() == {"made": 1, "dropped": 1}
    assert not schema_exists(stale)
    fresh = SpareSchema.objects.get()
    assert fresh.fingerprint == schema_cloning.template_fingerprint()
    assert schema_exists(fresh.schema_name)


def test_refill_fills_to_the_setting_and_is_idempotent(db, settings):
    settings.SPARE_SCHEMAS = 2
    assert spares.refill_spares() == {"made": 2, "dropped": 0}
    assert spares.refill_spares() == {"made": 0, "dropped": 0}
    names = list(SpareSchema.objects.values_list("schema_name", flat=True))
    assert len(names) == 2 and all(schema_exists(name) for name in names)

    settings.SPARE_SCHEMAS = 0  # turned off: handouts stop, and the spares go
    with connection.cursor() as cursor:
        # Made in this test's transaction: their rows' deferred key checks would stop the drop
        # (in production each spare is made, and dropped, in a transaction of its own).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with transaction.atomic():
        assert spares.take_spare("t_gamma") is False
    assert spares.refill_spares() == {"made": 0, "dropped": 2}
    assert not any(schema_exists(name) for name in names)


def test_refill_does_nothing_while_another_refill_holds_the_lock(db, spares_on):
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [spares.REFILL_LOCK_KEY])
        assert spares.refill_spares() == {"made": 0, "dropped": 0}
        assert not SpareSchema.objects.exists()
    finally:
        other.close()


def test_two_provisionings_at_once_never_take_the_same_spare(db, spares_on):
    """Two connections, each in its own transaction holding its spare: SKIP LOCKED."""
    fingerprint = schema_cloning.template_fingerprint()
    names = ["spare_concurrent_1", "spare_concurrent_2"]
    setup = connections.create_connection("default")
    setup.set_autocommit(True)
    with setup.cursor() as cursor:  # committed, so the other connections see them
        for name in names:
            cursor.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name}")
            cursor.execute(
                "INSERT INTO public.tenants_spareschema (schema_name, fingerprint, created_at) "
                "VALUES (%s, %s, now())",
                [name, fingerprint],
            )
    barrier = threading.Barrier(3, timeout=30)
    taken: dict[str, tuple[bool, list[str]]] = {}
    errors = []

    def provision(target: str) -> None:
        try:
            with transaction.atomic():
                took = spares.take_spare(target)
                with connection.cursor() as cursor:
                    cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = %s", [target])
                    taken[target] = (took, [row[0] for row in cursor.fetchall()])
                barrier.wait()  # both hold their spare's row lock here
                barrier.wait()
                transaction.set_rollback(True)
        except Exception as error:  # reported by the main thread
            errors.append(error)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=provision, args=(f"t_conc_{n}",)) for n in (1, 2)]
    try:
        for thread in threads:
            thread.start()
        barrier.wait()
        with setup.cursor() as cursor:  # seen from outside, while both transactions are open
            cursor.execute(
                "SELECT count(*) FROM public.tenants_spareschema WHERE schema_name = ANY(%s)",
                [names],
            )
            assert cursor.fetchone()[0] == 2  # deleted rows not yet committed
        barrier.wait()
        for thread in threads:
            thread.join(30)
        assert errors == []
        assert taken == {"t_conc_1": (True, ["t_conc_1"]), "t_conc_2": (True, ["t_conc_2"])}
    finally:
        try:
            with setup.cursor() as cursor:
                for name in names:
                    cursor.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
                cursor.execute(
                    "DELETE FROM public.tenants_spareschema WHERE schema_name = ANY(%s)", [names]
                )
        finally:
            setup.close()


def test_a_single_spare_goes_to_one_of_two_provisionings(db, spares_on):
    fingerprint = schema_cloning.template_fingerprint()
    name = "spare_contended"
    setup = connections.create_connection("default")
    setup.set_autocommit(True)
    with setup.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name}")
        cursor.execute(
            "INSERT INTO public.tenants_spareschema (schema_name, fingerprint, created_at) "
            "VALUES (%s, %s, now())",
            [name, fingerprint],
        )
    first_holds = threading.Event()
    second_done = threading.Event()
    results: dict[str, bool] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                results["first"] = spares.take_spare("t_first")
                first_holds.set()
                second_done.wait(30)
                transaction.set_rollback(True)
        finally:
            first_holds.set()
            connection.close()

    def second() -> None:
        try:
            first_holds.wait(30)
            with transaction.atomic():
                results["second"] = spares.take_spare("t_second")  # skips the locked row
                transaction.set_rollback(True)
        except DatabaseError:
            results["second"] = "error"
        finally:
            second_done.set()
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert results == {"first": True, "second": False}
    finally:
        try:
            with setup.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
                cursor.execute(
                    "DELETE FROM public.tenants_spareschema WHERE schema_name = %s", [name]
                )
        finally:
            setup.close()


def test_deploys_console_and_readiness_do_not_see_spares(db, spares_on, tenant_a, console_client):
    spare = spares.make_spare()
    stale = empty_spare("spare_stale", STALE)

    assert spare not in tenant_schemas() and stale not in tenant_schemas()
    up_to_date, to_migrate = split_up_to_date(tenant_schemas())
    assert tenant_a.schema_name in up_to_date and to_migrate == []
    assert spares.drop_stale_spares() == 1  # what migrate_tenants does after the template
    assert schema_exists(spare) and not schema_exists(stale)

    usage = usage_of(list(Tenant.objects.all()))
    assert tenant_a.pk in usage
    html = console_client.get("/admin/tenants/tenant/").content.decode()
    assert spare not in html
    readiness = json.loads(Client(HTTP_HOST="10.0.0.5").get("/readyz").content)
    assert readiness["template"] == "current"
