"""Register, officer list and organisation hub keep constant query counts with 1 and 50 rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from charters import public_cache
from tests.fixtures.charters import next_year, register, sign
from tests.helpers import login, make_user


def count_queries(client, path: str) -> int:
    client.get(path)  # warm: session and tenant caches filled, as in steady use
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def add_signed_organisations(tenant, start: int, count: int) -> None:
    for n in range(start, start + count):
        lead = make_user(tenant, f"lead{n}@school.test")
        organisation = register(
            tenant, lead, name=f"School {n:03d}", postcode="WV1 1RE", area=f"Area {n % 3}"
        )
        sign(
            tenant, organisation, lead, pledges=[("Pledge", next_year()), ("Another", next_year())]
        )


def invalidate_public_cache(tenant) -> None:
    with tenant_context(tenant):
        public_cache.invalidate()


PATHS = [
    "/register/",
    "/register/?kind=school&area=Area+1",
    "/register.json",
    "/manage/organisations/",
]


def test_public_and_officer_lists_do_not_grow_with_rows(tenant_a, officer_a, published_a, client_a):
    login(client_a, tenant_a, officer_a)
    add_signed_organisations(tenant_a, 0, 1)
    invalidate_public_cache(tenant_a)  # open data is cached; count the queries of building it
    with_one = {path: count_queries(client_a, path) for path in PATHS}

    add_signed_organisations(tenant_a, 1, 49)
    invalidate_public_cache(tenant_a)
    with_fifty = {path: count_queries(client_a, path) for path in PATHS}

    assert with_fifty == with_one
