"""Prometheus metrics at ``/metrics``, answered before the tenant lookup (like /healthz).

What is measured, and the labels it carries (few and bounded: 1,000 councils times every route
would be a series explosion, and a council's host name in a label would leak who uses us):

- ``cocharter_http_requests_total{method, route, status}``: ``route`` is the resolved URL name
  (``accreditation:application.submit``), never the raw path; ``status`` is the class (``2xx``).
  No tenant label.
- ``cocharter_http_request_duration_seconds{route}``: a latency histogram.
- ``cocharter_signed_in_pages_total{outcome}``: how the views that keep signed-in pages answered
  (``hit``, ``stored``, ``built``, ``skipped``), for the cache's hit rate.
- ``cocharter_celery_queue_length{queue}``: the broker's LLEN of each queue, read at scrape time.
- ``cocharter_celery_task_failures_total{task}`` and ``..._task_retries_total{task}``: counted
  by the workers' ``task_failure`` / ``task_retry`` signals into a Redis hash on the broker
  (HINCRBY), read at scrape time. The worker is another process (another pod) from web; counting
  in Redis keeps one scrape target and needs no port or multiprocess files in the worker.

Queue lengths and task counts are cluster-wide: every web pod reports the same values, so
aggregate them with ``max`` (not ``sum``) across pods. HTTP metrics are per pod: ``sum`` them.

gunicorn runs several worker processes. With ``PROMETHEUS_MULTIPROC_DIR`` set (the web pod and
compose's web set it), prometheus_client keeps each process's values in files there and a scrape
adds them up; infra/gunicorn.conf.py empties the directory at start and marks exited workers dead.

Access: refused (404, as if absent) unless the request carries ``Authorization: Bearer
<METRICS_TOKEN>`` or comes from an address in ``METRICS_ALLOWED_NETWORKS``. Only REMOTE_ADDR is
trusted (a forwarded-for header is written by the client). With neither set, /metrics is off.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time

import redis
from celery import signals
from django.conf import settings
from django.http import HttpResponse, HttpResponseNotFound
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from platform_.broker import broker_client

logger = logging.getLogger(__name__)

PATH = "/metrics"
# Answered by the health middleware, which sets no resolver match.
PROBES = {"/healthz": "healthz", "/readyz": "readyz"}
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
# kombu's Redis transport keeps priorities 3, 6 and 9 in lists beside the queue's own.
PRIORITY_SEPARATOR = "\x06\x16"
PRIORITY_STEPS = (3, 6, 9)

REQUESTS = Counter(
    "cocharter_http_requests",
    "HTTP requests answered, by method, resolved URL name and status class.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "cocharter_http_request_duration_seconds",
    "Time to answer an HTTP request, by resolved URL name.",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

# How signed-in pages were answered by views that keep them (charters/signed_in_page_cache.py):
# served from the cache (hit), built and kept (stored), built and not kept (built: messages, a
# new CSRF cookie...), or not looked up at all (skipped: the cache off, Redis unreadable, HEAD of
# nothing kept...). The hit rate says whether councils' writes leave the cache any use.
SIGNED_IN_PAGES = Counter(
    "cocharter_signed_in_pages",
    "Signed-in pages of the views that keep them, by how they were answered.",
    ["outcome"],
)


def task_counts_key(kind: str) -> str:
    """The broker's hash of {task name: count} for ``kind`` (failures, retries)."""
    return f"{settings.CACHES['default']['KEY_PREFIX']}:metrics:celery:{kind}"


# --- Requests -------------------------------------------------------------------------------------
def _route(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name
    if getattr(request, "served_from_page_cache", False):
        return "page_cache"  # a whole public page from the cache, before URL resolution
    if request.path in PROBES:
        return PROBES[request.path]
    if request.path.startswith(settings.STATIC_URL):
        return "static"  # WhiteNoise answers before URL resolution
    return "unresolved"  # 404s, and requests refused before resolution (host, size, lifecycle)


class MetricsMiddleware:
    """First in MIDDLEWARE: times every request, and serves /metrics on any host."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == PATH:
            return serve_metrics(request)
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        route = _route(request)
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(method, route, f"{response.status_code // 100}xx").inc()
        LATENCY.labels(route).observe(elapsed)
        return response


# --- Celery, read from the broker at scrape time --------------------------------------------------
class CeleryCollector:
    """Queue lengths and task failure/retry counts, from the broker's Redis."""

    def collect(self):
        up = GaugeMetricFamily(
            "cocharter_celery_broker_up", "Whether the broker answered this scrape (1 or 0)."
        )
        queue = settings.CELERY_TASK_DEFAULT_QUEUE
        keys = [queue, *(f"{queue}{PRIORITY_SEPARATOR}{step}" for step in PRIORITY_STEPS)]
        try:
            client = broker_client()
            with client.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.llen(key)
                pipe.hgetall(task_counts_key("failures"))
                pipe.hgetall(task_counts_key("retries"))
                *lengths, failures, retries = pipe.execute()
        except redis.RedisError:
            logger.warning("metrics: the broker does not answer", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        length = GaugeMetricFamily(
            "cocharter_celery_queue_length", "Tasks waiting in the queue.", labels=["queue"]
        )
        length.add_metric([queue], sum(lengths))
        yield length
        for kind, counts, text in (
            ("failures", failures, "Celery tasks that raised, by task name."),
            ("retries", retries, "Celery tasks retried, by task name."),
        ):
            family = CounterMetricFamily(f"cocharter_celery_task_{kind}", text, labels=["task"])
            for task, count in sorted(counts.items()):
                family.add_metric([task.decode()], int(count))
            yield family


class _ThisProcess:
    """The default registry's metrics, when a single process serves (runserver, tests)."""

    def collect(self):
        return REGISTRY.collect()


def exposition() -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(CeleryCollector())
    return generate_latest(registry)


def allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        given = request.META.get("HTTP_AUTHORIZATION", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return True
    if not settings.METRICS_ALLOWED_NETWORKS:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(network, strict=False)
        for network in settings.METRICS_ALLOWED_NETWORKS
    )


def serve_metrics(request) -> HttpResponse:
    if not allowed(request):
        return HttpResponseNotFound("Not found\n", content_type="text/plain")
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


# --- Counting in the worker -----------------------------------------------------------------------
def _count(kind: str, sender) -> None:
    name = getattr(sender, "name", None) or "unknown"
    try:
        broker_client().hincrby(task_counts_key(kind), name, 1)
    except redis.RedisError:
        # The broker is down: the task could not be retried either; never fail the task for it.
        logger.warning("metrics: could not count a task %s", kind, exc_info=True)


def count_task_failure(sender=None, **_kwargs) -> None:
    _count("failures", sender)


def count_task_retry(sender=None, **_kwargs) -> None:
    _count("retries", sender)


def connect_celery_signals() -> None:
    """Called once from the app's ready(); a worker fires these, web never does."""
    signals.task_failure.connect(count_task_failure, dispatch_uid="cocharter.metrics.failure")
    signals.task_retry.connect(count_task_retry, dispatch_uid="cocharter.metrics.retry")
