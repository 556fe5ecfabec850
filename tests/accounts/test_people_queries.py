"""The people page keeps a constant number of queries however many people and invitations."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from platform_.accounts import services
from platform_.accounts.enums import Role
from tests.factories import UserFactory
from tests.helpers import login


def queries_for_people_page(client) -> int:
    client.get("/manage/people/")  # warm: session and tenant caches filled, as in steady use
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/manage/people/").status_code == 200
    return len(captured)


def add_people_and_invitations(tenant, officer, count: int) -> None:
    with tenant_context(tenant):
        for n in range(count):
            UserFactory(is_assessor=True, has_lived_experience=n % 2 == 0)
            services.invite_person(
                f"invitee{n}@alpha.test", role=Role.ASSESSOR, acting_user=officer
            )


def test_people_page_query_count_does_not_grow_with_rows(tenant_a, officer_a, client_a):
    login(client_a, tenant_a, officer_a)
    add_people_and_invitations(tenant_a, officer_a, 1)
    with_one = queries_for_people_page(client_a)

    add_people_and_invitations(tenant_a, officer_a, 49)
    with_fifty = queries_for_people_page(client_a)

    assert with_fifty == with_one
