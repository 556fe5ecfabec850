"""A council of its own for tests that commit: threads racing each other, a real server process.

Rows committed in alpha or beta would leak into every later test; this council is provisioned
for the module and dropped with its schema and files afterwards.
"""

from __future__ import annotations

import shutil

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import tenant_context

from charters import selectors
from charters import services as charter_services
from tenants.middleware import forget_cached_hosts
from tenants.models import Tenant
from tenants.services import provision_tenant
from tests.factories import RoundFactory, UserFactory
from tests.helpers import TEST_PASSWORD, host_of


@pytest.fixture(scope="module")
def race_tenant(django_db_setup, django_db_blocker) -> Tenant:
    """Race Borough Council, committed, with its charter published and a round open."""
    with django_db_blocker.unblock():
        tenant = provision_tenant(name="Race Borough Council", slug="races", officer_email=None)
        with tenant_context(tenant):
            officer = UserFactory(
                email="officer@races.test", password=TEST_PASSWORD, is_council_officer=True
            )
            charter_services.publish_version(selectors.draft_version(), acting_user=officer)
            RoundFactory(name="Race Week 2027")
        connection.set_schema_to_public()
    yield tenant
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        forget_cached_hosts([host_of(tenant)])
        Tenant.objects.get(pk=tenant.pk).delete(force_drop=True)
    shutil.rmtree(settings.MEDIA_ROOT / tenant.schema_name, ignore_errors=True)
