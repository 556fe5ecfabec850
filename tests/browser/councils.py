"""Councils of their own for browser tests: committed (the server process must see them), then
their schema and files removed."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.files.storage import default_storage
from django.db import connection
from django_tenants.utils import tenant_context

from tenants.middleware import LOCAL_TIMEOUT
from tenants.models import Tenant
from tenants.services import provision_tenant
from tests.helpers import make_user

# Slugs of councils dropped in this run. The server's processes hold each host's council for
# LOCAL_TIMEOUT seconds (tenants/middleware.py), so a council provisioned again under a slug just
# dropped would meet the old one's row there (its settings: a rule requiring SSO, say) at first.
_dropped: set[str] = set()


@contextmanager
def council_with_officer(django_db_blocker, *, name: str, slug: str) -> Iterator[Tenant]:
    """A newly provisioned council whose officer is ``officer@<slug>.test``."""
    with django_db_blocker.unblock():
        tenant = provision_tenant(name=name, slug=slug, officer_email=None)
        make_user(tenant, f"officer@{slug}.test", is_council_officer=True)
        connection.set_schema_to_public()
        if slug in _dropped:
            time.sleep(LOCAL_TIMEOUT + 0.2)
        try:
            yield tenant
        finally:
            connection.set_schema_to_public()
            with tenant_context(tenant):
                media = default_storage.location
            shutil.rmtree(media, ignore_errors=True)
            tenant.delete(force_drop=True)
            _dropped.add(slug)
