"""An officer connects the council's OpenID Connect provider and requires it, in real Chromium:
the settings page (its error summary for an issuer that does not answer), the sign-in page's
button, the provider's own sign-in and consent (django-oauth-toolkit in its own process,
tests/oidc_provider), back signed in; then a password sign-in refused. axe on every page of ours.
"""

from __future__ import annotations

import time

import pytest

from tenants.models import Tenant
from tests.browser.a11y import assert_accessible
from tests.browser.councils import council_with_officer
from tests.fixtures.oidc import IDP_PASSWORD
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def council(django_db_setup, django_db_blocker):
    with council_with_officer(
        django_db_blocker, name="SSO Alpha Council", slug="ssoalpha"
    ) as tenant:
        yield tenant


def sign_in_with_password(page, base: str, email: str, next_path: str = "/") -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_an_officer_connects_the_councils_provider_signs_in_with_it_and_requires_it(
    server_url, browser, page, council, oidc_provider, django_db_blocker
):
    base = server_url.format(host="ssoalpha.localhost")
    client_id, secret = oidc_provider.clients["ssoalpha"]
    sign_in_with_password(page, base, "officer@ssoalpha.test", "/manage/sso/")
    page.wait_for_url(base + "/manage/sso/")
    assert (
        page.locator("#redirect-uri")
        .inner_text()
        .endswith("ssoalpha.localhost/accounts/oidc/council/login/callback/")
    )
    assert_accessible(page)

    # An issuer that does not answer: the error summary, linked to the field.
    page.get_by_label("Issuer URL").fill(oidc_provider.issuer + "/nowhere")
    page.get_by_label("Client ID").fill(client_id)
    page.get_by_label("Client secret").fill(secret)
    page.get_by_label("Show the button").check()
    page.get_by_role("button", name="Save sign-in settings").click()
    assert page.get_by_role("alert").is_visible()
    assert "could not read the provider" in page.get_by_role("alert").inner_text()
    assert_accessible(page)

    page.get_by_label("Issuer URL").fill(oidc_provider.issuer)
    page.get_by_label("Client secret").fill(secret)
    page.get_by_role("button", name="Save sign-in settings").click()
    page.wait_for_url(base + "/manage/sso/")
    assert page.get_by_text("Sign-in settings saved.").is_visible()
    assert page.get_by_label("Client secret").input_value() == ""

    # Signed out, then in again with the council's account.
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/?next=/manage/sso/")
    button = page.get_by_role("button", name="Sign in with SSO Alpha Council account")
    assert button.is_visible()
    assert_accessible(page)
    button.click()
    page.get_by_label("Username").wait_for()
    assert page.url.startswith(oidc_provider.issuer.rsplit("/o", 1)[0] + "/accounts/login/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(IDP_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(base + "/manage/sso/")
    assert "You signed in with the council" in page.locator(".govuk-inset-text").inner_text()

    page.get_by_label("Officers and assessors must sign in").check()
    page.get_by_role("button", name="Save sign-in settings").click()
    page.wait_for_url(base + "/manage/sso/")
    assert page.get_by_text("Sign-in settings saved.").is_visible()
    with django_db_blocker.unblock():
        assert Tenant.objects.get(pk=council.pk).staff_must_use_sso is True

    # A password is no longer enough for the officer (after the servers' 2 s tenant memory).
    time.sleep(2.1)
    context = browser.new_context(locale="en-GB")
    other = context.new_page()
    sign_in_with_password(other, base, "officer@ssoalpha.test", "/manage/")
    other.wait_for_url(base + "/accounts/login/")
    banner = other.locator(".govuk-notification-banner").first.inner_text()
    assert "must sign in with the council" in banner.replace("\u2019", "'")
    assert other.get_by_role("button", name="Sign in with SSO Alpha Council account").is_visible()
    assert_accessible(other)
    context.close()
