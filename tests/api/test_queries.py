"""List endpoints run the same pinned number of queries with one row and with many
(pytest-django prints the SQL on a change)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from charters import public_cache
from platform_.accounts.enums import Role
from platform_.accounts.models import Invitation
from tests.factories import (
    ApplicationFactory,
    AwardFactory,
    OrganisationFactory,
    PledgeFactory,
    SignatureFactory,
    UserFactory,
)
from tests.fixtures.api import bearer

# Public lists, built (not cached), with no key: the schema's search_path, the page of rows
# (Charter Status as subqueries of it), their pledges, the council's domain for links.
# Keyed lists: the search_path, the key with its maker (whose roles are fields), the page and
# its prefetches, the domain, the day's usage upsert; last_used_at is written at most once a
# minute (the warm-up wrote it).
QUERIES = {
    "/api/v1/register/": 4,
    "/api/v1/register/?holders=true&kind=school": 4,
    # Awards: the domain is read twice, for the links and for each row's verification URL.
    "/api/v1/awards/": 4,
    "/api/v1/manage/organisations/": 5,
    "/api/v1/manage/signatures/": 6,
    "/api/v1/manage/applications/": 5,
    "/api/v1/manage/awards/": 6,
    "/api/v1/manage/invitations/": 5,
}


# How many rows each list holds after add_rows(rows).
EXPECTED_ROWS = {
    "/api/v1/register/": lambda rows: rows,
    "/api/v1/register/?holders=true&kind=school": lambda rows: (rows + 1) // 2,
    "/api/v1/awards/": lambda rows: (rows + 1) // 2,
    "/api/v1/manage/organisations/": lambda rows: rows,
    "/api/v1/manage/signatures/": lambda rows: rows,
    "/api/v1/manage/applications/": lambda rows: rows,
    "/api/v1/manage/awards/": lambda rows: (rows + 1) // 2,
    "/api/v1/manage/invitations/": lambda rows: rows,
}


def add_rows(tenant, count: int) -> None:
    """``count`` signed schools with two pledges each, an application each, and an award for
    the even ones; and ``count`` invitations."""
    with tenant_context(tenant):
        for n in range(count):
            organisation = OrganisationFactory(name=f"School {n:03d}", lead=UserFactory())
            signature = SignatureFactory(organisation=organisation)
            PledgeFactory.create_batch(2, signature=signature)
            Invitation.objects.create(
                email=f"person{n:03d}@alpha.test",
                role=Role.ASSESSOR,
                expires_at=timezone.now() + timedelta(days=14),
            )
            if n % 2 == 0:
                AwardFactory(application__organisation=organisation)
            else:
                ApplicationFactory(organisation=organisation)


@pytest.mark.parametrize("rows", [1, 30])
@pytest.mark.parametrize("path", list(QUERIES))
def test_api_list_query_counts_are_pinned(
    rows, path, tenant_a, published_a, client_a, read_key_a, django_assert_num_queries
):
    add_rows(tenant_a, rows)
    headers = bearer(read_key_a) if "/manage/" in path else {}
    client_a.get(path, **headers)  # warm: tenant cached, last_used_at written
    with tenant_context(tenant_a):
        public_cache.invalidate()  # public lists are cached: count the queries of building one

    with django_assert_num_queries(QUERIES[path]):
        response = client_a.get(path, **headers)

    assert response.status_code == 200
    assert len(response.json()["results"]) == min(EXPECTED_ROWS[path](rows), 20)
