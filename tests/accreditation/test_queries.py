"""Officer list, assessor queue and an application page keep constant query counts."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from accreditation import services
from tests.fixtures.accreditation import submitted
from tests.fixtures.charters import register, sign
from tests.helpers import login, make_user


def count_queries(client, path: str) -> int:
    client.get(path)  # warm: session and tenant caches filled, as in steady use
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def add_applications(tenant, officer, assessor, ready, start: int, count: int) -> None:
    for n in range(start, start + count):
        lead = make_user(tenant, f"lead{n}@school.test")
        organisation = register(tenant, lead, name=f"School {n:03d}", postcode="WV1 1RE")
        sign(tenant, organisation, lead)
        with tenant_context(tenant):
            application = services.start_application(
                organisation, acting_user=lead, award_round=ready["round"]
            )
        submitted(tenant, application, lead, ready["criteria"])
        with tenant_context(tenant):
            services.assign_assessor(application, acting_user=officer, assessor=assessor)


def test_lists_and_queues_do_not_grow_with_rows(tenant_a, officer_a, ready, client_a):
    from accreditation.services import setup

    assessor = make_user(tenant_a, "busy@alpha.test", is_assessor=True)
    with tenant_context(tenant_a):
        setup.update_settings(acting_user=officer_a, assessor_capacity=100)
    officer_client, assessor_client = client_a, client_a.__class__(HTTP_HOST="alpha.localhost")
    login(officer_client, tenant_a, officer_a)
    login(assessor_client, tenant_a, assessor)

    add_applications(tenant_a, officer_a, assessor, ready, 0, 1)
    with_one = (
        count_queries(officer_client, "/manage/applications/"),
        count_queries(assessor_client, "/assess/"),
    )
    add_applications(tenant_a, officer_a, assessor, ready, 1, 29)
    with_thirty = (
        count_queries(officer_client, "/manage/applications/"),
        count_queries(assessor_client, "/assess/"),
    )

    assert with_thirty == with_one
