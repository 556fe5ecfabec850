"""The project's limiter: counts per person and client, says when to try again."""

import secrets

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django_tenants.utils import tenant_context

from platform_ import ratelimit


@pytest.mark.parametrize(
    ("seconds", "wait"),
    [(1, "in 1 minute"), (61, "in 2 minutes"), (5400, "in 90 minutes"), (5401, "in 2 hours")],
)
def test_wait_is_rounded_up_in_plain_words(seconds, wait):
    assert ratelimit.Throttled(retry_after=seconds).wait == wait


def test_anonymous_people_are_counted_by_client_only(settings, tenant_a):
    settings.RATE_LIMITS = {"test.action": "5/h/user,2/m/ip"}
    request = RequestFactory().post("/", REMOTE_ADDR=f"10.9.{secrets.randbelow(256)}.7")
    request.user = AnonymousUser()
    with tenant_context(tenant_a):
        ratelimit.check(request, "test.action")
        ratelimit.check(request, "test.action")
        with pytest.raises(ratelimit.Throttled) as caught:
            ratelimit.check(request, "test.action")
    assert 55 <= caught.value.retry_after <= 60


def test_no_configured_rate_means_no_limit(settings, tenant_a):
    settings.RATE_LIMITS = {}
    request = RequestFactory().post("/", REMOTE_ADDR="10.9.9.9")
    request.user = AnonymousUser()
    with tenant_context(tenant_a):
        for _ in range(50):
            ratelimit.check(request, "test.action")
