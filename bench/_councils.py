"""A bench council of its own: made through the real provisioning service, dropped afterwards with
its schema and its files (the tenant's media folder), so benches leave nothing behind."""

from __future__ import annotations

import shutil
from unittest import mock

from django.core.files.storage import default_storage
from django.db import connection
from django_tenants.utils import tenant_context

from tenants.models import Tenant
from tenants.services import ensure_platform, provision_tenant


def drop_council(tenant: Tenant) -> None:
    with tenant_context(tenant):
        folder = default_storage.location  # the tenant's media folder (MEDIA_ROOT/<schema>)
    shutil.rmtree(folder, ignore_errors=True)
    connection.set_schema_to_public()
    tenant.delete(force_drop=True)


def fresh_council(*, name: str, slug: str) -> Tenant:
    """The council ``slug``, made anew (one left by an interrupted run is dropped first)."""
    ensure_platform()
    for stale in Tenant.objects.filter(slug=slug):
        drop_council(stale)
    # The first officer's invitation is written but not queued: the council is dropped soon.
    with mock.patch("platform_.outbox.services.enqueue_on_commit"):
        return provision_tenant(name=name, slug=slug, officer_email=None)
