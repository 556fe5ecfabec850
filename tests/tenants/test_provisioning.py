import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tenants.utils import schema_exists, tenant_context

from platform_.accounts.models import Invitation
from tenants import schema_cloning
from tenants.enums import LifecycleStatus
from tenants.models import TEMPLATE_SCHEMA_NAME, Domain, TemplateSnapshot, Tenant
from tenants.services import provision_tenant


def tables_in(schema: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
            "ORDER BY table_name",
            [schema],
        )
        return [row[0] for row in cursor.fetchall()]


def constraints_in(schema: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE connamespace = %s::regnamespace ORDER BY 1, 2",
            [schema],
        )
        return [
            (table.split(".")[-1], definition.replace(schema, "S"))
            for table, definition in cursor.fetchall()
        ]


def test_provision_tenant_clones_every_table_and_constraint_of_the_template(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tenant = provision_tenant(
            name="Gamma Council", slug="gamma", officer_email="lead@gamma.test"
        )

    assert tenant.schema_name == "t_gamma"
    assert schema_exists("t_gamma")
    assert tables_in("t_gamma") == tables_in(TEMPLATE_SCHEMA_NAME)
    assert "accounts_user" in tables_in("t_gamma")
    assert constraints_in("t_gamma") == constraints_in(TEMPLATE_SCHEMA_NAME)


def test_provisioned_schema_has_no_unapplied_migrations(db):
    tenant = provision_tenant(name="Gamma Council", slug="gamma", officer_email=None)

    with tenant_context(tenant):
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    assert plan == []


def test_provisioned_schema_copies_rows_and_moves_sequences_on(db):
    tenant = provision_tenant(name="Gamma Council", slug="gamma", officer_email=None)

    with tenant_context(tenant):
        from django.contrib.contenttypes.models import ContentType

        before = ContentType.objects.count()
        assert before > 5
        # A new row must not collide with a copied id: the identity sequence moved past them.
        ContentType.objects.create(app_label="probe", model="probe")
        assert ContentType.objects.count() == before + 1


def test_provision_tenant_creates_domain_and_invites_first_officer(
    db, django_capture_on_commit_callbacks, client
):
    with django_capture_on_commit_callbacks(execute=True):
        tenant = provision_tenant(
            name="Gamma Council", slug="gamma", officer_email="Lead@Gamma.test"
        )

    assert Domain.objects.get(tenant=tenant).domain == "gamma.localhost"
    assert tenant.status == LifecycleStatus.TRIAL
    with tenant_context(tenant):
        invitation = Invitation.objects.select_related("outbox_email").get()
    assert (invitation.email, invitation.role) == ("lead@gamma.test", "council_officer")
    assert invitation.status == "Sent"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lead@gamma.test"]
    assert "http://gamma.localhost/accounts/invitation/" in mail.outbox[0].body
    # Reachable at once.
    response = client.get("/", HTTP_HOST="gamma.localhost")
    assert response.status_code == 200
    assert "Gamma Council" in response.content.decode()


@pytest.mark.parametrize("slug", ["www", "admin", "template"])
def test_provision_tenant_refuses_reserved_slugs(db, slug):
    with pytest.raises(ValidationError):
        provision_tenant(name="X", slug=slug, officer_email=None)
    assert not Tenant.objects.filter(slug=slug).exists()


@pytest.mark.parametrize("slug", ["A-B", "x", "-abc", "abc-", "has space", "a" * 41])
def test_provision_tenant_refuses_malformed_slugs(db, slug):
    with pytest.raises(ValidationError):
        provision_tenant(name="X", slug=slug, officer_email=None)


def test_provision_tenant_refuses_a_slug_in_use(db, tenant_a):
    with pytest.raises(ValidationError):
        provision_tenant(name="Another", slug=tenant_a.slug, officer_email=None)


def test_provision_tenant_leaves_nothing_behind_when_cloning_fails(db, monkeypatch):
    def broken_clone(schema_name):
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA {schema_name}")
        raise RuntimeError("disk full")

    monkeypatch.setattr("tenants.services.clone_template_schema", broken_clone)
    with pytest.raises(RuntimeError):
        provision_tenant(name="Gamma Council", slug="gamma", officer_email=None)

    assert not Tenant.objects.filter(slug="gamma").exists()
    assert not schema_exists("t_gamma")


def test_provision_tenant_migrates_when_no_pg_dump_is_available(db, monkeypatch):
    def unavailable(schema_name):
        raise schema_cloning.SchemaCloneUnavailable("no pg_dump")

    monkeypatch.setattr("tenants.services.clone_template_schema", unavailable)
    tenant = provision_tenant(name="Gamma Council", slug="gamma", officer_email=None)

    assert tables_in(tenant.schema_name) == tables_in(TEMPLATE_SCHEMA_NAME)


def test_template_snapshot_is_reused_until_template_migrations_change(db):
    first = schema_cloning.current_template_snapshot()
    assert schema_cloning.current_template_snapshot().pk == first.pk

    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TEMPLATE_SCHEMA_NAME}.django_migrations (app, name, applied) "
            "VALUES ('probe', '0001_probe', now())"
        )
    second = schema_cloning.current_template_snapshot()

    assert second.pk != first.pk
    assert list(TemplateSnapshot.objects.values_list("pk", flat=True)) == [second.pk]


def test_clone_refuses_unsafe_schema_names(db):
    with pytest.raises(ValueError):
        schema_cloning.clone_template_schema("x; DROP SCHEMA public")


def test_template_tenant_is_not_a_council(db):
    assert not Tenant.objects.councils().filter(schema_name=TEMPLATE_SCHEMA_NAME).exists()
    assert sorted(Tenant.objects.councils().values_list("slug", flat=True)) == ["alpha", "beta"]


def test_pg_dump_version_is_read_from_its_banner(tmp_path):
    fake = tmp_path / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 16.2 (Debian 16.2-1)'\n")
    fake.chmod(0o755)
    assert schema_cloning._pg_dump_major(str(fake)) == 16


def test_migrate_schemas_includes_the_template_schema(db):
    # django-tenants migrates every Tenant row but public; the template is one, so every deploy's
    # migrate_schemas keeps it current and new tenants are cloned from an up-to-date schema.
    from django_tenants.utils import get_tenant_model

    migrated = get_tenant_model().objects.exclude(schema_name="public")
    assert TEMPLATE_SCHEMA_NAME in migrated.values_list("schema_name", flat=True)
