"""Helpers for tests: users in a tenant, signed-in clients, environments for child processes."""

from __future__ import annotations

import os
import urllib.parse

from django.conf import settings
from django.db import connection
from django.test import Client, TestCase
from django_tenants.utils import tenant_context

from tenants.models import Tenant
from tests.factories import UserFactory

TEST_PASSWORD = "correct-horse-battery-staple"


def committed():
    """Run what the block queues after commit (tasks, cache bumps, emails) at its end, as if the
    test's transaction had committed there. Services' side effects wait for a real commit."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def host_of(tenant: Tenant) -> str:
    return f"{tenant.slug}.{settings.PLATFORM_DOMAIN}"


def make_user(tenant: Tenant, email: str, *, password: str = TEST_PASSWORD, **roles):
    """A user with a verified email address in ``tenant``'s schema."""
    with tenant_context(tenant):
        return UserFactory(email=email, password=password, **roles)


def login(client: Client, tenant: Tenant, user) -> Client:
    """Sign ``user`` in on ``client``; the session is stored in ``tenant``'s schema."""
    with tenant_context(tenant):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def database_url_for_subprocess() -> str:
    """A DATABASE_URL that points a child process at this run's test database."""
    params = connection.get_connection_params()
    user = urllib.parse.quote(params.get("user") or "postgres")
    password = urllib.parse.quote(str(params.get("password") or ""))
    auth = f"{user}:{password}" if password else user
    host, port = params.get("host") or "", params.get("port") or ""
    if host.startswith("/"):
        return f"postgres://{auth}@/{params['dbname']}?host={host}"
    return f"postgres://{auth}@{host}{':' + str(port) if port else ''}/{params['dbname']}"


def subprocess_env(**extra: str) -> dict[str, str]:
    """Environment for a server or worker process that must share this run's data."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "platform_.settings.test",
        "DATABASE_URL": database_url_for_subprocess(),
        "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        "CELERY_TASK_DEFAULT_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        **extra,
    }
