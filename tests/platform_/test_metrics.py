"""/metrics: request counts by URL name, latency, Celery queue length and task failures, read
from the real Redis broker; refused without the token or an allowed network; no tenant in any
label."""

from __future__ import annotations

import pytest
from celery import signals
from django.conf import settings
from django.test import Client
from django_tenants.utils import tenant_context
from prometheus_client.parser import text_string_to_metric_families

from charters import public_cache
from infra.dev.services import free_port
from platform_ import celery_app, metrics
from platform_.broker import broker_client
from platform_.outbox.tasks import sweep_unsent

TOKEN = "test-metrics-token-0123456789"


@pytest.fixture
def scrape(settings):
    """Reads /metrics as Prometheus would, with the bearer token, from an arbitrary host;
    returns {(sample name, frozenset(labels)): value}."""
    settings.METRICS_TOKEN = TOKEN

    def read() -> dict[tuple[str, frozenset], float]:
        response = Client(HTTP_HOST="10.1.2.3:8000").get(
            "/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}"
        )
        assert response.status_code == 200, response.content
        assert response["Content-Type"].startswith("text/plain; version=")
        return {
            (sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(response.content.decode())
            for sample in family.samples
        }

    return read


@pytest.fixture
def task_counts():
    """The broker's failure and retry hashes of this run, removed afterwards."""
    keys = [metrics.task_counts_key("failures"), metrics.task_counts_key("retries")]
    broker_client().delete(*keys)
    yield keys
    broker_client().delete(*keys)


def _requests(samples, route: str, status: str = "2xx", method: str = "GET") -> float:
    labels = frozenset({"method": method, "route": route, "status": status}.items())
    return samples.get(("cocharter_http_requests_total", labels), 0.0)


def test_requests_are_counted_by_url_name_not_path(client_a, scrape):
    response = client_a.get("/charter/")
    route = response.resolver_match.view_name
    assert route and "/" not in route
    before = _requests(scrape(), route)
    for _ in range(3):
        assert client_a.get("/charter/").status_code == 200
    samples = scrape()
    assert _requests(samples, route) == before + 3
    latency = ("cocharter_http_request_duration_seconds_count", frozenset({"route": route}.items()))
    assert samples[latency] >= 3


def test_not_found_probes_and_refusals_have_fixed_routes(client_a, scrape):
    before = scrape()
    assert client_a.get("/no-such-page/12345/").status_code == 404
    assert Client(HTTP_HOST="anything.test").get("/healthz").status_code == 200
    after = scrape()
    assert _requests(after, "unresolved", "4xx") == _requests(before, "unresolved", "4xx") + 1
    assert _requests(after, "healthz") == _requests(before, "healthz") + 1


def test_pages_served_whole_from_the_cache_are_counted_as_such(
    client_a, tenant_a, published_a, scrape, settings
):
    settings.PUBLIC_PAGE_CACHE = True
    with tenant_context(tenant_a):
        public_cache.invalidate()  # no page left by an earlier test's rolled-back data
    assert client_a.get("/charter/").status_code == 200  # built and stored
    before = scrape()
    for _ in range(2):
        assert client_a.get("/charter/").status_code == 200
    after = scrape()
    assert _requests(after, "page_cache") == _requests(before, "page_cache") + 2


def test_no_label_names_a_tenant_host_or_path(client_a, client_b, scrape, tenant_a, tenant_b):
    client_a.get("/charter/")
    client_b.get("/register/?q=secret-search")
    client_a.get("/verify/NO-SUCH-CODE/")
    values = {value for (_name, labels) in scrape() for _label, value in labels}
    forbidden = [tenant_a.schema_name, tenant_b.schema_name, "alpha", "beta", "localhost"]
    assert [value for value in values for word in forbidden if word in value] == []
    assert not any(value.startswith("/") for value in values)
    assert "secret-search" not in " ".join(values)


def test_queue_length_is_the_brokers_llen(scrape):
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    client = broker_client()
    client.delete(queue)
    celery_app.conf.task_always_eager = False
    try:
        # Real messages published by Celery to the run's own queue (no worker reads it here).
        sweep_unsent.apply_async()
        sweep_unsent.apply_async()
        samples = scrape()
    finally:
        celery_app.conf.task_always_eager = True
        client.delete(queue)
    assert client.llen(queue) == 0
    assert samples[("cocharter_celery_queue_length", frozenset({"queue": queue}.items()))] == 2
    assert samples[("cocharter_celery_broker_up", frozenset())] == 1


def test_a_task_failure_is_counted_through_celerys_signal(scrape, task_counts, monkeypatch):
    """The real task_failure signal, from a task run by Celery's tracer (eagerly here; the
    integration test has a real worker do it). Without the argument check at sending, the
    unexpected argument fails inside the task, as a bug in its body would."""
    monkeypatch.setattr(sweep_unsent, "typing", False)
    # throw=False: an eager task that propagates re-raises before Celery sends the signal.
    assert sweep_unsent.apply(args=["unexpected"], throw=False).state == "FAILURE"
    samples = scrape()
    labels = frozenset({"task": "outbox.sweep_unsent"}.items())
    assert samples[("cocharter_celery_task_failures_total", labels)] == 1


def test_a_task_retry_is_counted(scrape, task_counts):
    signals.task_retry.send(sender=sweep_unsent, request=None, reason="test", einfo=None)
    labels = frozenset({"task": "outbox.sweep_unsent"}.items())
    assert scrape()[("cocharter_celery_task_retries_total", labels)] == 1


def test_a_broker_that_does_not_answer_is_reported_not_raised(scrape, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    samples = scrape()
    assert samples[("cocharter_celery_broker_up", frozenset())] == 0
    assert not any(name.startswith("cocharter_celery_queue") for name, _labels in samples)


@pytest.mark.parametrize(
    "header", [None, "Bearer wrong-token", f"Token {TOKEN}", f"Bearer {TOKEN}x", "Bearer "]
)
def test_metrics_are_refused_without_the_token(db, settings, header):
    settings.METRICS_TOKEN = TOKEN
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = Client(HTTP_HOST="localhost").get("/metrics", **extra)
    assert response.status_code == 404
    assert b"cocharter_" not in response.content


def test_metrics_are_off_when_neither_token_nor_network_is_set(db, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = []
    response = Client(HTTP_HOST="localhost").get("/metrics", HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("address", "status"),
    [("10.20.30.40", 200), ("10.21.0.1", 404), ("192.0.2.1", 404), ("not-an-address", 404)],
)
def test_metrics_answer_an_allowed_network_only(db, settings, address, status):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = ["10.20.0.0/16", "fd00::/8"]
    # A forwarded-for header is written by the client: it must not open the door.
    response = Client(HTTP_HOST="localhost", REMOTE_ADDR=address).get(
        "/metrics", HTTP_X_FORWARDED_FOR="10.20.30.40"
    )
    assert response.status_code == status
