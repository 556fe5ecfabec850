"""Caching of the public pages (register, badges, open data) per tenant.

Every key includes a generation number that services bump whenever something the public sees
changes, so nothing stale is served and nothing needs to be found and deleted. Keys pass through
django-tenants' key function, so each tenant has its own entries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache

GENERATION_KEY = "charters:public-generation"
TIMEOUT = 60 * 60


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, None)
        value = cache.get(GENERATION_KEY, 1)
    return value


def invalidate() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet: nothing cached under any generation
        cache.add(GENERATION_KEY, 1, None)


def cached(name: str, build: Callable[[], Any]) -> Any:
    key = f"charters:public:{generation()}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value
