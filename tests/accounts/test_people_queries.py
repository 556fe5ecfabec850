"""The people page runs the same pinned number of queries with one person and invitation and
with fifty (pytest-django prints the SQL when the count changes)."""

import re

import pytest
from django_tenants.utils import tenant_context

from platform_.accounts import services
from platform_.accounts.enums import Role
from tests.factories import UserFactory
from tests.helpers import login

PEOPLE_PAGE_QUERIES = 3


def add_people_and_invitations(tenant, officer, count: int) -> None:
    with tenant_context(tenant):
        for n in range(count):
            UserFactory(
                email=f"assessor{n:03d}@alpha.test",
                is_assessor=True,
                has_lived_experience=n % 2 == 0,
            )
            services.invite_person(
                f"invitee{n:03d}@alpha.test", role=Role.ASSESSOR, acting_user=officer
            )


@pytest.mark.parametrize("rows", [1, 50])
def test_people_page_query_count_is_pinned(
    rows, tenant_a, officer_a, client_a, django_assert_num_queries
):
    login(client_a, tenant_a, officer_a)
    add_people_and_invitations(tenant_a, officer_a, rows)
    client_a.get("/manage/people/")  # warm: session and tenant caches filled, as in steady use

    with django_assert_num_queries(PEOPLE_PAGE_QUERIES):
        response = client_a.get("/manage/people/")

    assert response.status_code == 200
    html = response.content.decode()
    assert sorted(set(re.findall(r"assessor\d{3}@alpha\.test", html))) == [
        f"assessor{n:03d}@alpha.test" for n in range(rows)
    ]
    assert sorted(set(re.findall(r"invitee\d{3}@alpha\.test", html))) == [
        f"invitee{n:03d}@alpha.test" for n in range(rows)
    ]
