"""Throttles on actions people take through pages (registering an organisation, asking to join).

A thin layer over allauth's rate limiter, so the project counts attempts the same way as sign-in
does: the same rate syntax ("5/h/user,20/h/ip"), the same sliding window and lock, in the cache,
whose keys django-tenants' key function scopes to the current tenant. It adds what allauth's
consume() does not give: when the person may try again. A leaf module (no project imports).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from http import HTTPStatus

# allauth's internal helpers (pinned in requirements.lock); tests/platform_/test_ratelimit.py
# covers what this module relies on, so an upgrade that changes them fails there first.
from allauth.core.internal.ratelimit import apply_rate, cache_lock, get_cache_key, parse_rates
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# When the cache lock cannot be had, the attempt is refused, as allauth does: contention is
# itself a sign of a burst.
LOCKED_RETRY_SECONDS = 60


@dataclass
class Throttled(Exception):
    """Too many attempts at an action; ``retry_after`` seconds until the next one is allowed."""

    retry_after: int

    @property
    def wait(self) -> str:
        """ "in 1 minute", "in 45 minutes", "in 2 hours" (rounded up; GOV.UK style)."""
        minutes = max(1, math.ceil(self.retry_after / 60))
        if minutes <= 90:
            return f"in {minutes} minute{'s' if minutes != 1 else ''}"
        hours = math.ceil(minutes / 60)
        return f"in {hours} hours"


def check(request: HttpRequest, action: str) -> None:
    """Count one attempt at ``action`` by this person and this client; raise Throttled if over.

    Rates come from settings.RATE_LIMITS[action]; "user" rates apply to signed-in people only.
    """
    now = time.time()
    user = request.user if request.user.is_authenticated else None
    for rate in parse_rates(settings.RATE_LIMITS.get(action)):
        if rate.per == "user" and user is None:
            continue
        key = get_cache_key(request, app="cocharter", action=action, rate=rate, user=user)
        with cache_lock(key) as locked:
            if not locked:
                raise Throttled(retry_after=LOCKED_RETRY_SECONDS)
            allowed, history = apply_rate(cache.get(key, []), now, rate)
            if not allowed:
                # Newest first: a place frees up when the amount-th newest attempt expires.
                raise Throttled(
                    retry_after=math.ceil(history[rate.amount - 1] + rate.duration - now)
                )
            cache.set(key, history, rate.duration)


def throttled_response(request: HttpRequest, error: Throttled, *, message: str) -> HttpResponse:
    """The 429 page: what happened, in the action's own words, and when to try again."""
    response = render(
        request,
        "429.html",
        {"message": message, "wait": error.wait},
        status=HTTPStatus.TOO_MANY_REQUESTS,
    )
    response["Retry-After"] = str(error.retry_after)
    return response
