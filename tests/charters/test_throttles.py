"""Registering organisations and asking to join are throttled per person and per client."""

import secrets

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from charters.models import Organisation
from tests.fixtures.charters import ORGANISATION
from tests.helpers import host_of, login, make_user


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.RATE_LIMITS = {
        "charters.register_organisation": "2/h/user,3/h/ip",
        "charters.join_organisation": "2/h/user,3/h/ip",
    }


def fresh_address() -> str:
    # The limits live in the cache for the whole run: every test uses client addresses of its own.
    return f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"


def person(tenant, address: str) -> Client:
    user = make_user(tenant, f"p-{secrets.token_hex(4)}@{tenant.slug}.test")
    return login(Client(HTTP_HOST=host_of(tenant), REMOTE_ADDR=address), tenant, user)


def register_post(client: Client):
    return client.post("/org/new/", {**ORGANISATION, "name": f"Org {secrets.token_hex(4)}"})


def test_a_person_registering_too_often_is_told_when_to_try_again(tenant_a):
    client = person(tenant_a, fresh_address())
    assert [register_post(client).status_code for _ in range(2)] == [302, 302]

    response = register_post(client)

    html = response.content.decode()
    assert response.status_code == 429
    assert "You have tried to register organisations too many times." in html
    assert "Try again in 60 minutes." in html
    assert 3590 <= int(response["Retry-After"]) <= 3600
    with tenant_context(tenant_a):
        assert Organisation.objects.count() == 2


def test_one_client_is_throttled_across_people_but_others_are_not(tenant_a, tenant_b):
    address = fresh_address()
    first, second = person(tenant_a, address), person(tenant_a, address)
    statuses = [register_post(c).status_code for c in (first, first, second)]
    assert statuses == [302, 302, 302]

    assert register_post(person(tenant_a, address)).status_code == 429
    assert register_post(person(tenant_a, fresh_address())).status_code == 302
    # Counted per tenant: the same client on another council's site is not held back.
    assert register_post(person(tenant_b, address)).status_code == 302


def test_asking_to_join_is_throttled_including_probes_for_missing_organisations(tenant_a):
    client = person(tenant_a, fresh_address())
    assert client.post("/org/nobody-one/join/").status_code == 404
    assert client.post("/org/nobody-two/join/").status_code == 404

    response = client.post("/org/nobody-three/join/")

    assert response.status_code == 429
    assert "You have asked to join organisations too many times." in response.content.decode()


def test_pages_are_not_throttled(tenant_a):
    client = person(tenant_a, fresh_address())
    assert [client.get("/org/new/").status_code for _ in range(4)] == [200] * 4
