"""Cloning the template schema gives exactly what migrating would, and never races or drifts.

The template of the test run holds the objects of tests/tenants/driftapp (installed by the test
settings only): a PL/pgSQL trigger function naming the template in a literal, with a SET line in
its body; a view; serial, identity and generated columns; an extension's type (citext on the
system PostgreSQL, pgvector on the embedded one, whichever the server has).
"""

from __future__ import annotations

import logging
import re
import threading

import pytest
from django.db import connection
from django_tenants.utils import schema_exists, tenant_context

from tenants import schema_cloning
from tenants.models import EXTENSIONS_SCHEMA, TEMPLATE_SCHEMA_NAME, TemplateSnapshot, Tenant
from tenants.services import provision_tenant
from tests.tenants.test_provisioning import tables_in

# PostgreSQL prints Django's `varchar_column IN (...)` partial-index predicate as
# `= ANY ((ARRAY['a'::character varying])::text[])`, and that text, replayed, as
# `= ANY (ARRAY[('a'::character varying)::text])`: the same expression (constant-folded alike by
# the planner), deparsed differently, and stable from then on. Written the second way here.
_ARRAY_CAST = re.compile(r"\(\(ARRAY\[([^\]]*)\]\)::([a-z ]+)\[\]\)")


def _distribute_array_cast(match: re.Match) -> str:
    elements = match.group(1).split(", ")
    return "(ARRAY[" + ", ".join(f"({e})::{match.group(2)}" for e in elements) + "])"


# How each extension the drift app may use is exercised: a value, and a true test on it that
# needs the extension's operators, found through the tenant's search path.
EXTENSION_PROBES = {
    "citext": ("'Hello'", "tag = 'HELLO'"),
    "vector": ("'[1,2,3]'", "(tag <-> '[1,2,3]') = 0"),
}


def drift_extension() -> str:
    return fetch_one(
        "SELECT extname FROM pg_extension WHERE extname = ANY(%s)", [list(EXTENSION_PROBES)]
    )[0]


SESSION_NOISE = ("--", "\\restrict", "\\unrestrict", "SELECT pg_catalog.set_config")


def normalised_ddl(schema: str) -> str:
    """pg_dump of ``schema`` with its name read as the template's, and pg_dump's session noise
    (comments, top-level SET lines, the random \\restrict key) left out."""
    ddl = _ARRAY_CAST.sub(_distribute_array_cast, schema_cloning.dump_schema_ddl(schema))
    if schema != TEMPLATE_SCHEMA_NAME:
        # Clone names are unique words (t_<slug>), unlike the template's name, which the
        # function body also holds as data.
        ddl = re.sub(rf"\b{schema}\b", TEMPLATE_SCHEMA_NAME, ddl)
    kept = [
        line
        for line in ddl.splitlines()
        if line.strip()
        and not line.startswith(SESSION_NOISE)
        and not re.fullmatch(r"SET \w+ = .*;", line)
    ]
    return "\n".join(kept)


def fetch_one(sql: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Work committed outside a test transaction, since pg_dump only sees committed schemas.

    Removes the tenants it made (schema, domain and row) afterwards.
    """
    made: list[str] = []
    with django_db_blocker.unblock():
        yield made
        connection.set_schema_to_public()
        for tenant in Tenant.objects.filter(slug__in=made):
            tenant.delete(force_drop=True)


def test_clone_has_the_same_ddl_as_the_template(committed):
    committed.append("drift-check")
    tenant = provision_tenant(name="Drift Check", slug="drift-check", officer_email=None)

    assert normalised_ddl(tenant.schema_name) == normalised_ddl(TEMPLATE_SCHEMA_NAME)
    body = fetch_one(f"SELECT pg_get_functiondef('{tenant.schema_name}.drift_stamp'::regproc)")[0]
    assert "NEW.stamped_from := 'cocharter_template';" in body
    assert "\nSET LOCAL lock_timeout = '5s';\n" in body


def test_clone_objects_work_in_the_new_schema(committed):
    committed.append("drift-use")
    tenant = provision_tenant(name="Drift Use", slug="drift-use", officer_email=None)

    value, probe = EXTENSION_PROBES[drift_extension()]
    with tenant_context(tenant), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO drift_note (title, tag) VALUES ('Hello', {value})")
        cursor.execute(
            f"SELECT id, audit_number, title_length, stamped_from, {probe}, "
            "pg_get_serial_sequence('drift_note', 'id') FROM drift_note_title "
            "JOIN drift_note USING (id, title)"
        )
        row = cursor.fetchone()
    assert row == (1, 1, 5, "cocharter_template", True, f"{tenant.schema_name}.drift_note_id_seq")


def test_extensions_of_the_template_live_in_the_shared_schema(db):
    extension = drift_extension()
    assert fetch_one(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = %s",
        [extension],
    ) == (EXTENSIONS_SCHEMA,)
    snapshot = schema_cloning.current_template_snapshot()
    assert f'CREATE EXTENSION IF NOT EXISTS "{extension}" WITH SCHEMA "extensions";' in snapshot.sql
    assert f"extensions.{extension}" in snapshot.sql


def test_capture_moves_an_extension_found_in_the_template_schema(committed):
    if fetch_one("SELECT count(*) FROM pg_available_extensions WHERE name = 'btree_gist'") == (0,):
        pytest.skip("this server has no btree_gist (the embedded pgserver ships no contrib)")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE EXTENSION btree_gist WITH SCHEMA {TEMPLATE_SCHEMA_NAME}")
    try:
        assert schema_cloning.move_template_extensions() == ["btree_gist"]
        assert fetch_one(
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'btree_gist'"
        ) == (EXTENSIONS_SCHEMA,)
        assert schema_cloning.move_template_extensions() == []
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP EXTENSION IF EXISTS btree_gist")


def test_capture_refuses_rows_outside_the_migration_filled_tables(db, caplog):
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TEMPLATE_SCHEMA_NAME}.drift_note (title) VALUES ('stray')")

    with caplog.at_level(logging.ERROR), pytest.raises(schema_cloning.SchemaCloneUnavailable) as e:
        schema_cloning.build_clone_script()

    assert "holds rows in drift_note" in str(e.value)
    assert [r.levelname for r in caplog.records if "drift_note" in r.getMessage()] == ["ERROR"]


def test_provisioning_migrates_instead_when_the_template_holds_stray_rows(db):
    TemplateSnapshot.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TEMPLATE_SCHEMA_NAME}.drift_note (title) VALUES ('stray')")

    tenant = provision_tenant(name="Gamma Council", slug="gamma", officer_email=None)

    assert tables_in(tenant.schema_name) == tables_in(TEMPLATE_SCHEMA_NAME)
    assert fetch_one(f"SELECT count(*) FROM {tenant.schema_name}.drift_note") == (0,)
    assert not TemplateSnapshot.objects.exists()


def test_copy_names_columns_skips_generated_ones_and_overrides_identity(db, monkeypatch):
    monkeypatch.setattr(
        schema_cloning,
        "MIGRATION_FILLED_TABLES",
        (*schema_cloning.MIGRATION_FILLED_TABLES, "drift_note"),
    )
    TemplateSnapshot.objects.all().delete()
    with connection.cursor() as cursor:
        # Sequences ignore rollbacks, so earlier tests may have moved the template's on.
        cursor.execute(
            f"INSERT INTO {TEMPLATE_SCHEMA_NAME}.drift_note (title) VALUES ('Copied') "
            "RETURNING id, audit_number"
        )
        copied_id, copied_number = cursor.fetchone()

    snapshot = schema_cloning.current_template_snapshot()
    tenant = provision_tenant(name="Gamma Council", slug="gamma", officer_email=None)

    target = schema_cloning.TARGET_PLACEHOLDER
    assert (
        f'INSERT INTO {target}."drift_note" ("id", "audit_number", "title", "tag", "stamped_from") '
        f'OVERRIDING SYSTEM VALUE SELECT "id", "audit_number", "title", "tag", "stamped_from" '
        f'FROM {TEMPLATE_SCHEMA_NAME}."drift_note";'
    ) in snapshot.sql
    with tenant_context(tenant), connection.cursor() as cursor:
        cursor.execute("INSERT INTO drift_note (title) VALUES ('New')")
        cursor.execute("SELECT id, audit_number, title, title_length FROM drift_note ORDER BY id")
        rows = cursor.fetchall()
    assert rows == [
        (copied_id, copied_number, "Copied", 6),
        (copied_id + 1, copied_number + 1, "New", 3),
    ]


def test_fingerprint_changes_when_an_applied_migration_is_edited(db, monkeypatch):
    monkeypatch.setattr(schema_cloning, "_fingerprints", {})
    original = schema_cloning.template_fingerprint()
    read = schema_cloning.migration_source

    def edited(app_label, name):
        source = read(app_label, name)
        if (app_label, name) == ("driftapp", "0001_initial"):
            return source + b"\n# edited"
        return source

    monkeypatch.setattr(schema_cloning, "migration_source", edited)
    monkeypatch.setattr(schema_cloning, "_fingerprints", {})

    assert schema_cloning.template_fingerprint() != original


def test_fingerprint_is_stable_and_reads_migration_files(db, monkeypatch):
    first = schema_cloning.template_fingerprint()
    monkeypatch.setattr(schema_cloning, "_fingerprints", {})

    assert schema_cloning.template_fingerprint() == first
    source = schema_cloning.migration_source("driftapp", "0001_initial")
    assert b"CREATE FUNCTION drift_stamp()" in source
    assert schema_cloning.migration_source("driftapp", "9999_gone") == b""


def test_two_councils_provisioned_at_once_after_a_deploy_share_one_capture(committed):
    slugs = ["race-one", "race-two"]
    committed.extend(slugs)
    TemplateSnapshot.objects.all().delete()  # as just after a deploy: no snapshot for it yet
    start = threading.Barrier(len(slugs))
    errors: list[BaseException] = []

    def provision(slug: str) -> None:
        try:
            start.wait(timeout=30)
            provision_tenant(name=f"Race {slug}", slug=slug, officer_email=None)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=provision, args=(slug,)) for slug in slugs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sorted(Tenant.objects.filter(slug__in=slugs).values_list("slug", flat=True)) == slugs
    assert all(schema_exists(f"t_{slug.replace('-', '_')}") for slug in slugs)
    assert TemplateSnapshot.objects.count() == 1
