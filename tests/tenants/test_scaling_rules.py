"""The rules that let each council's schema move to its own Citus node (infra/SCALING.md).

Citus schema-based sharding refuses a tenant schema whose tables have a foreign key into another
distributed schema, or to a table in a regular schema that is not a reference table; and it
refuses any foreign key into a tenant schema from outside it (citus
src/backend/distributed/commands/schema_based_sharding.c, EnsureFKeysForTenantTable). Reference
tables may only reference reference tables. These tests read the migrated test database's
catalog (template, both test councils, public), so a migration that breaks a rule fails here,
long before a cluster refuses it; and they read the code, so SQL that reads across schemas stays
in the few modules SCALING.md explains.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.db import connection

from tenants.models import EXTENSIONS_SCHEMA, Tenant

ROOT = Path(__file__).resolve().parents[2]
SCALING_MD = ROOT / "infra" / "SCALING.md"

# Public tables a tenant table may reference: each would become a Citus reference table (copied
# to every node), so each must be small, read-mostly and keyed. Empty of references today; the
# list says which tables could take one without redesign. Adding a table here means adding it to
# SCALING.md's list too (checked below).
REFERENCE_TABLE_CANDIDATES = {
    "tenants_plan": "a handful of rows, edited by platform staff",
    "tenants_tenant": "one row per council, written on provisioning and lifecycle changes",
    "tenants_domain": "one or two rows per council, written with the council",
}

# Modules whose SQL names schemas other than the connection's own (cross-tenant reads, schema
# DDL), each explained in SCALING.md, with how it runs under Citus.
CROSS_SCHEMA_SQL_MODULES = {
    "platform_/console.py": "platform console: one UNION ALL over the councils on the page",
    "tenants/deploy.py": "deploy: every council's django_migrations in one UNION ALL",
    "tenants/schema_cloning.py": "provisioning: the template's DDL and migration rows copied",
    "tenants/services.py": "CREATE SCHEMA for extensions; DROP SCHEMA of a closed council",
    "tenants/spares.py": "spare schemas: ALTER SCHEMA ... RENAME on handout, DROP SCHEMA if stale",
}
PRODUCT_PACKAGES = ("accreditation", "charters", "platform_", "tenants")


def tenant_schemas() -> list[str]:
    """The template's and every council's schema (every Tenant row but the public one)."""
    names = Tenant.objects.exclude(schema_name="public").values_list("schema_name", flat=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [list(names)])
        return sorted(row[0] for row in cursor.fetchall())


def foreign_keys_leaving_their_schema() -> list[tuple[str, str, str, str, str]]:
    """(schema, table, referenced schema, referenced table, constraint) of every foreign key
    whose two tables are in different schemas, in the whole database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sn.nspname, s.relname, tn.nspname, t.relname, con.conname "
            "FROM pg_constraint con "
            "JOIN pg_class s ON s.oid = con.conrelid "
            "JOIN pg_namespace sn ON sn.oid = s.relnamespace "
            "JOIN pg_class t ON t.oid = con.confrelid "
            "JOIN pg_namespace tn ON tn.oid = t.relnamespace "
            "WHERE con.contype = 'f' AND sn.nspname <> tn.nspname ORDER BY 1, 2, 5"
        )
        return cursor.fetchall()


def citus_violations(tenants: list[str]) -> list[str]:
    """What Citus would refuse when distributing ``tenants``: foreign keys between a tenant
    schema and any other schema, except into public's reference table candidates."""
    problems = []
    for schema, table, target_schema, target, name in foreign_keys_leaving_their_schema():
        if target_schema in tenants:
            problems.append(f"{schema}.{table} -> {target_schema}.{target} ({name}): into a tenant")
        elif schema in tenants and not (
            target_schema == "public" and target in REFERENCE_TABLE_CANDIDATES
        ):
            problems.append(
                f"{schema}.{table} -> {target_schema}.{target} ({name}): not a reference table"
            )
    return problems


def test_the_database_has_the_schemas_the_rules_are_checked_on(db):
    schemas = tenant_schemas()
    assert "cocharter_template" in schemas
    assert {"t_alpha", "t_beta"} <= set(schemas)


def test_no_foreign_key_joins_a_tenant_schema_to_another_schema(db):
    assert citus_violations(tenant_schemas()) == []


def test_the_check_finds_a_foreign_key_between_councils_and_one_into_public(db):
    """The rule is not vacuous: a key from one council into another, or into a public table
    that could not be a reference table, is found (the DDL is rolled back with the test)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE t_alpha.scaling_probe ("
            " id bigint PRIMARY KEY,"
            " organisation_id bigint REFERENCES t_beta.charters_organisation (id),"
            " user_id bigint REFERENCES public.accounts_user (id),"
            " plan_id bigint REFERENCES public.tenants_plan (id))"
        )
    problems = citus_violations(tenant_schemas())
    assert len(problems) == 2, problems
    assert "t_alpha.scaling_probe -> t_beta.charters_organisation" in problems[0] + problems[1]
    assert "t_alpha.scaling_probe -> public.accounts_user" in problems[0] + problems[1]


@pytest.mark.parametrize("table", sorted(REFERENCE_TABLE_CANDIDATES))
def test_reference_table_candidates_are_keyed_and_reference_only_each_other(db, table):
    """A reference table needs a primary key, and may itself reference only reference tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'p' AND conrelid = %s::regclass",
            [f"public.{table}"],
        )
        assert cursor.fetchone()[0] == 1
        cursor.execute(
            "SELECT confrelid::regclass::text FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = %s::regclass",
            [f"public.{table}"],
        )
        referenced = {name.split(".")[-1] for (name,) in cursor.fetchall()}
    assert referenced <= set(REFERENCE_TABLE_CANDIDATES)
    assert f"`{table}`" in SCALING_MD.read_text()


def undistributable_tables(schemas: list[str]) -> list[str]:
    """Tables of ``schemas`` that Citus would not distribute, or could not move without blocking:
    foreign tables, inheritance (partitions aside), partitions of another schema's table, tables
    owned by an extension, and tables without a primary key."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname || '.' || c.relname FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY(%s) AND ("
            " c.relkind = 'f'"
            " OR EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class child ON child.oid = i.inhrelid"
            "   JOIN pg_class parent ON parent.oid = i.inhparent"
            "   WHERE (i.inhrelid = c.oid OR i.inhparent = c.oid) AND (NOT child.relispartition"
            "   OR child.relnamespace <> parent.relnamespace))"
            " OR (c.relkind = 'r' AND NOT EXISTS ("
            "   SELECT 1 FROM pg_constraint p WHERE p.conrelid = c.oid AND p.contype = 'p'))"
            " OR EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
            "   AND d.objid = c.oid AND d.deptype = 'e')) ORDER BY 1",
            [schemas],
        )
        return [row[0] for row in cursor.fetchall()]


def test_tenant_tables_are_kinds_citus_can_distribute(db):
    """Every table of the template and the councils can be distributed, and moved between nodes
    by logical replication without blocking its writes (it has a primary key)."""
    schemas = tenant_schemas()
    assert undistributable_tables(schemas) == []
    with connection.cursor() as cursor:
        # Extensions live in their own regular schema (never distributed), not in a tenant's.
        cursor.execute(
            "SELECT e.extname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE n.nspname = ANY(%s)",
            [schemas],
        )
        assert cursor.fetchall() == []
    assert EXTENSIONS_SCHEMA not in schemas


def test_the_check_finds_inheritance_and_unkeyed_tables(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE t_alpha.scaling_parent (id bigint PRIMARY KEY);"
            "CREATE TABLE t_alpha.scaling_child (note text) INHERITS (t_alpha.scaling_parent);"
            "CREATE TABLE t_beta.scaling_unkeyed (note text);"
        )
    assert undistributable_tables(tenant_schemas()) == [
        "t_alpha.scaling_child",
        "t_alpha.scaling_parent",
        "t_beta.scaling_unkeyed",
    ]


# --- code: SQL that names other schemas ---------------------------------------------------------

# A schema expression qualifying a table: {quote(schema)}.{quote(table)}, {X_SCHEMA}.table.
QUALIFIED_BY_SCHEMA = re.compile(
    r"\{[^{}]*schema[^{}]*\}\.(\{[^{}]*(quote|table)[^{}]*\}|\"|[a-z_]+\b)", re.IGNORECASE
)
CROSS_SCHEMA_SQL = [
    QUALIFIED_BY_SCHEMA,
    re.compile(r"\bUNION ALL\b"),
    re.compile(r"\b(CREATE|DROP|ALTER) SCHEMA\b"),
    re.compile(r"\bSET (LOCAL )?search_path\b", re.IGNORECASE),
]


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def cross_schema_sql_in(path: Path) -> list[str]:
    """The string literals (f-strings whole, docstrings left out) of ``path`` that build SQL
    naming another schema."""
    source = path.read_text()
    tree = ast.parse(source)
    skip = _docstrings(tree)
    fstrings = [node for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)]
    parts_of_fstrings = {id(part) for node in fstrings for part in node.values}
    hits = []
    for node in ast.walk(tree):
        if id(node) in skip or id(node) in parts_of_fstrings:
            continue
        if isinstance(node, ast.JoinedStr) or (
            isinstance(node, ast.Constant) and isinstance(node.value, str)
        ):
            text = ast.get_source_segment(source, node) or ""
            if any(pattern.search(text) for pattern in CROSS_SCHEMA_SQL):
                hits.append(text)
    return hits


def product_modules() -> list[Path]:
    return [
        path
        for package in PRODUCT_PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def test_the_scan_sees_the_known_cross_tenant_read():
    hits = cross_schema_sql_in(ROOT / "platform_" / "console.py")
    assert any("UNION ALL" in hit for hit in hits)
    assert any("quote(schema)" in hit for hit in hits)


def test_sql_naming_other_schemas_lives_only_in_the_modules_scaling_md_explains():
    found = {str(path.relative_to(ROOT)) for path in product_modules() if cross_schema_sql_in(path)}
    assert found == set(CROSS_SCHEMA_SQL_MODULES), (
        "SQL that reads or changes another schema is a cross-tenant query under Citus: keep it "
        "in the listed modules, or add the module here and explain it in infra/SCALING.md."
    )
    scaling = SCALING_MD.read_text()
    for module in CROSS_SCHEMA_SQL_MODULES:
        assert f"`{module}`" in scaling
