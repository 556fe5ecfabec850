"""Failed sign-ins slow the client that makes them without locking the account's owner out.

Rate limits are off for the rest of the suite (platform_/settings/test.py); these tests turn the
production ones back on, and each uses client addresses of its own, as the limits are counted in
the (per-run) cache rather than the rolled-back database.
"""

import secrets

import pytest
from django.test import Client

from platform_.settings import base
from tests.helpers import TEST_PASSWORD, host_of, make_user

TOO_MANY = "You have tried to sign in too many times. Wait a few minutes, then try again."


@pytest.fixture(autouse=True)
def _production_rate_limits(settings):
    settings.ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS


@pytest.fixture
def owner(tenant_a):
    return make_user(tenant_a, f"owner-{secrets.token_hex(4)}@alpha.test")


def fresh_address() -> str:
    return f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"


def client_at(tenant, address: str, host: str | None = None) -> Client:
    return Client(HTTP_HOST=host or host_of(tenant), REMOTE_ADDR=address)


def sign_in(client: Client, email: str, password: str):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_an_attacker_cannot_lock_the_owner_out(tenant_a, owner):
    attacker = client_at(tenant_a, fresh_address())
    refused = [
        TOO_MANY in sign_in(attacker, owner.email, "wrong-password").content.decode()
        for _ in range(10)
    ]

    # The attacker is slowed after five failures...
    assert refused == [False] * 5 + [True] * 5
    # ...even with the right password, from their client...
    assert TOO_MANY in sign_in(attacker, owner.email, TEST_PASSWORD).content.decode()
    # ...while the owner signs in from theirs.
    response = sign_in(client_at(tenant_a, fresh_address()), owner.email, TEST_PASSWORD)
    assert (response.status_code, response["Location"]) == (302, "/")


def test_the_owners_own_failures_count_against_their_client(tenant_a, owner):
    own_client = client_at(tenant_a, fresh_address())
    for _ in range(5):
        assert TOO_MANY not in sign_in(own_client, owner.email, "wrong").content.decode()

    response = sign_in(own_client, owner.email, TEST_PASSWORD)

    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()


def test_a_new_host_port_gives_no_fresh_attempts(tenant_a, owner):
    address = fresh_address()
    for port in range(9000, 9005):
        sign_in(client_at(tenant_a, address, f"alpha.localhost:{port}"), owner.email, "wrong")

    response = sign_in(client_at(tenant_a, address, "alpha.localhost:9005"), owner.email, "x")

    assert TOO_MANY in response.content.decode()


def test_one_client_trying_many_addresses_is_slowed(tenant_a):
    attacker = client_at(tenant_a, fresh_address())
    pages = [
        sign_in(attacker, f"guess-{n}-{secrets.token_hex(3)}@alpha.test", "wrong")
        for n in range(11)
    ]

    assert TOO_MANY not in pages[9].content.decode()
    assert TOO_MANY in pages[10].content.decode()
