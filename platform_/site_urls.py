"""Absolute links to this site, built from its own domain and never from the request's Host.

The Host header is chosen by whoever sends the request: ALLOWED_HOSTS lets through every
subdomain of the platform with any port, so a link built from it can point anywhere the sender
likes, and one cached page or one email then carries that link to everyone (DESIGN section 7).
A leaf module: the accounts adapter (kernel) and the apps above it use it.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connection


def site_url(path: str = "/") -> str:
    """``path`` on the current tenant's primary domain, or the platform's on the public schema."""
    tenant = getattr(connection, "tenant", None)
    if connection.schema_name != "public" and hasattr(tenant, "build_url"):
        return tenant.build_url(path)
    return f"{settings.SITE_SCHEME}://{settings.PLATFORM_DOMAIN}{settings.SITE_PORT_SUFFIX}{path}"


def site_host() -> str:
    """The host (and configured port) that site_url links to, e.g. ``alpha.cocharter.org``."""
    return urlsplit(site_url("/")).netloc


def rebase(url: str) -> str:
    """The same path, query and fragment as ``url``, on this site's own scheme and host."""
    parts = urlsplit(url)
    return site_url(urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment)))


def own_hosts() -> set[str]:
    """Every host name of the current tenant (or the platform), bare and with the configured port.

    The only hosts a redirect may lead to: ALLOWED_HOSTS also admits every other council's
    subdomain, and subdomains that belong to nobody.
    """
    tenant = getattr(connection, "tenant", None)
    if connection.schema_name != "public" and hasattr(tenant, "domains"):
        names = set(tenant.domains.values_list("domain", flat=True))
    else:
        names = {settings.PLATFORM_DOMAIN}
    return names | {f"{name}{settings.SITE_PORT_SUFFIX}" for name in names}
