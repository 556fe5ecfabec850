"""Links in cached public pages and printed badge code use the tenant's domain, not the Host."""

import pytest
from django.test import Client

from tests.helpers import login

ODD_HOST = "alpha.localhost:9999"
ENTRY = "https://alpha.localhost:8443/register/oakfield-primary-school/"


@pytest.fixture(autouse=True)
def _configured_site(settings):
    # A scheme and port unlike the test requests', so a link copied from the request shows.
    settings.SITE_SCHEME = "https"
    settings.SITE_PORT_SUFFIX = ":8443"


def test_badge_primed_through_an_odd_host_links_to_the_tenants_domain(signed_a, client_a):
    primed = Client(HTTP_HOST=ODD_HOST).get("/badge/oakfield-primary-school.svg")
    assert primed.status_code == 200

    svg = client_a.get("/badge/oakfield-primary-school.svg").content.decode()

    assert f'href="{ENTRY}" xlink:href="{ENTRY}"' in svg
    assert "9999" not in svg


def test_badge_code_for_the_organisation_uses_the_tenants_domain(tenant_a, signed_a, lead_a):
    client = login(Client(HTTP_HOST=ODD_HOST), tenant_a, lead_a)

    html = client.get("/org/oakfield-primary-school/").content.decode()

    assert (
        '&lt;a href="https://alpha.localhost:8443/register/oakfield-primary-school/"&gt;'
        '&lt;img src="https://alpha.localhost:8443/badge/oakfield-primary-school.svg"'
    ) in html
    assert "9999" not in html
