"""The tenant site's URL patterns, read from the URL conf itself, so tests cover every one."""

from __future__ import annotations

import re

from django.urls import URLPattern, URLResolver, get_resolver

TENANT_URLCONF = "platform_.urls_tenant"


def _walk(patterns, prefix: str, namespace: str | None, with_view: bool = False):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner, with_view)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            if with_view:
                yield name, getattr(pattern.callback, "view_class", None)
            else:
                yield name, prefix + str(pattern.pattern)


def tenant_routes() -> dict[str, str]:
    """Every pattern of the tenant site (included ones too): its name (or, for the few allauth
    leaves unnamed, its route) -> its route."""
    routes = {}
    for name, route in _walk(get_resolver(TENANT_URLCONF).url_patterns, "", None):
        routes.setdefault(name or route, route)
    return routes


def parameters(route: str) -> list[str]:
    """The names of the values a route takes: <int:pk> and (?P<key>...) alike."""
    return re.findall(r"<(?:\w+:)?(\w+)>", route)


def tenant_views_with(mixin: type) -> set[str]:
    """The names of the tenant site's views that mix ``mixin`` in."""
    return {
        name
        for name, view in _walk(get_resolver(TENANT_URLCONF).url_patterns, "", None, True)
        if view is not None and issubclass(view, mixin)
    }
