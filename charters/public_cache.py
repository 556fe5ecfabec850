"""Caching of the public pages (register, badges, open data) per tenant.

Every key includes a generation number that services bump whenever something the public sees
changes, so nothing stale is served and nothing needs to be found and deleted. Keys pass through
django-tenants' key function, so each tenant has its own entries.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.utils import translation

GENERATION_KEY = "charters:public-generation"
TIMEOUT = 60 * 60


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        # From the clock, never 1: entries (kept an hour) may outlive a lost generation (Redis
        # evicted it) or an earlier council of the same schema name; none can match this number.
        cache.add(GENERATION_KEY, time.time_ns(), None)
        value = cache.get(GENERATION_KEY, 1)
    return value


def invalidate() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set (never, or lost): start where no kept entry can be
        cache.add(GENERATION_KEY, time.time_ns(), None)


def cached(name: str, build: Callable[[], Any]) -> Any:
    """``build()``'s value, as built under the current generation (built and kept if not).

    The entry is stored with the generation it was built under, and read together with the
    current generation in one round trip (a cached page is read on every hit of a QR code): an
    entry of an older generation is stale and rebuilt. One built while a bump happens carries the
    old number, so it is rebuilt on the next read, as before. Entries are kept per language: a
    page built in Welsh is served only to people reading in Welsh.
    """
    key = f"charters:public:{translation.get_language()}:{name}"
    found = cache.get_many([GENERATION_KEY, key])
    current = found.get(GENERATION_KEY)
    if current is None:
        current = generation()
    entry = found.get(key)
    if entry is not None and entry[0] == current:
        return entry[1]
    value = build()
    cache.set(key, (current, value), TIMEOUT)
    return value
