"""Provisioning tells the apps above tenants that a schema exists; they add their defaults."""

import pytest
from django.db import connection
from django_tenants.utils import schema_exists, tenant_context

from accreditation.models import AccreditationSettings, AwardLevel
from charters.models import Charter
from tenants import schema_cloning
from tenants.models import Tenant
from tenants.services import provision_tenant
from tenants.signals import schema_provisioned


@pytest.fixture
def heard():
    calls = []

    def listen(sender, tenant, **kwargs):
        calls.append((tenant.slug, connection.schema_name))

    schema_provisioned.connect(listen)
    yield calls
    schema_provisioned.disconnect(listen)


def defaults_of(tenant) -> tuple[int, int, int]:
    with tenant_context(tenant):
        return (
            Charter.objects.count(),
            AccreditationSettings.objects.count(),
            AwardLevel.objects.count(),
        )


def test_the_signal_is_sent_in_the_new_schema_when_cloning(db, heard):
    tenant = provision_tenant(name="Gamma Council", slug="gamma", officer_email=None)

    assert heard == [("gamma", "t_gamma")]
    assert defaults_of(tenant) == (1, 1, 1)


def test_the_signal_is_sent_when_migrating_instead(db, heard, monkeypatch):
    def unavailable(schema_name):
        raise schema_cloning.SchemaCloneUnavailable("no pg_dump")

    monkeypatch.setattr("tenants.services.clone_template_schema", unavailable)
    tenant = provision_tenant(name="Delta Council", slug="delta", officer_email=None)

    assert heard == [("delta", "t_delta")]
    assert defaults_of(tenant) == (1, 1, 1)


def test_a_receiver_that_fails_leaves_no_tenant_behind(db):
    def broken(sender, tenant, **kwargs):
        raise RuntimeError("the defaults could not be written")

    schema_provisioned.connect(broken)
    try:
        with pytest.raises(RuntimeError):
            provision_tenant(name="Epsilon Council", slug="epsilon", officer_email=None)
    finally:
        schema_provisioned.disconnect(broken)
    assert not Tenant.objects.filter(slug="epsilon").exists()
    assert not schema_exists("t_epsilon")
