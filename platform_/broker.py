"""A Redis client for the Celery broker, for the probes and metrics that read it directly.

The broker may be another Redis (or another database of it) than the cache, so this reads
``CELERY_BROKER_URL``, not ``REDIS_URL``. Timeouts are short: /readyz and /metrics must answer
in well under a second when the broker does not (kombu's own connect retries for seconds).
"""

from __future__ import annotations

import redis
from django.conf import settings

CONNECT_TIMEOUT = 0.25
SOCKET_TIMEOUT = 0.5

# One client (and connection pool) per URL and process; redis-py's pool notices a fork.
_clients: dict[str, redis.Redis] = {}


def broker_client() -> redis.Redis:
    url = settings.CELERY_BROKER_URL
    client = _clients.get(url)
    if client is None:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=SOCKET_TIMEOUT
        )
        _clients[url] = client
    return client
