"""Register, open data and the officers' organisation list run the same pinned number of
queries with one signed organisation and with fifty, half of them holding Charter Status
(pytest-django prints the SQL on a change)."""

import json
import re

import pytest
from django_tenants.utils import tenant_context

from charters import public_cache
from charters.enums import MembershipStatus
from charters.views.public import REGISTER_PAGE_SIZE
from tests.factories import (
    AwardFactory,
    MembershipFactory,
    OrganisationFactory,
    PledgeFactory,
    SignatureFactory,
    UserFactory,
)
from tests.helpers import login, make_user

# Pinned: the user (for the officer's page), the tenant's settings, the page's own reads. The
# session and the council come from the cache, and the warm request left the connection on the
# council's schema (no SET search_path).
# The register reads one more than before Charter Status: the award levels for its filter (each
# organisation's status is a subquery of the page's own read, whatever the number of rows).
QUERIES = {
    "/register/": 7,
    "/register/?kind=school&area=Area+0": 7,
    "/register/?holders=on": 7,
    "/register.json": 3,
    "/register.csv": 3,
    "/manage/organisations/": 5,
}


def add_signed_organisations(tenant, count: int) -> list[str]:
    """``count`` signed schools in three areas, each with two pledges; the even ones hold
    Charter Status."""
    with tenant_context(tenant):
        for n in range(count):
            organisation = OrganisationFactory(
                name=f"School {n:03d}", area=f"Area {n % 3}", lead=UserFactory()
            )
            signature = SignatureFactory(organisation=organisation)
            PledgeFactory.create_batch(2, signature=signature)
            if n % 2 == 0:
                AwardFactory(application__organisation=organisation)
    return [f"School {n:03d}" for n in range(count)]


def schools_on(text: str) -> list[str]:
    return sorted(set(re.findall(r"School \d{3}", text)))


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("path", list(QUERIES))
def test_public_and_officer_list_query_counts_are_pinned(
    rows, path, tenant_a, officer_a, published_a, client_a, django_assert_num_queries
):
    names = add_signed_organisations(tenant_a, rows)
    login(client_a, tenant_a, officer_a)
    client_a.get(path)  # warm: session and tenant caches filled, as in steady use
    with tenant_context(tenant_a):
        public_cache.invalidate()  # open data is cached: count the queries of building it

    with django_assert_num_queries(QUERIES[path]):
        response = client_a.get(path)

    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode()
    holders = [name for n, name in enumerate(names) if n % 2 == 0]
    if path == "/register.json":
        entries = json.loads(text)["organisations"]
        assert [entry["name"] for entry in entries] == names
        assert [e["name"] for e in entries if e["charter_status"] == "Charter Status"] == holders
    elif path == "/register/?holders=on":
        assert schools_on(text) == holders[:REGISTER_PAGE_SIZE]
        assert text.count("Charter Status</strong>") == len(holders[:REGISTER_PAGE_SIZE])
    elif path.startswith("/register/?"):
        assert schools_on(text) == [name for n, name in enumerate(names) if n % 3 == 0]
    elif path == "/register/":
        assert schools_on(text) == names[:REGISTER_PAGE_SIZE]
    elif path == "/register.csv":
        assert schools_on(text) == names
        assert text.count(",Charter Status,") == len(holders)
    else:
        assert schools_on(text) == names


# The organisation hub (/org/): the signed-in person and their memberships (active ones with each
# organisation's latest signature and its version, and requests to join) in one read. The
# current version's number comes from the public cache (it was a third query).
ORGANISATION_HUB_QUERIES = 2


@pytest.mark.parametrize("rows", [1, 20])
def test_organisation_hub_query_count_is_pinned(
    rows, tenant_a, published_a, client_a, django_assert_num_queries
):
    member = make_user(tenant_a, "member@alpha.test")
    with tenant_context(tenant_a):
        for n in range(rows):
            organisation = OrganisationFactory(name=f"School {n:03d}", lead=member)
            SignatureFactory(organisation=organisation)
        MembershipFactory(
            organisation=OrganisationFactory(name="Elm Nursery"),
            user=member,
            status=MembershipStatus.REQUESTED,
        )
        member.refresh_from_db()
    login(client_a, tenant_a, member)
    client_a.get("/org/")  # warm: session and tenant caches filled

    with django_assert_num_queries(ORGANISATION_HUB_QUERIES):
        response = client_a.get("/org/")

    assert response.status_code == 200
    html = response.content.decode()
    assert schools_on(html) == [f"School {n:03d}" for n in range(rows)]
    assert html.count("Signed version 1 of the charter") == rows
    assert html.count("You have asked to join Elm Nursery.") == 1
