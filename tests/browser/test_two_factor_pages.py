"""The council's rule of two-step sign-in in real Chromium: an officer is refused until they set
it up themselves, sets it up with allauth's pages, turns the rule on; an assessor is then sent to
the page that explains it. axe finds no violations on the settings page (with and without its
error summary) or on the explanation page."""

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.db import connection

from tenants.middleware import LOCAL_TIMEOUT
from tests.browser.a11y import assert_accessible
from tests.browser.councils import council_with_officer
from tests.helpers import TEST_PASSWORD, make_user

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def council(django_db_setup, django_db_blocker):
    with council_with_officer(django_db_blocker, name="Sigma Council", slug="sigma") as tenant:
        with django_db_blocker.unblock():
            make_user(tenant, "assessor@sigma.test", is_assessor=True)
            connection.set_schema_to_public()
        yield tenant


def sign_in(page, email: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_an_officer_sets_up_two_step_sign_in_then_requires_it_of_assessors(
    server_url, page, browser, council
):
    base = server_url.format(host="sigma.localhost")
    page.goto(base + "/accounts/login/?next=/manage/sign-in/")
    sign_in(page, "officer@sigma.test")
    page.wait_for_url(base + "/manage/sign-in/")
    assert page.get_by_role("heading", name="Sign-in rules").is_visible()
    assert_accessible(page)

    page.get_by_label("Officers and assessors must use two-step sign-in").check()
    page.get_by_role("button", name="Save").click()
    summary = page.get_by_role("alert")
    assert "Set up two-step sign-in for your own account first" in summary.inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Set up two-step sign-in", exact=True).click()
    page.wait_for_url(base + "/accounts/two-step-sign-in/")
    assert_accessible(page)
    page.get_by_role("button", name="Set up two-step sign-in").click()
    if "/accounts/reauthenticate/" in page.url:  # allauth asks for the password again
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(base + "/accounts/2fa/totp/activate/")
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(current_code(secret))
    page.get_by_role("button", name="Turn on").click()
    page.wait_for_url(base + "/accounts/2fa/recovery-codes/")

    page.goto(base + "/manage/sign-in/")
    page.get_by_label("Officers and assessors must use two-step sign-in").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(base + "/manage/")
    assert page.get_by_text("Officers and assessors must now use two-step sign-in.").is_visible()

    # The other gunicorn worker may hold the council for a moment (tenants.middleware).
    time.sleep(LOCAL_TIMEOUT + 0.2)
    assessor = browser.new_context(locale="en-GB").new_page()
    try:
        assessor.goto(base + "/accounts/login/?next=/assess/")
        sign_in(assessor, "assessor@sigma.test")
        assessor.wait_for_url(base + "/accounts/two-step-sign-in/")
        assert assessor.get_by_text(
            "Sigma Council asks its officers and assessors to use two-step sign-in."
        ).is_visible()
        assert assessor.get_by_role("button", name="Set up two-step sign-in").is_visible()
        assert_accessible(assessor)
        assessor.goto(base + "/assess/")
        assert assessor.url == base + "/accounts/two-step-sign-in/"
    finally:
        assessor.context.close()
