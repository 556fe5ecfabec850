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
- the entry holds everything else a page depends on: the release (platform_/release.py: a
  page names its static files), the person (in its key), the scheme,
  language, reading mode, today's date and the path with its query string; the council's schema
  prefixes every key (django-tenants' key function). Not the host: a council's pages build their
  links from its own domain, never the request's (DESIGN section 7);
- entries live 5 minutes at most, which bounds time-relative wording ("closes in 2 days") and
  a bump Redis never received (platform_/data_generation.py).

CSRF tokens are not kept: each ``{% csrf_token %}`` input is stored without its value and given a
token of this request's own on every hit (a fresh mask each time, as a built page has), so one
person's browsers share their pages and every form on a kept page posts. A page with any other
trace of a token is not kept.

Room: each person has ``SLOTS`` entries (a page's variant picks one; the entry says which variant
it holds), so however many addresses, query strings or languages someone asks for, they hold at
most ``SLOTS`` pages in the Redis that also keeps sessions and throttles.

What is never served or stored: anything but GET (HEAD is served the GET's page); anyone signed
out (charters/page_cache.py has the public pages); a request with messages waiting or one whose
view added any; a response that is not a 200, streams, sets a cookie, changed the session or
says ``no-store``; and nothing at all while Redis cannot be read.

The view's permission check runs on every request before this mixin (it must come after the
permission mixin; a class that puts it elsewhere is refused when it is defined), so a person who
lost a role is refused at once even if a page of theirs were still kept. Response middleware
(security headers, CSP, sessions, CSRF) runs on a stored page as on a built one: only the view's
own output is kept.
"""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

from charters import reading_mode
from charters.page_cache import tenant_fingerprint
from platform_ import release
from platform_.metrics import SIGNED_IN_PAGES

TIMEOUT = 5 * 60
SLOTS = 16
# What {% csrf_token %} renders (django.template.defaulttags.CsrfTokenNode), its value a masked
# token of 64 letters and digits.
_TOKEN_INPUT = re.compile(
    rb'(<input type="hidden" name="csrfmiddlewaretoken" value=")([A-Za-z0-9]{64})(">)'
)
# Where a token was: NUL cannot come from a template's text or from PostgreSQL (text columns
# refuse it, and Django's form fields reject it).
_TOKEN_HOLE = b"\x00csrf\x00"


def variant(request) -> str:
    """What, besides the person and the council, decides the page."""
    parts = "\n".join(
        (
            release.digest(),  # a page names its release's static files
            request.scheme,
            translation.get_language(),
            reading_mode.current(request),
            timezone.localdate().isoformat(),
            request.path_info,
            request.META.get("QUERY_STRING", ""),
        )
    )
    return hashlib.blake2b(parts.encode(), digest_size=16).hexdigest()


def slot_key(request, page_variant: str) -> str:
    return f"charters:signed-in-page:{request.user.pk}:{int(page_variant[:8], 16) % SLOTS}"


def _generation_for(request) -> int | None:
    """The generation read before any of the council's data on this request, or None (nothing
    to be cached then: the cache is off, Redis unreadable, or the person not from a cached row)."""
    if not settings.SIGNED_IN_CACHE or request.method not in ("GET", "HEAD"):
        return None
    if not request.user.is_authenticated or len(messages.get_messages(request)):
        return None
    return getattr(request, "data_generation", None)


def _storable(request, response) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies or request.session.modified:
        return False
    storage = messages.get_messages(request)
    if getattr(storage, "added_new", False) or len(storage):
        return False
    return "no-store" not in response.get("Cache-Control", "")


def without_tokens(content: bytes) -> bytes | None:
    """``content`` with each CSRF token taken out, or None if a token is also anywhere else (a
    token in an attribute or a script would be this browser's only, and stale on a hit)."""
    if _TOKEN_HOLE in content:
        return None
    tokens = [match.group(2) for match in _TOKEN_INPUT.finditer(content)]
    if content.count(b"csrfmiddlewaretoken") != len(tokens):
        return None
    # One render gives every form the same token: it may appear only in those inputs.
    if any(content.count(token) != tokens.count(token) for token in set(tokens)):
        return None
    return _TOKEN_INPUT.sub(rb"\1" + _TOKEN_HOLE + rb"\3", content)


def with_tokens(request, content: bytes) -> bytes:
    """A kept page with a token of this request's in each place one was taken out."""
    pieces = content.split(_TOKEN_HOLE)
    if len(pieces) == 1:
        return content
    filled = [pieces[0]]
    for piece in pieces[1:]:
        filled += [get_token(request).encode(), piece]
    return b"".join(filled)


class SignedInPageCacheMixin:
    """For a view's GET: serve this person's stored page, or store the one the view builds.

    Goes after the view's permission mixin and before the view class."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # The permission check must run before a stored page is served (see the docstring).
        mro = cls.__mro__
        at = mro.index(SignedInPageCacheMixin)
        if not any(issubclass(base, AccessMixin) for base in mro[:at]) or any(
            issubclass(base, AccessMixin) for base in mro[at:]
        ):
            raise TypeError(
                f"{cls.__name__}: put SignedInPageCacheMixin after its permission mixin"
            )

    def dispatch(self, request, *args, **kwargs):
        generation = _generation_for(request)
        if generation is None:
            SIGNED_IN_PAGES.labels("skipped").inc()
            return super().dispatch(request, *args, **kwargs)
        page_variant = variant(request)
        key = slot_key(request, page_variant)
        fingerprint = tenant_fingerprint(request.tenant)
        entry = cache.get(key)
        if entry is not None and entry[:3] == (generation, fingerprint, page_variant):
            SIGNED_IN_PAGES.labels("hit").inc()
            response = HttpResponse(with_tokens(request, entry[4]))
            for name, value in entry[3]:
                response.headers[name] = value
            return response
        response = super().dispatch(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        content = without_tokens(response.content) if _storable(request, response) else None
        if content is None:
            SIGNED_IN_PAGES.labels("built").inc()
        else:
            SIGNED_IN_PAGES.labels("stored").inc()
            headers = list(response.items())
            cache.set(key, (generation, fingerprint, page_variant, headers, content), TIMEOUT)
        return response
