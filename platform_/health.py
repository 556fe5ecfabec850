"""/healthz and /readyz on every host (DESIGN §11), answered before the tenant is looked up.

A load balancer or Kubernetes probe asks by pod address or by any host name; neither should need
a council to exist, nor touch Redis or PostgreSQL just to learn that the process is alive.

- ``/healthz``: the process answers (liveness). Nothing else is checked.
- ``/readyz``: it can serve (readiness): PostgreSQL answers a query. Redis is reported but does
  not make the process unready, since pages degrade to the database without it
  (platform_/cache.py). The Celery broker (``CELERY_BROKER_URL``, possibly another Redis) is
  pinged with a short timeout and reported; it makes the process unready only with
  ``READYZ_REQUIRES_BROKER``: every web pod shares the broker, so by default an outage of it
  (background work delayed; what could not be queued waits in the outbox) does not take the
  whole site out of service. Layers above add reports of their own
  (``register_readiness_report``; tenants adds whether new councils can be cloned and whether
  the template and its snapshot are current): shown, never making it unready.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse

from platform_.broker import broker_client

logger = logging.getLogger(__name__)

PATHS = {"/healthz", "/readyz"}
PROBE_KEY = "platform:readyz-probe"

# Reports from higher layers, each {name: state}; this module cannot import them (it is lower).
_reports: list[Callable[[], dict[str, str]]] = []


def register_readiness_report(report: Callable[[], dict[str, str]]) -> None:
    """Add ``report`` to /readyz's answer (once per function, however often it is registered)."""
    if report not in _reports:
        _reports.append(report)


def _database_answers() -> bool:
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        logger.warning("readyz: the database does not answer", exc_info=True)
        connection.close()
        return False


def _cache_answers() -> bool:
    # The degrading cache turns an outage into a miss: a value written and read back tells.
    cache.set(PROBE_KEY, 1, 5)
    return cache.get(PROBE_KEY) == 1


def _broker_answers() -> bool:
    try:
        return bool(broker_client().ping())
    except redis.RedisError:
        logger.warning("readyz: the broker does not answer", exc_info=True)
        return False


def readiness() -> tuple[int, dict[str, str]]:
    database = _database_answers()
    broker = _broker_answers()
    checks = {
        "database": "ok" if database else "unavailable",
        "cache": "ok" if _cache_answers() else "degraded",
        "broker": "ok" if broker else "unavailable",
    }
    if database:
        for report in _reports:
            try:
                checks.update(report())
            except DatabaseError:
                logger.warning("readyz: a report failed", exc_info=True)
    ready = database and (broker or not settings.READYZ_REQUIRES_BROKER)
    return (200 if ready else 503), checks


class HealthCheckMiddleware:
    """First in MIDDLEWARE: the probe never reaches host validation or the tenant lookup."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path not in PATHS:
            return self.get_response(request)
        if request.path == "/healthz":
            return HttpResponse("ok\n", content_type="text/plain")
        status, checks = readiness()
        return HttpResponse(
            json.dumps(checks) + "\n", status=status, content_type="application/json"
        )
