"""The API's interactive docs and the officers' API key pages in real Chromium: the docs render
under the strict CSP with no violation reported; the key pages pass axe."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.a11y import assert_accessible
from tests.browser.councils import council_with_officer
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser
axe = Axe()


@pytest.fixture(scope="module")
def council(django_db_setup, django_db_blocker):
    with council_with_officer(django_db_blocker, name="Kappa Council", slug="kappa") as tenant:
        yield tenant


def status_with(page, token: str) -> int:
    """The status of a keyed API request made from the page (Chromium resolves *.localhost;
    Playwright's own request client does not)."""
    return page.evaluate(
        """async (token) => (await fetch("/api/v1/manage/organisations/",
                                         {headers: {Authorization: "Bearer " + token}})).status""",
        token,
    )


def test_the_interactive_docs_render_under_the_csp(server_url, page, council):
    base = server_url.format(host="kappa.localhost")
    reports = []
    page.on("console", lambda message: reports.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: reports.append(f"pageerror: {error}"))

    response = page.goto(base + "/api/v1/schema/docs/")
    page.locator(".swagger-ui .info .title").wait_for()

    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("CoCharter API")
    # Every endpoint is listed, drawn by the bundle from the sidecar's static files.
    page.locator(".opblock-summary-path", has_text="/api/v1/register/").first.wait_for()
    assert page.locator(".opblock").count() == 17
    assert [r for r in reports if "Content Security Policy" in r or "pageerror" in r] == []
    # Colours are ours to fix (swagger-ui-contrast.css); these three rules are about Swagger UI's
    # own markup, which a stylesheet cannot change: an h3 under the h2 title, a copy button
    # inside each operation's header button, and its title block outside its own <main>.
    results = axe.run(
        page,
        options={
            "rules": {
                "heading-order": {"enabled": False},
                "nested-interactive": {"enabled": False},
                "region": {"enabled": False},
            }
        },
    )
    assert results.violations_count == 0, results.generate_report()


def test_an_officer_makes_copies_and_revokes_a_key(server_url, page, council):
    base = server_url.format(host="kappa.localhost")
    page.goto(base + "/accounts/login/?next=/manage/api-keys/")
    page.get_by_label("Email").fill("officer@kappa.test")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(base + "/manage/api-keys/")
    assert_accessible(page)

    page.get_by_role("button", name="Make a new key").click()
    page.get_by_role("button", name="Make the key").click()  # no name: the error summary
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page)
    page.get_by_label("Name").fill("Schools CRM")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Make the key").click()
    token = page.get_by_label("The key").input_value()
    assert token.startswith("cck_")
    assert_accessible(page)

    assert status_with(page, token) == 200

    page.goto(base + "/manage/api-keys/")
    page.get_by_role("link", name="Revoke Schools CRM").click()
    assert_accessible(page)
    page.get_by_role("button", name="Revoke the key").click()
    page.wait_for_url(base + "/manage/api-keys/")
    assert page.get_by_text("Revoked").first.is_visible()
    assert status_with(page, token) == 401
