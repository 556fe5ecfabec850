"""The reader's choice between the standard and the easy read version of the public pages.

Kept in a cookie of its own, not the session: the public pages are read by people who never sign
in and are cached whole, so the choice must be readable without a session (which would cost a
query and mark every reader as "has a session") and must be part of every cache key and of
``Vary: Cookie``. The cookie has no ``Domain``, so it belongs to the council's host alone, like the
session cookie.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

COOKIE_NAME = "reading_mode"
EASY_READ = "easy-read"
STANDARD = "standard"
MODES = (STANDARD, EASY_READ)
# A year: a reader who needs easy read should not have to ask again on every visit.
COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def current(request: HttpRequest) -> str:
    """The mode this reader chose, ``standard`` when none (or something unknown) was chosen."""
    value = request.COOKIES.get(COOKIE_NAME, STANDARD)
    return value if value in MODES else STANDARD


def is_easy_read(request: HttpRequest) -> bool:
    return current(request) == EASY_READ


def remember(response: HttpResponse, mode: str) -> None:
    """Set the cookie that keeps ``mode`` for this host."""
    response.set_cookie(
        COOKIE_NAME,
        mode,
        max_age=COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def vary(response: HttpResponse) -> HttpResponse:
    """Tell shared caches that this page depends on the cookies (the reading mode among them)."""
    patch_vary_headers(response, ["Cookie"])
    return response
