"""?next= after signing in, up or out leads only to the current council's own host."""

import re

import pytest
from django.core import mail

from tests.helpers import TEST_PASSWORD, committed, login, make_user

SAFE = ["/org/", "http://alpha.localhost/org/"]
UNSAFE = [
    "http://beta.localhost/org/",  # another council
    "http://nobody.localhost/",  # a subdomain nobody owns (ALLOWED_HOSTS has .localhost)
    "https://alpha.localhost.evil.test/",
    "//evil.test/",
    "///evil.test/",
    "/\\evil.test/",
    "javascript:alert(1)",
    "http://localhost/",  # the platform host is not this council's
]


def expected_location(next_url: str, default: str) -> str:
    return next_url if next_url in SAFE else default


@pytest.mark.parametrize("next_url", SAFE + UNSAFE)
def test_sign_in_follows_next_only_on_this_councils_host(tenant_a, client_a, next_url):
    make_user(tenant_a, "owner@alpha.test")

    response = client_a.post(
        "/accounts/login/",
        {"login": "owner@alpha.test", "password": TEST_PASSWORD, "next": next_url},
    )

    assert response.status_code == 302
    assert response["Location"] == expected_location(next_url, "/")


@pytest.mark.parametrize("next_url", SAFE + UNSAFE)
def test_sign_out_follows_next_only_on_this_councils_host(tenant_a, client_a, next_url):
    login(client_a, tenant_a, make_user(tenant_a, "owner@alpha.test"))

    response = client_a.post("/accounts/logout/", {"next": next_url})

    assert response.status_code == 302
    assert response["Location"] == expected_location(next_url, "/")


@pytest.mark.parametrize("next_url", ["/org/", "http://beta.localhost/org/", "//evil.test/"])
def test_sign_up_follows_next_only_on_this_councils_host(tenant_a, client_a, next_url):
    with committed():  # the confirmation email waits in the outbox until the request commits
        client_a.post(
            "/accounts/signup/",
            {
                "email": "new@alpha.test",
                "full_name": "New Person",
                "password1": "a-long-enough-pass",
                "password2": "a-long-enough-pass",
                "next": next_url,
            },
        )
    confirm_path = re.search(r"http://alpha\.localhost(/\S+/)", mail.outbox[0].body).group(1)

    response = client_a.post(confirm_path)

    assert response.status_code == 302
    assert response["Location"] == expected_location(next_url, "/")


def test_the_councils_own_custom_domain_is_a_safe_target(tenant_a, client_a):
    from django_tenants.utils import schema_context

    from tenants.models import Domain

    with schema_context("public"):
        Domain.objects.create(domain="charter.alpha.test", tenant=tenant_a, is_primary=False)
    make_user(tenant_a, "owner@alpha.test")

    response = client_a.post(
        "/accounts/login/",
        {
            "login": "owner@alpha.test",
            "password": TEST_PASSWORD,
            "next": "http://charter.alpha.test/org/",
        },
    )

    assert response["Location"] == "http://charter.alpha.test/org/"


@pytest.mark.parametrize("next_url", UNSAFE)
def test_accepting_an_invitation_ignores_next(tenant_a, officer_a, client_a, next_url):
    from django_tenants.utils import tenant_context

    from platform_.accounts import services
    from platform_.accounts.enums import Role

    with tenant_context(tenant_a):
        invitation = services.invite_person(
            "assessor@alpha.test", role=Role.ASSESSOR, acting_user=officer_a
        )
        token = services.invitation_token(invitation)
    response = client_a.post(
        f"/accounts/invitation/{token}/?next={next_url}",
        {"full_name": "A", "password1": "a-long-enough-pass", "password2": "a-long-enough-pass"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
