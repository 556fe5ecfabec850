"""/healthz and /readyz answer on any host, before the tenant lookup, from the real services."""

import json
import time

import pytest
from django.db import connection
from django.test import Client

from infra.dev.services import free_port


@pytest.mark.parametrize("host", ["localhost", "alpha.localhost", "10.0.0.5:8000", "unknown.test"])
def test_liveness_answers_on_any_host(db, host):
    response = Client(HTTP_HOST=host).get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")


def test_readiness_reports_the_database_and_the_cache(db):
    response = Client(HTTP_HOST="10.0.0.5").get("/readyz")
    assert response.status_code == 200
    reported = json.loads(response.content)
    assert {key: reported[key] for key in ("database", "cache")} == {
        "database": "ok",
        "cache": "ok",
    }


def test_a_cache_outage_degrades_but_does_not_make_the_process_unready(db, settings):
    # A real Redis client against a port where nothing listens: the connection is refused.
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    response = Client(HTTP_HOST="localhost").get("/readyz")
    assert response.status_code == 200
    assert json.loads(response.content)["cache"] == "degraded"


def test_a_database_that_does_not_answer_makes_the_process_unready(
    django_db_setup, django_db_blocker
):
    """A real connection attempt to a port where no PostgreSQL listens (no test transaction:
    the connection is closed and reopened around it)."""
    with django_db_blocker.unblock():
        saved = dict(connection.settings_dict)
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(free_port()))
        try:
            response = Client(HTTP_HOST="localhost").get("/readyz")
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "unavailable"


def test_readiness_reports_the_broker_and_the_template(db):
    response = Client(HTTP_HOST="unknown.test").get("/readyz")
    assert response.status_code == 200
    reported = json.loads(response.content)
    assert set(reported) == {"database", "cache", "broker", "cloning", "template"}
    assert reported["broker"] == "ok"


def test_a_broker_outage_is_reported_without_making_the_process_unready(db, settings):
    """Every web pod shares the broker: by default its outage must not empty the Service."""
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    response = Client(HTTP_HOST="localhost").get("/readyz")
    assert response.status_code == 200
    assert json.loads(response.content)["broker"] == "unavailable"


def test_a_broker_outage_makes_the_process_unready_when_required(db, settings):
    settings.READYZ_REQUIRES_BROKER = True
    assert Client(HTTP_HOST="localhost").get("/readyz").status_code == 200
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    started = time.monotonic()
    response = Client(HTTP_HOST="localhost").get("/readyz")
    assert time.monotonic() - started < 2  # a short timeout, not kombu's retries
    assert response.status_code == 503
    reported = json.loads(response.content)
    assert (reported["database"], reported["broker"]) == ("ok", "unavailable")
