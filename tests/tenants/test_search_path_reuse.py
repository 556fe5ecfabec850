"""A persistent connection keeps the search_path it was given between requests, and django-tenants'
`SET search_path` is skipped only when it is exactly the one this request needs
(tenants/middleware.py): never for another council, never after the connection was closed."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from tenants.models import Tenant
from tests.factories import OrganisationFactory, SignatureFactory
from tests.fixtures.charters import publish_current_draft
from tests.helpers import login


def sets_and_page(client, path="/register/") -> tuple[list[str], str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    sets = [q["sql"] for q in captured if q["sql"].startswith("SET search_path")]
    return sets, response.content.decode()


def signed(tenant, name: str) -> None:
    with tenant_context(tenant):
        SignatureFactory(organisation=OrganisationFactory(name=name))


def test_the_second_request_to_a_council_sets_no_search_path(tenant_a, published_a, client_a):
    first, _ = sets_and_page(client_a)  # the council looked up by host (public), then its schema
    second, _ = sets_and_page(client_a)

    assert first[-1] == f'SET search_path = "{tenant_a.schema_name}","public","extensions"'
    assert second == []


def test_another_council_on_the_same_connection_gets_its_own_schema(
    tenant_a, tenant_b, published_a, officer_b, client_a, client_b
):
    publish_current_draft(tenant_b, officer_b)
    signed(tenant_a, "Alpha Only School")
    signed(tenant_b, "Beta Only School")
    sets_and_page(client_b)  # both councils' hosts cached
    sets_and_page(client_a)

    sets_b, page_b = sets_and_page(client_b)
    sets_a, page_a = sets_and_page(client_a)

    assert sets_b == [f'SET search_path = "{tenant_b.schema_name}","public","extensions"']
    assert sets_a == [f'SET search_path = "{tenant_a.schema_name}","public","extensions"']
    assert "Beta Only School" in page_b and "Alpha Only School" not in page_b
    assert "Alpha Only School" in page_a and "Beta Only School" not in page_a


def test_a_schema_switch_inside_a_request_or_between_sets_it_again(tenant_a, published_a, client_a):
    sets_and_page(client_a)
    with tenant_context(tenant_a):  # any switch, even to the same schema and back
        pass

    again, _ = sets_and_page(client_a)

    assert again == [f'SET search_path = "{tenant_a.schema_name}","public","extensions"']


def test_a_council_looked_up_in_the_public_schema_gets_its_schema_set_again(
    tenant_a, officer_a, client_a
):
    """Not cached (saving the council forgot it, in the request before): the lookup left the
    connection on public, where the platform's own users live. The signed-in officer must be
    read from the council's schema."""
    login(client_a, tenant_a, officer_a)
    sets_and_page(client_a, "/manage/")
    saved = client_a.post("/manage/contact/", {"contact_email": "charter@alpha.test"})
    assert saved.status_code == 302
    # A read on the connection as the request left it: on the council's schema again, as it
    # would be after any request that read something once the council was forgotten.
    assert Tenant.objects.get(pk=tenant_a.pk).contact_email == "charter@alpha.test"

    sets, page = sets_and_page(client_a, "/manage/")

    assert sets == [
        'SET search_path = "public","extensions"',
        f'SET search_path = "{tenant_a.schema_name}","public","extensions"',
    ]
    assert "charter@alpha.test" in page  # signed in: read from the council's schema
