"""Rate limits per API key and per client address, answering 429 with Retry-After.

DRF's throttles count in the default cache, whose keys django-tenants' key function prefixes with
the schema: a council's counts are its own. Rates come from settings.API_RATE_LIMITS, read on each
request, so tests turn them on for themselves (test.py empties them; counts outlive a rolled-back
test).
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from platform_.api.models import ApiKey


class _SettingsRateThrottle(SimpleRateThrottle):
    rate_name: str

    def __init__(self):
        # SimpleRateThrottle reads its rate here; ours is read per request in allow_request.
        pass

    def allow_request(self, request, view) -> bool:
        self.rate = settings.API_RATE_LIMITS.get(self.rate_name)
        if not self.rate:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class AddressThrottle(_SettingsRateThrottle):
    """Every request, keyed or not, by the client's address (DRF's get_ident: REMOTE_ADDR, or
    X-Forwarded-For behind NUM_PROXIES proxies)."""

    scope = rate_name = "address"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ApiKeyThrottle(_SettingsRateThrottle):
    """Requests made with a key, by key, wherever they come from."""

    scope = rate_name = "key"

    def get_cache_key(self, request, view) -> str | None:
        if not isinstance(request.auth, ApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}
