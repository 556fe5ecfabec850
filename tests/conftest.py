"""Shared fixtures: two tenants created once per run, clients bound to each tenant's host.

Tests use pytest-django's ``db`` fixture (a transaction rolled back after each test). Never
``transactional_db``: its flush would empty the public schema's tenant table. Tests that need
committed data (real worker, real server process) commit through ``django_db_blocker`` and clean
up after themselves.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import translation

from tenants.middleware import forget_cached_hosts
from tenants.models import Tenant
from tenants.services import ensure_platform, provision_tenant
from tests.helpers import host_of, make_user

# Fixtures shared by every folder (tests/fixtures/*.py): loaded here, so no test module or
# conftest imports a fixture from another folder.
pytest_plugins = [
    "tests.fixtures.charters",
    "tests.fixtures.accreditation",
    "tests.fixtures.awards",
    "tests.fixtures.billing",
    "tests.fixtures.plans",
    "tests.fixtures.signups",
    "tests.fixtures.api",
    "tests.fixtures.webhooks",
    "tests.fixtures.oidc",
]

TENANT_A = {"name": "Alpha City Council", "slug": "alpha"}
TENANT_B = {"name": "Beta Borough Council", "slug": "beta"}


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker):
    """The test database, plus the platform rows, the template schema and two tenants.

    Replaces pytest-django's fixture, which creates the test database only when some collected
    test asks for ``db``: integration and browser tests commit outside test transactions and
    would otherwise write to the development database.
    """
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        db_config = setup_databases(
            verbosity=request.config.option.verbose, interactive=False, aliases={"default"}
        )
        assert connection.settings_dict["NAME"].startswith("test_cocharter_")
        ensure_platform()
        for spec in (TENANT_A, TENANT_B):
            provision_tenant(name=spec["name"], slug=spec["slug"], officer_email=None)
        connection.set_schema_to_public()
    yield
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        # Server and worker processes started by tests may still hold a connection for a moment.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        teardown_databases(db_config, verbosity=request.config.option.verbose)


@pytest.fixture
def tenant_a(db) -> Tenant:
    return Tenant.objects.get(slug=TENANT_A["slug"])


@pytest.fixture
def tenant_b(db) -> Tenant:
    return Tenant.objects.get(slug=TENANT_B["slug"])


@pytest.fixture(autouse=True)
def _reset_schema_and_host_cache():
    """Each test starts on the public schema and with no tenant cached by host name.

    Rolled-back tests may have cached a tenant state (e.g. suspended) that the rollback undid.
    """
    yield
    connection.set_schema_to_public()
    hosts = [f"{spec['slug']}.{settings.PLATFORM_DOMAIN}" for spec in (TENANT_A, TENANT_B)]
    forget_cached_hosts([*hosts, settings.PLATFORM_DOMAIN])


@pytest.fixture(autouse=True)
def _reset_language():
    """Each test starts in the default language: a request in Welsh leaves LocaleMiddleware's
    choice active in this thread, so a later test's lazy messages would come out in Welsh."""
    yield
    translation.deactivate()


@pytest.fixture
def client_a(tenant_a) -> Client:
    return Client(HTTP_HOST=host_of(tenant_a))


@pytest.fixture
def client_b(tenant_b) -> Client:
    return Client(HTTP_HOST=host_of(tenant_b))


@pytest.fixture
def platform_client(db) -> Client:
    return Client(HTTP_HOST=settings.PLATFORM_DOMAIN)


@pytest.fixture
def officer_a(tenant_a):
    return make_user(tenant_a, "officer@alpha.test", is_council_officer=True)


@pytest.fixture
def officer_b(tenant_b):
    return make_user(tenant_b, "officer@beta.test", is_council_officer=True)
