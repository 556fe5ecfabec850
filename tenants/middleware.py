"""Routing requests to tenants, and what a tenant's lifecycle state allows."""

import time

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import schema_context

from tenants.enums import LifecycleStatus

TENANT_BY_HOST_TIMEOUT = 300
# A second level, in this process: the tenant by host for a moment, sparing the Redis round trip
# that was half the cost of a cached public page (the verification page a QR code opens). A
# change (a suspension) reaches this process at once (forget_cached_hosts clears it) and the
# others within this many seconds.
LOCAL_TIMEOUT = 2.0
_local: dict[str, tuple[float, object]] = {}


def tenant_cache_key(hostname: str) -> str:
    # Always built while the connection is on the public schema, so django-tenants' key function
    # gives it the "public" prefix: one shared entry per host name.
    return f"tenant-by-host:{hostname}"


class CachedTenantMiddleware(TenantMainMiddleware):
    """django-tenants' middleware with the host-to-tenant lookup cached in Redis.

    The entry is dropped whenever a Tenant, Domain or Plan is saved or deleted
    (tenants/receivers.py), so a suspension or a plan's new limit takes effect on the next request
    in this process, and within LOCAL_TIMEOUT seconds in the others.
    """

    def get_tenant(self, domain_model, hostname):
        now = time.monotonic()
        held = _local.get(hostname)
        if held is not None and held[0] > now:
            return held[1]
        key = tenant_cache_key(hostname)
        tenant = cache.get(key)
        if tenant is None:
            # With its plan, cached with it: a plan limit checked on a request costs no query.
            # Saving a plan forgets the hosts of every council on it (tenants/receivers.py).
            # Unknown hosts raise DoesNotExist: not kept.
            tenant = (
                domain_model.objects.select_related("tenant", "tenant__plan")
                .get(domain=hostname)
                .tenant
            )
            # That query moved the connection to the public schema (see process_request).
            connection.tenant_looked_up_in_public = True
            cache.set(key, tenant, TENANT_BY_HOST_TIMEOUT)
        _local[hostname] = (now + LOCAL_TIMEOUT, tenant)
        return tenant

    def process_request(self, request):
        # django-tenants forgets, on every request, the search_path it set on this persistent
        # connection, so each request began with a `SET search_path` round trip even when the
        # connection was already on this council's schema (a sync worker serves one request at
        # a time). What it set is remembered across requests now, and kept when it is exactly
        # what this request needs. A connection closed or rolled back in between has forgotten
        # it already (the backend clears it then), so it is set again there; so is one that
        # looked this council up in the public schema just now (not cached), which left it there.
        already_set = connection.search_path_set_schemas
        connection.tenant_looked_up_in_public = False
        response = super().process_request(request)
        if (
            already_set
            and not connection.tenant_looked_up_in_public
            and connection.connection is not None
            and already_set == connection._get_cursor_search_paths()
        ):
            connection.search_path_set_schemas = already_set
        return response


def forget_cached_hosts(hostnames) -> None:
    hostnames = list(hostnames)
    for hostname in hostnames:
        _local.pop(hostname, None)
    with schema_context("public"):
        cache.delete_many([tenant_cache_key(hostname) for hostname in hostnames])


# Writes a suspended tenant still allows: signing in and out (and resetting a forgotten
# password to do so) change no council data, and a council may take its data away (an export)
# in any state.
READ_ONLY_ALLOWED_PATHS = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/2fa/authenticate/",
    "/accounts/password/reset/",
    # Signing in with the council's own accounts (the button posts, the provider returns here).
    "/accounts/oidc/",
    "/manage/export/",
    "/api/v1/manage/exports/",
)
# What a closed tenant still answers until its data is deleted: signing in and out, so officers
# can download the export (the view checks they are officers), certificates that can still be
# checked, and the branding the pages are drawn with. Everything else is 410 Gone.
CLOSED_ALLOWED_PATHS = (
    *READ_ONLY_ALLOWED_PATHS,
    "/verify/",
    "/branding.css",
    "/branding/logo",
)
# And exactly these addresses: opening Stripe's billing portal, or a checkout to subscribe again
# (platform_/billing), since paying is how a suspended council opens its site again. Neither
# changes anything in the council's schema.
READ_ONLY_ALLOWED_EXACT = frozenset({"/manage/billing/portal/", "/manage/billing/reactivate/"})
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
API_PATH = "/api/"


def _refusal(request, template: str, status: int, detail: str):
    """The refusal page, or for the API its RFC 9457 problem details (the shape of every API
    error; platform_.api.problems, which this lower layer cannot import)."""
    if request.path.startswith(API_PATH):
        return JsonResponse(
            {
                "type": f"/api/v1/schema/docs/#problem-{'gone' if status == 410 else 'forbidden'}",
                "title": "Gone" if status == 410 else "Forbidden",
                "status": status,
                "detail": detail,
                "instance": request.path,
            },
            status=status,
            content_type="application/problem+json",
        )
    return render(request, template, {"tenant": request.tenant}, status=status)


class TenantLifecycleMiddleware:
    """Closed tenants answer 410 Gone except for sign in, the export and verification;
    suspended tenants are read-only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        if tenant is not None and connection.schema_name != "public":
            if tenant.status not in LifecycleStatus.serving() and not (
                tenant.status == LifecycleStatus.CLOSED
                and request.path.startswith(CLOSED_ALLOWED_PATHS)
            ):
                return _refusal(
                    request,
                    "tenants/closed.html",
                    410,
                    f"{tenant.name} has closed its CoCharter site.",
                )
            if (
                tenant.status in [*LifecycleStatus.read_only(), LifecycleStatus.CLOSED]
                and request.method not in SAFE_METHODS
                and not request.path.startswith(READ_ONLY_ALLOWED_PATHS)
                and request.path not in READ_ONLY_ALLOWED_EXACT
            ):
                return _refusal(
                    request,
                    "tenants/read_only.html",
                    403,
                    f"{tenant.name}'s CoCharter site is read only for now: nothing can be changed.",
                )
        return self.get_response(request)
