"""allauth's emails link to the tenant's own domain, scheme and port, whatever Host was sent."""

import re

import pytest
from django.core import mail
from django.test import Client

from tests.helpers import committed, make_user

ODD_HOST = "alpha.localhost:9999"


@pytest.fixture(autouse=True)
def _configured_site(settings):
    settings.SITE_SCHEME = "https"
    settings.SITE_PORT_SUFFIX = ":8443"


def links_in(body: str) -> list[str]:
    return re.findall(r"\w+://\S+", body)


def test_password_reset_link_uses_the_tenants_url_not_the_request_host(tenant_a):
    make_user(tenant_a, "owner@alpha.test")

    with committed():  # allauth's email waits in the outbox until the request commits
        response = Client(HTTP_HOST=ODD_HOST).post(
            "/accounts/password/reset/", {"email": "owner@alpha.test"}
        )

    assert response.status_code == 302
    (message,) = mail.outbox
    (link,) = links_in(message.body)
    assert link.startswith("https://alpha.localhost:8443/accounts/password/reset/key/")
    assert "9999" not in message.body
    # The site allauth names in its greeting is the council, not the Host header.
    assert "Alpha City Council" in message.body


def test_unknown_account_email_links_to_the_tenants_sign_up_page(tenant_a):
    with committed():
        Client(HTTP_HOST=ODD_HOST).post("/accounts/password/reset/", {"email": "nobody@alpha.test"})

    (message,) = mail.outbox
    assert links_in(message.body) == ["https://alpha.localhost:8443/accounts/signup/"]


def test_email_confirmation_link_uses_the_tenants_url(tenant_a):
    with committed():
        Client(HTTP_HOST=ODD_HOST).post(
            "/accounts/signup/",
            {
                "email": "new@alpha.test",
                "full_name": "New Person",
                "password1": "a-long-enough-pass",
                "password2": "a-long-enough-pass",
            },
        )

    (message,) = mail.outbox
    (link,) = links_in(message.body)
    assert link.startswith("https://alpha.localhost:8443/accounts/confirm-email/")
    assert "9999" not in message.body
