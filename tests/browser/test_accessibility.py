"""Real Chromium, real server: axe finds no violations, and signing in works in a browser."""

import pytest
from django_tenants.utils import tenant_context

from platform_.accounts.models import User
from tenants.models import Tenant
from tests.browser.a11y import assert_accessible
from tests.helpers import TEST_PASSWORD, make_user

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def officer(django_db_setup, django_db_blocker):
    """A committed officer of tenant alpha (the server process cannot see test transactions)."""
    with django_db_blocker.unblock():
        alpha = Tenant.objects.get(slug="alpha")
        user = make_user(alpha, "browser.officer@alpha.test", is_council_officer=True)
        yield user
        with tenant_context(alpha):
            User.objects.filter(pk=user.pk).delete()


@pytest.mark.parametrize(
    ("host", "path", "heading"),
    [
        ("localhost", "/", "Co-production charters that people can see working"),
        ("localhost", "/accessibility/", "Accessibility statement"),
        ("alpha.localhost", "/", "Alpha City Council co-production charter"),
        ("alpha.localhost", "/accounts/login/", "Sign in"),
        ("alpha.localhost", "/accounts/signup/", "Create an account"),
        ("alpha.localhost", "/accounts/password/reset/", "Reset your password"),
        ("alpha.localhost", "/accessibility/", "Accessibility statement"),
    ],
)
def test_page_has_no_axe_violations(server_url, page, host, path, heading):
    response = page.goto(server_url.format(host=host) + path)

    assert response.status == 200
    assert page.locator("h1").inner_text() == heading
    assert_accessible(page)


def test_tenant_branding_reaches_the_header(server_url, page):
    page.goto(server_url.format(host="alpha.localhost") + "/")
    colour = page.locator(".app-header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(29, 112, 184)"  # #1d70b8, Alpha's brand colour
    assert page.locator(".app-header__link").inner_text() == "Alpha City Council"


def test_skip_link_moves_focus_to_the_main_content(server_url, page):
    page.goto(server_url.format(host="alpha.localhost") + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main-content"


def test_sign_in_errors_show_an_accessible_error_summary(server_url, page):
    page.goto(server_url.format(host="alpha.localhost") + "/accounts/login/")
    page.get_by_label("Email address", exact=True).fill("nobody@alpha.test")
    page.get_by_label("Password").fill("wrong-password")
    page.get_by_role("button", name="Sign in", exact=True).click()

    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)


def test_officer_signs_in_reaches_people_page_and_signs_out(server_url, page, officer):
    base = server_url.format(host="alpha.localhost")
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email address", exact=True).fill(officer.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()

    page.get_by_role("link", name="Manage", exact=True).click()
    page.get_by_role("link", name="People and invitations").click()
    assert page.locator("h1").inner_text() == "People and invitations"
    assert_accessible(page)

    page.get_by_role("button", name="Invite someone").click()
    page.get_by_role("button", name="Send invitation").click()  # empty form: errors
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    page.goto(base + "/manage/")
    assert "/accounts/login/" in page.url


def test_a_session_of_one_tenant_is_not_signed_in_at_another(server_url, page, officer):
    page.goto(server_url.format(host="alpha.localhost") + "/accounts/login/")
    page.get_by_label("Email address", exact=True).fill(officer.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()

    page.goto(server_url.format(host="beta.localhost") + "/manage/")
    assert "/accounts/login/" in page.url


def test_account_pages_have_no_axe_violations(server_url, page, officer):
    from tests.browser.test_charter_pages import check_pages

    base = server_url.format(host="alpha.localhost")
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email address", exact=True).fill(officer.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(base + "/")
    check_pages(
        page,
        base,
        [
            "/accounts/email/",
            "/accounts/password/change/",
            "/accounts/2fa/",
            "/accounts/reauthenticate/",
            "/manage/people/invite/",
        ],
        submit_empty=("/accounts/password/change/",),
    )


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/", "Siarter cyd-gynhyrchu Alpha City Council"),
        ("/accounts/login/", "Mewngofnodi"),
        ("/accessibility/", "Datganiad hygyrchedd"),
    ],
)
def test_welsh_pages_have_no_axe_violations_and_the_switch_goes_back(
    server_url, page, path, heading
):
    """Chosen by the switch in the header, by keyboard: the same page comes back in Cymraeg."""
    page.goto(server_url.format(host="alpha.localhost") + path)
    switch = page.get_by_role("link", name="Newid yr iaith: Cymraeg")
    switch.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    assert page.url == server_url.format(host="alpha.localhost") + path
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.locator("h1").inner_text() == heading
    assert_accessible(page)
