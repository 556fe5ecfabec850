"""Dropping a closed council after retention: schema, files and hosts gone, the row kept."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from charters.models import Charter
from platform_.celery import app
from tenants.enums import LifecycleStatus
from tenants.models import Domain, Tenant
from tenants.services import (
    drop_tenant_schema,
    provision_tenant,
    set_tenant_status,
    update_branding,
)
from tenants.tasks import drop_closed_tenants
from tests.factories import (
    PDF,
    PNG,
    ApplicationFactory,
    CharterVersionFactory,
    EvidenceFactory,
)
from tests.helpers import TEST_PASSWORD, committed, host_of


def schemas() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT schema_name FROM information_schema.schemata")
        return {row[0] for row in cursor.fetchall()}


def media_folder(tenant: Tenant) -> str:
    return os.path.join(settings.MEDIA_ROOT, tenant.schema_name)


@pytest.fixture
def gamma(db) -> Tenant:
    """A council of its own to drop, with an evidence file and a logo."""
    with committed():
        tenant = provision_tenant(name="Gamma Council", slug="gamma", officer_email=None)
        update_branding(tenant, logo=SimpleUploadedFile("crest.png", PNG + b"Gamma"))
    with tenant_context(tenant):
        application = ApplicationFactory(version=CharterVersionFactory(number=1))
        evidence = EvidenceFactory(
            upload=True,
            application=application,
            file=ContentFile(PDF + b"Gamma", name="g.pdf"),
        )
        assert os.path.exists(evidence.file.path)
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        # Provisioning fired deferred constraint checks (principle positions) that would wait
        # for the test's commit, and PostgreSQL will not drop a table with checks pending. In
        # production the council was committed long before it is dropped.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return tenant


def close(tenant: Tenant, days_ago: int) -> None:
    set_tenant_status(tenant, LifecycleStatus.CLOSED, acting_user=None)
    Tenant.objects.filter(pk=tenant.pk).update(
        status_changed_at=timezone.now() - timedelta(days=days_ago)
    )
    tenant.refresh_from_db()


def test_nothing_is_dropped_before_retention_ends(gamma):
    close(gamma, days_ago=settings.TENANT_CLOSED_RETENTION_DAYS - 1)
    with committed():
        assert drop_closed_tenants.apply().get() == []
    with pytest.raises(ValidationError, match="can download its data until"):
        drop_tenant_schema(gamma, acting_user=None)
    assert gamma.schema_name in schemas()
    assert Tenant.objects.get(pk=gamma.pk).schema_dropped_at is None


def test_a_council_that_is_not_closed_is_never_dropped(gamma):
    set_tenant_status(gamma, LifecycleStatus.SUSPENDED, acting_user=None)
    Tenant.objects.filter(pk=gamma.pk).update(
        status_changed_at=timezone.now() - timedelta(days=900)
    )
    with committed():
        assert drop_closed_tenants.apply().get() == []
    gamma.refresh_from_db()
    with pytest.raises(ValidationError, match="Only a closed council"):
        drop_tenant_schema(gamma, acting_user=None, force=True)
    assert gamma.schema_name in schemas()


def test_after_retention_the_schema_files_and_hosts_are_gone_and_the_row_stays(
    gamma, tenant_b, client_b
):
    logo_path = gamma.logo.path
    assert os.path.isdir(media_folder(gamma)) and os.path.exists(logo_path)
    gamma_client = Client(HTTP_HOST=host_of(gamma))
    close(gamma, days_ago=settings.TENANT_CLOSED_RETENTION_DAYS + 1)
    assert gamma_client.get("/").status_code == 410  # caches the tenant by host

    with committed():
        assert drop_closed_tenants.apply().get() == ["t_gamma"]

    assert "t_gamma" not in schemas()
    assert not os.path.exists(media_folder(gamma))
    assert not os.path.exists(logo_path)
    assert not Domain.objects.filter(tenant=gamma).exists()
    assert gamma_client.get("/").status_code == 404
    assert gamma_client.get("/accounts/login/").status_code == 404
    kept = Tenant.objects.get(pk=gamma.pk)
    assert kept.slug == "gamma" and kept.status == LifecycleStatus.CLOSED
    assert kept.schema_dropped_at is not None and not kept.logo
    # The other councils are untouched.
    assert tenant_b.schema_name in schemas()
    assert client_b.get("/").status_code == 200
    with tenant_context(tenant_b):
        assert Charter.objects.count() == 1  # its tables still answer

    with committed():  # a second run finds nothing to do
        assert drop_closed_tenants.apply().get() == []
    assert drop_tenant_schema(kept, acting_user=None) is False
    assert Tenant.objects.get(pk=gamma.pk).schema_dropped_at == kept.schema_dropped_at


def test_a_dropped_council_cannot_be_reopened(gamma):
    close(gamma, days_ago=settings.TENANT_CLOSED_RETENTION_DAYS + 1)
    drop_tenant_schema(gamma, acting_user=None)
    with pytest.raises(ValidationError, match="has been deleted"):
        set_tenant_status(gamma, LifecycleStatus.ACTIVE, acting_user=None)


def test_only_platform_staff_may_drop_a_closed_council_early(gamma):
    close(gamma, days_ago=1)
    officer = get_user_model()(email="x@gamma.test", is_staff=False, is_active=True)
    with pytest.raises(PermissionDenied):
        drop_tenant_schema(gamma, acting_user=officer, force=True)
    staff = get_user_model()(email="admin@localhost", is_staff=True, is_active=True)
    with committed():
        assert drop_tenant_schema(gamma, acting_user=staff, force=True) is True
    assert "t_gamma" not in schemas()


def test_the_template_and_public_schemas_cannot_be_dropped(db):
    for tenant in Tenant.objects.exclude(status__in=LifecycleStatus.serving()):
        if tenant.schema_name != "public" and not tenant.is_template:
            continue
        with pytest.raises(ValidationError):
            drop_tenant_schema(tenant, acting_user=None, force=True)


# --- The platform admin's "Delete data now" -------------------------------------------------------

CHANGELIST = "/admin/tenants/tenant/"


@pytest.fixture
def staff_client(platform_client):
    get_user_model().objects.create_superuser("staff@platform.test", TEST_PASSWORD)
    platform_client.login(username="staff@platform.test", password=TEST_PASSWORD)
    return platform_client


def delete_data_now(client, tenant: Tenant, **extra):
    data = {"action": "delete_data_now", ACTION_CHECKBOX_NAME: [tenant.pk], **extra}
    return client.post(CHANGELIST, data, follow=True)


def test_the_admin_asks_before_deleting_a_closed_councils_data(staff_client, gamma):
    close(gamma, days_ago=1)
    page = delete_data_now(staff_client, gamma)
    assert "Delete these councils' data now?" in page.content.decode()
    assert "t_gamma" in schemas()  # nothing yet

    with committed():
        done = delete_data_now(staff_client, gamma, confirm="yes")
    assert "Gamma Council: its data is deleted." in done.content.decode()
    assert "t_gamma" not in schemas()
    assert Tenant.objects.get(pk=gamma.pk).schema_dropped_at is not None


def test_the_admin_refuses_to_delete_an_open_councils_data(staff_client, tenant_a):
    response = delete_data_now(staff_client, tenant_a, confirm="yes")
    assert "Only a closed council" in response.content.decode()
    assert tenant_a.schema_name in schemas()


def test_beat_drops_closed_councils_daily_in_public_and_expires_exports_in_each(settings):
    app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    schedule = settings.CELERY_BEAT_SCHEDULE
    drop = schedule["tenants-drop-closed"]
    assert drop["task"] == "tenants.drop_closed_tenants"
    assert drop["tenant_schemas"] == ["public"]
    assert "tenant_schemas" not in schedule["exports-expire"]  # every serving council
    for entry in (drop, schedule["exports-expire"]):
        assert entry["task"] in app.tasks
