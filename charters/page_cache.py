"""Whole public pages served from the cache, before sessions, authentication, CSRF, URL resolving,
templates or PostgreSQL are touched.

The public pages (home, the charter and its easy read, the register and its search, its open
data, register entries, badges, certificate verification, the accessibility statement) are what
parents, schools and QR codes hit, read by people who never sign in. Rendering them is most of
their cost (templates, GOV.UK header and footer, context processors, queries), and for a reader
without a session they are the same page for everyone who reads in the same language and mode.

A hit is one Redis round trip (``MGET`` of the council's public generation and the page, or only
the generation when this process holds the page already), the tenant by host coming from the
process's own 2 s copy (tenants/middleware.py). What makes a page, and so the key and the entry,
and why nothing stale is served:

- the council: keys pass through django-tenants' key function, which prefixes the schema the
  tenant middleware just set, and the request's host is in the key too (a page is only stored
  after Django accepted that host, so a spoofed host never reaches a stored page);
  the entry also records a fingerprint of the tenant's row (name, status, branding, contact
  email, ...), so a suspension, a closure or new branding misses at once in the process that made
  it (and within the tenant cache's 2 s in the others) and the page is built again;
- the public generation (charters/public_cache.py), read from Redis on every request and stored
  in the entry: every service that changes what the public sees (signing, withdrawing, pledges, a
  publication, an award granted, released, revoked) bumps it on commit, so the next request
  misses;
- the path and query string (only the register's own search parameters: any other query string
  is passed through, so made-up parameters cannot fill the cache; a search is kept a minute
  only), the scheme, the language (as platform_.middleware.LanguageMiddleware decides it: cookie,
  then Accept-Language), the reading mode cookie and today's date (statuses and open data change
  at midnight without an event).

Only the pages everybody gets are stored or served: GET or HEAD (HEAD is served the GET's page;
only a GET fills the cache) from a client with no session cookie and no messages cookie (a
signed-in person sees their name in the header; anyone with a session might have messages
waiting), answered 200, not streamed, with no cookie set but the reading-mode cookie (the same
for everyone; set again on each hit so its expiry is fresh), no CSRF token used (a page with a
token belongs to one browser), and not ``Cache-Control: private`` or ``no-store``.

Headers are stored with the body. The Content-Security-Policy is added again on every hit by
the middleware outside this one; it is a fixed policy with no nonce (templates carry no inline
scripts or styles, platform_/middleware.py). If a nonce were ever introduced, a stored page
would carry the nonce of the request that built it, which every reader of the entry could then
read and reuse for an injected script: such pages must then stay out of this cache (or carry no
inline script), not share a nonce.
"""

from __future__ import annotations

import hashlib
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone, translation

from charters import public_cache, reading_mode
from platform_ import release

# Public pages only (urls_tenant.py); anything else goes through the stack as usual.
EXACT_PATHS = frozenset(
    {
        "/",
        "/accessibility/",
        "/charter/",
        "/charter/easy-read/",
        "/register/",
        "/register.csv",
        "/register.json",
    }
)
PATTERNS = re.compile(
    r"^/(?:register/[-a-zA-Z0-9_]+/|badge/[-a-zA-Z0-9_]+\.svg|verify/[-a-zA-Z0-9_]+/)$"
)
# The query strings worth keeping: the register's search form and its pages.
QUERY_PARAMETERS = {"/register/": frozenset({"q", "kind", "area", "holders", "level", "page"})}
MAX_QUERY_LENGTH = 300
# Cookies a stored page may set, because they are the same for every reader (re-set on a hit).
SHARED_COOKIES = {reading_mode.COOKIE_NAME: reading_mode.remember}
TIMEOUT = 60 * 60
# A search's page is kept a minute only: anyone can make up searches, and each one stored takes
# room in the Redis that also holds sessions' copies and throttles' counts. A miss costs a full
# render, so the room they can take is bounded by how fast pages are built times this.
QUERY_TIMEOUT = 60
SAFE_METHODS = ("GET", "HEAD")


def _cacheable_request(request) -> bool:
    if request.method not in SAFE_METHODS or not settings.PUBLIC_PAGE_CACHE:
        return False
    tenant = getattr(request, "tenant", None)
    if tenant is None or connection.schema_name == "public":
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    path = request.path_info
    if path not in EXACT_PATHS and not PATTERNS.match(path):
        return False
    query = request.META.get("QUERY_STRING", "")
    if query:
        allowed = QUERY_PARAMETERS.get(path)
        if allowed is None or len(query) > MAX_QUERY_LENGTH:
            return False
        if not set(request.GET).issubset(allowed):
            return False
    return True


def tenant_fingerprint(tenant) -> str:
    """A digest of the tenant's row: changes whenever anything a page may show of it does.

    Kept on the object, which the tenant middleware holds for up to 2 s or reads afresh from
    Redis (a new object after every change, since saving a Tenant forgets its hosts)."""
    held = getattr(tenant, "_page_cache_fingerprint", None)
    if held is None:
        values = repr([str(getattr(tenant, f.attname)) for f in tenant._meta.concrete_fields])
        held = hashlib.blake2b(values.encode(), digest_size=8).hexdigest()
        tenant._page_cache_fingerprint = held
    return held


def page_key(request) -> str:
    language = translation.get_language_from_request(request, check_path=False)
    parts = "\n".join(
        (
            release.digest(),  # a page names its release's static files
            request.get_host(),  # validated already by the tenant lookup
            request.scheme,
            language,
            reading_mode.current(request),
            timezone.localdate().isoformat(),
            request.path_info,
            request.META.get("QUERY_STRING", ""),
        )
    )
    return "charters:page:" + hashlib.blake2b(parts.encode(), digest_size=16).hexdigest()


def _cacheable_response(request, response) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False
    if any(name not in SHARED_COOKIES for name in response.cookies):
        return False
    control = response.get("Cache-Control", "")
    return "private" not in control and "no-store" not in control


# A copy of the pages this process served lately, so a hit reads only the generation from Redis
# (the page is 1-15 KB, the generation a few bytes). Valid under exactly the same rule as the
# shared entry (its generation is the current one, read on every request, and the tenant's row is
# the same), so it is never staler than Redis. Bounded: emptied when full; large pages not kept.
LOCAL_ENTRIES = 200
LOCAL_MAX_BYTES = 256 * 1024
_local: dict[tuple[str, str], tuple[float, tuple]] = {}


def _held(local_key) -> tuple | None:
    held = _local.get(local_key)
    if held is None:
        return None
    if held[0] < time.monotonic():
        _local.pop(local_key, None)
        return None
    return held[1]


def _hold(local_key, entry: tuple, timeout: int) -> None:
    if len(entry[4]) > LOCAL_MAX_BYTES:
        return
    if len(_local) >= LOCAL_ENTRIES:
        _local.clear()
    _local[local_key] = (time.monotonic() + timeout, entry)


class PublicPageCacheMiddleware:
    """Serve a stored public page, or store the one the rest of the stack builds (see above).

    In MIDDLEWARE after the tenant lookup, SecurityMiddleware (its HTTPS redirect comes first)
    and the CSP header, before sessions and everything after them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        key = page_key(request)
        fingerprint = tenant_fingerprint(request.tenant)
        local_key = (connection.schema_name, key)
        timeout = QUERY_TIMEOUT if request.META.get("QUERY_STRING") else TIMEOUT
        held = _held(local_key)
        if held is not None:
            # This process has the page: only the generation is read (a few bytes, not the page).
            generation = cache.get(public_cache.GENERATION_KEY)
            if generation is not None and held[0] == generation and held[1] == fingerprint:
                return self._stored(request, held)
        found = cache.get_many([public_cache.GENERATION_KEY, key])
        generation = found.get(public_cache.GENERATION_KEY)
        entry = found.get(key)
        if generation is None:
            generation = public_cache.generation()
        elif entry is not None and entry[0] == generation and entry[1] == fingerprint:
            _hold(local_key, entry, timeout)
            return self._stored(request, entry)
        response = self.get_response(request)
        if request.method == "GET" and _cacheable_response(request, response):
            cookies = [(name, morsel.value) for name, morsel in response.cookies.items()]
            # Built under ``generation``, read before the page: a bump while it was being built
            # leaves it older than the next read's generation, so it is built again then.
            entry = (generation, fingerprint, list(response.items()), cookies, response.content)
            cache.set(key, entry, timeout)
            _hold(local_key, entry, timeout)
        return response

    @staticmethod
    def _stored(request, entry) -> HttpResponse:
        # URLs are never resolved for a stored page; the request metrics count it under this.
        request.served_from_page_cache = True
        _generation, _fingerprint, headers, cookies, content = entry
        response = HttpResponse(content)
        for name, value in headers:
            response.headers[name] = value
        for name, value in cookies:
            SHARED_COOKIES[name](response, value)
        return response
