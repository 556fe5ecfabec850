"""Register, open data and the officers' organisation list run the same pinned number of
queries with one signed organisation and with fifty (pytest-django prints the SQL on a change)."""

import json
import re

import pytest
from django_tenants.utils import tenant_context

from charters import public_cache
from charters.views.public import REGISTER_PAGE_SIZE
from tests.factories import OrganisationFactory, PledgeFactory, SignatureFactory, UserFactory
from tests.helpers import login

# Pinned: session and user (for the officer's page), the tenant's settings, the page's own reads.
QUERIES = {
    "/register/": 8,
    "/register/?kind=school&area=Area+0": 8,
    "/register.json": 3,
    "/register.csv": 3,
    "/manage/organisations/": 7,
}


def add_signed_organisations(tenant, count: int) -> list[str]:
    """``count`` signed schools in three areas, each with two pledges."""
    with tenant_context(tenant):
        for n in range(count):
            organisation = OrganisationFactory(
                name=f"School {n:03d}", area=f"Area {n % 3}", lead=UserFactory()
            )
            signature = SignatureFactory(organisation=organisation)
            PledgeFactory.create_batch(2, signature=signature)
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
    if path == "/register.json":
        assert [entry["name"] for entry in json.loads(text)["organisations"]] == names
    elif path.startswith("/register/?"):
        assert schools_on(text) == [name for n, name in enumerate(names) if n % 3 == 0]
    elif path == "/register/":
        assert schools_on(text) == names[:REGISTER_PAGE_SIZE]
    else:
        assert schools_on(text) == names
