"""Whole signed-in pages kept per person, under the council's data generation.

The pages people come back to most (an organisation's hub, the officers' list of applications)
are rebuilt for every request: the queries, the ORM behind them and the templates were about 90%
of their cost (issue 13, bench/load.py). A view that mixes in ``SignedInPageCacheMixin`` keeps
its page per person, and serves it again while nothing in the council has changed.

Why a stored page is never stale:
- it is kept under the council's data generation (platform_/data_generation.py), read on this
  request *before* any of the council's data (with the person's row, platform_/accounts/
  session_user.py): every committed write to the council's schema, by any code in any process,
  moves that number on, so the next request builds the page again;
- the tenant's own row (the public schema: name, branding, status, plan) is fingerprinted into
  the entry (charters/page_cache.py's ``tenant_fingerprint``), so a new logo or a suspension
  misses at once in the process that made it and within the tenant cache's 2 s in the others;
- the key holds everything else a page depends on: the person and the browser's CSRF secret
  (a stored token is valid only with that secret, and one person's page is never another's),
  the scheme, language, reading mode, today's date and the path with its query string; the
  council's schema prefixes every key (django-tenants' key function). Not the host: a council's
  pages build their links from its own domain, never the request's (DESIGN section 7);
- entries live 5 minutes at most, which bounds time-relative wording ("closes in 2 days") and
  a bump Redis never received (an unreachable Redis at commit).

What is never served or stored: anything but GET (HEAD is served the GET's page); anyone
signed out (charters/page_cache.py has the public pages); a browser without a CSRF cookie (the
page would set one); a request with messages waiting or one whose view added any; a response
that is not a 200, streams, sets a cookie, changed the session, rotated the CSRF token or says
``no-store``; and nothing at all while Redis cannot be read.

The view's permission check runs on every request before this mixin (put it after the
permission mixin, as the assertion in ``dispatch`` insists), so a person who lost a role is
refused at once even if a page of theirs were still kept. Response middleware (security headers,
CSP, sessions, CSRF) runs on a stored page as on a built one: only the view's own output is kept.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone, translation

from charters import reading_mode
from charters.page_cache import tenant_fingerprint
from platform_.metrics import SIGNED_IN_PAGES

TIMEOUT = 5 * 60


def page_key(request) -> str:
    parts = "\n".join(
        (
            str(request.user.pk),
            request.COOKIES[settings.CSRF_COOKIE_NAME],
            request.scheme,
            translation.get_language(),
            reading_mode.current(request),
            timezone.localdate().isoformat(),
            request.path_info,
            request.META.get("QUERY_STRING", ""),
        )
    )
    return "charters:signed-in-page:" + hashlib.blake2b(parts.encode(), digest_size=16).hexdigest()


def _generation_for(request) -> int | None:
    """The generation read before any of the council's data on this request, or None (nothing
    to be cached then: the cache is off, Redis unreadable, or the person not from a cached row)."""
    if not settings.SIGNED_IN_CACHE or request.method not in ("GET", "HEAD"):
        return None
    if not request.user.is_authenticated or settings.CSRF_COOKIE_NAME not in request.COOKIES:
        return None
    if len(messages.get_messages(request)):
        return None
    return getattr(request, "data_generation", None)


def _storable(request, response) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies or request.session.modified:
        return False
    # Using a token marks the cookie to be sent again (a fresh expiry, the same secret); a new
    # or rotated secret would not match the page's tokens to the key.
    if request.META.get("CSRF_COOKIE") != request.COOKIES[settings.CSRF_COOKIE_NAME]:
        return False
    storage = messages.get_messages(request)
    if getattr(storage, "added_new", False) or len(storage):
        return False
    return "no-store" not in response.get("Cache-Control", "")


class SignedInPageCacheMixin:
    """For a view's GET: serve this person's stored page, or store the one the view builds.

    Goes after the view's permission mixin and before the view class."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # The permission check must run before a stored page is served (see the docstring).
        mro = cls.__mro__
        before, after = (
            mro[: mro.index(SignedInPageCacheMixin)],
            mro[mro.index(SignedInPageCacheMixin) :],
        )
        if not any(issubclass(base, AccessMixin) for base in before) or any(
            issubclass(base, AccessMixin) for base in after
        ):
            raise TypeError(
                f"{cls.__name__}: put SignedInPageCacheMixin after its permission mixin"
            )

    def dispatch(self, request, *args, **kwargs):
        generation = _generation_for(request)
        if generation is None:
            SIGNED_IN_PAGES.labels("skipped").inc()
            return super().dispatch(request, *args, **kwargs)
        key = page_key(request)
        fingerprint = tenant_fingerprint(request.tenant)
        entry = cache.get(key)
        if entry is not None and entry[0] == generation and entry[1] == fingerprint:
            SIGNED_IN_PAGES.labels("hit").inc()
            response = HttpResponse(entry[3])
            for name, value in entry[2]:
                response.headers[name] = value
            return response
        response = super().dispatch(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        if _storable(request, response):
            SIGNED_IN_PAGES.labels("stored").inc()
            entry = (generation, fingerprint, list(response.items()), response.content)
            cache.set(key, entry, TIMEOUT)
        else:
            SIGNED_IN_PAGES.labels("built").inc()
        return response
