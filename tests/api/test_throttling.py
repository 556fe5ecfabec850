"""Rate limits per key and per client address: 429 with Retry-After, in problem details.

Throttles are off in the test settings (their counts live in the cache and outlive a rolled-back
test); these tests turn them on, each with a client address or key no other test uses.
"""

import uuid

from tests.fixtures.api import bearer


def fresh_address() -> str:
    """A client address no other test (or earlier run's leftover count) has used."""
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


def test_an_address_over_its_limit_gets_429_with_retry_after(client_a, settings):
    settings.API_RATE_LIMITS = {"address": "3/minute"}
    address = fresh_address()

    statuses = [client_a.get("/api/v1/charter/", REMOTE_ADDR=address).status_code for _ in range(3)]
    refused = client_a.get("/api/v1/charter/", REMOTE_ADDR=address)
    other = client_a.get("/api/v1/charter/", REMOTE_ADDR=fresh_address())

    assert statuses == [404, 404, 404]  # counted, whatever the answer (no charter published)
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert 1 <= int(refused["Retry-After"]) <= 60
    body = refused.json()
    assert (body["type"], body["status"]) == ("/api/v1/schema/docs/#problem-too-many-requests", 429)
    assert other.status_code == 404


def test_a_key_over_its_limit_is_refused_from_any_address(client_a, read_key_a, settings):
    settings.API_RATE_LIMITS = {"key": "2/hour"}

    first = client_a.get(
        "/api/v1/manage/awards/", REMOTE_ADDR=fresh_address(), **bearer(read_key_a)
    )
    second = client_a.get(
        "/api/v1/manage/awards/", REMOTE_ADDR=fresh_address(), **bearer(read_key_a)
    )
    third = client_a.get(
        "/api/v1/manage/awards/", REMOTE_ADDR=fresh_address(), **bearer(read_key_a)
    )
    anonymous = client_a.get("/api/v1/awards/", REMOTE_ADDR=fresh_address())

    assert (first.status_code, second.status_code) == (200, 200)
    assert third.status_code == 429
    assert 3500 <= int(third["Retry-After"]) <= 3600
    assert anonymous.status_code == 200  # the key's limit is the key's alone


def test_one_councils_count_is_its_own(client_a, client_b, settings):
    settings.API_RATE_LIMITS = {"address": "1/minute"}
    address = fresh_address()

    client_a.get("/api/v1/awards/", REMOTE_ADDR=address)

    assert client_a.get("/api/v1/awards/", REMOTE_ADDR=address).status_code == 429
    assert client_b.get("/api/v1/awards/", REMOTE_ADDR=address).status_code == 200
