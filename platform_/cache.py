"""A Redis cache that degrades to misses when Redis is unreachable, instead of failing the page.

Everything CoCharter keeps in the cache can be rebuilt from the database: the tenant by host name,
the public pages, the session copy (the cached_db engine keeps the session in the database too)
and the throttles' counts. So while Redis is down (stopped, restarting, unreachable) every read
is a miss and every write is dropped, and the pages are served from the database, a little
slower. The outage is logged once when it starts and once when Redis answers again, not once per
call. A leaf module (no project imports).

Semantics while Redis is down:
- ``get`` returns the default, ``get_many`` ``{}``, ``has_key`` False;
- ``set``, ``set_many``, ``delete``, ``delete_many``, ``touch`` and ``clear`` do nothing (and
  return what "nothing happened" means: False, or the keys not set);
- ``incr`` (and ``decr``) raise ValueError, Django's answer for a missing key;
- ``add`` returns True, as if the key were new. Locks built on ``add`` (allauth's rate-limit lock,
  also used by platform_/ratelimit.py) then let the attempt through instead of spinning for a
  second and refusing everyone: throttles fail open while Redis is down, by choice, since a
  refusal would lock every person out of signing in.

After a failure the backend does not touch Redis again for ``RETRY_AFTER`` seconds, so a Redis
that does not answer (a lost host, where each call waits for the connect timeout) costs one
timeout per second per process, not one per call.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import redis.exceptions
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

# What "Redis is unreachable" looks like: refused or reset connections, timeouts, a server still
# loading its data (BusyLoadingError is a ConnectionError). Not other RedisErrors (a wrong command
# or type is a bug and should fail loudly).
UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)

RETRY_AFTER = 1.0  # seconds without trying Redis after a failure


class _Outage:
    """Whether the Redis at one address is down, shared by every thread of the process."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.lock = threading.Lock()
        self.down_since: float | None = None
        self.retry_at = 0.0

    def skip(self) -> bool:
        return self.down_since is not None and time.monotonic() < self.retry_at

    def failed(self, error: Exception) -> None:
        now = time.monotonic()
        with self.lock:
            first = self.down_since is None
            if first:
                self.down_since = now
            self.retry_at = now + RETRY_AFTER
        if first:
            logger.warning(
                "Cache at %s unreachable (%s: %s); serving from the database until it answers",
                self.address,
                type(error).__name__,
                error,
            )

    def answered(self) -> None:
        if self.down_since is None:
            return
        with self.lock:
            down_since, self.down_since = self.down_since, None
        if down_since is not None:
            logger.warning(
                "Cache at %s answers again, after %.1f s",
                self.address,
                time.monotonic() - down_since,
            )


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(servers: list[str]) -> _Outage:
    # host:port only: a LOCATION may carry a password, which must not reach the logs.
    address = ",".join(f"{urlsplit(s).hostname}:{urlsplit(s).port or 6379}" for s in servers)
    with _outages_lock:
        return _outages.setdefault(address, _Outage(address))


_MISSING = object()


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one ``redis.Redis`` per connection pool instead of making one per
    call. Making one costs about 0.4 ms of CPU, which was most of a cached page's time (profiled
    for bench/verification.py). Sharing it is safe: the pool holds the connections, and a Django
    cache object is per thread.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class DegradingRedisCache(RedisCache):
    """Django's RedisCache, with an unreachable Redis treated as an empty cache (see above)."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._outage = _outage_for(self._servers)

    def _degrade(self, fallback: Any, operation: Callable[..., Any], *args) -> Any:
        """``operation(self, *args)`` (a RedisCache method), or ``fallback`` if Redis is down."""
        if self._outage.skip():
            return fallback
        try:
            result = operation(self, *args)
        except UNREACHABLE as error:
            self._outage.failed(error)
            return fallback
        self._outage.answered()
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._degrade(True, RedisCache.add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._degrade(default, RedisCache.get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._degrade(None, RedisCache.set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._degrade(False, RedisCache.touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._degrade(False, RedisCache.delete, key, version)

    def get_many(self, keys, version=None):
        return self._degrade({}, RedisCache.get_many, keys, version)

    def has_key(self, key, version=None):
        return self._degrade(False, RedisCache.has_key, key, version)

    def incr(self, key, delta=1, version=None):
        value = self._degrade(_MISSING, RedisCache.incr, key, delta, version)
        if value is _MISSING:
            raise ValueError(f"Key '{key}' not found (the cache is unreachable)")
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._degrade(list(data), RedisCache.set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        self._degrade(None, RedisCache.delete_many, keys, version)

    def clear(self):
        return self._degrade(False, RedisCache.clear)
