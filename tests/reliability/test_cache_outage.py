"""Redis stops while CoCharter runs: every page is still served, from the database.

The host-to-council lookup, the cached_db sessions, the public-page cache and the sign-in
throttles all use the cache; with the real Redis stopped, each must fall back to the database (or
fail open, for the throttles) and the outage be logged once, not once per call.
"""

import logging
import time

import pytest
from django.test import Client

from platform_ import cache as degrading_cache
from platform_.settings import base
from tests.helpers import TEST_PASSWORD, host_of

pytestmark = pytest.mark.integration

PUBLIC_PAGES = {
    "/": "Kappa Council",
    "/charter/": "Kappa Council",
    "/register/": "Oakfield Primary School",
    "/register/oakfield-primary-school/": "Oakfield Primary School",
    "/register.csv": "Oakfield Primary School",
    "/register.json": "Oakfield Primary School",
    "/badge/oakfield-primary-school.svg": "Oakfield Primary School",
}


def cache_log(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "platform_.cache"]


def test_pages_and_sign_in_are_served_from_the_database_while_redis_is_down(
    council, cache_on_own_redis, django_db_blocker, settings, caplog
):
    # The production throttles, which count in the cache: they must let people through.
    settings.ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS
    settings.RATE_LIMITS = base.RATE_LIMITS
    caplog.set_level(logging.INFO, logger="platform_.cache")
    visitor = Client(HTTP_HOST=host_of(council))
    with django_db_blocker.unblock():
        for path in PUBLIC_PAGES:  # with Redis up: the tenant and the public pages get cached
            assert visitor.get(path).status_code == 200, path
        assert cache_log(caplog) == []

        cache_on_own_redis.stop()

        started = time.monotonic()
        for path, text in PUBLIC_PAGES.items():
            response = visitor.get(path)
            assert response.status_code == 200, path
            assert text in response.content.decode(), path
        person = Client(HTTP_HOST=host_of(council))
        assert person.get("/accounts/login/").status_code == 200
        wrong = person.post(
            "/accounts/login/", {"login": "head@kappa.test", "password": "not-the-password"}
        )
        assert wrong.status_code == 200  # the form again, with its error; not a 429 or a 500
        assert "The email address and/or password you specified are not correct." in (
            wrong.content.decode()
        )
        signed_in = person.post(
            "/accounts/login/", {"login": "head@kappa.test", "password": TEST_PASSWORD}
        )
        assert signed_in.status_code == 302
        # The session lives in the database (cached_db); the next page knows who this is.
        hub = person.get("/org/")
        assert hub.status_code == 200
        assert hub.context["user"].email == "head@kappa.test"
        assert "Oakfield Primary School" in hub.content.decode()
        elapsed = time.monotonic() - started
        print(f"{len(PUBLIC_PAGES) + 4} requests with the cache down: {elapsed:.2f} s")

        # Logged once for the whole outage, not once per call.
        [down] = cache_log(caplog)
        assert down.startswith(f"Cache at 127.0.0.1:{cache_on_own_redis.port} unreachable")

        cache_on_own_redis.start()
        time.sleep(degrading_cache.RETRY_AFTER)  # the backend leaves Redis alone this long
        assert visitor.get("/register/").status_code == 200
        assert person.get("/org/").context["user"].email == "head@kappa.test"
    assert cache_log(caplog)[0] == down
    [up] = cache_log(caplog)[1:]
    assert up.startswith(f"Cache at 127.0.0.1:{cache_on_own_redis.port} answers again")
