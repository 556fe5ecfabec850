"""Every charter, register and organisation page in real Chromium: axe finds no violations."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import connection
from django_tenants.utils import tenant_context

from charters import selectors, services
from tenants.services import provision_tenant
from tests.fixtures.charters import ORGANISATION, next_year
from tests.helpers import TEST_PASSWORD, make_user

pytestmark = pytest.mark.browser
axe = Axe()


@pytest.fixture(scope="module")
def council(django_db_setup, django_db_blocker):
    """A council of its own (committed, so the server process sees it), removed afterwards."""
    with django_db_blocker.unblock():
        tenant = provision_tenant(name="Gamma Council", slug="gamma", officer_email=None)
        officer = make_user(tenant, "officer@gamma.test", is_council_officer=True)
        lead = make_user(tenant, "lead@gamma.test")
        with tenant_context(tenant):
            services.update_draft(
                selectors.draft_version(),
                acting_user=officer,
                title="Gamma charter",
                introduction="Intro",
                easy_read_introduction="Easy intro",
                co_writers=["Youth Council"],
            )
            version = services.publish_version(selectors.draft_version(), acting_user=officer)
            signed = services.register_organisation(acting_user=lead, **ORGANISATION)
            signature = services.sign_charter(
                signed,
                acting_user=lead,
                signatory_name="Pat",
                signatory_job_title="Head",
                commitment="We will.",
                consent_to_publish=True,
                pledges=[("Pay carers", next_year())],
            )
            unsigned = services.register_organisation(
                acting_user=lead, **{**ORGANISATION, "name": "Elm Nursery", "kind": "early_years"}
            )
            services.start_new_draft(version.charter, acting_user=officer)
            pledge = signature.pledges.get()
        connection.set_schema_to_public()
        yield {"tenant": tenant, "signed": signed, "unsigned": unsigned, "pledge": pledge}
        tenant.delete(force_drop=True)


def signed_in_page(browser, base: str, email: str):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(base + "/")
    return context, page


def check_pages(page, base: str, paths: list[str], submit_empty: tuple = ()) -> None:
    """Visit each path (200 expected) and run axe; for ``submit_empty`` paths, also submit the
    main form empty and check the error state."""
    reports = []
    for path in paths:
        response = page.goto(base + path)
        assert response.status == 200, path
        results = axe.run(page)
        if results.violations_count:
            reports.append(f"{path}:\n{results.generate_report()}")
        if path in submit_empty:
            page.locator("main form[method=post] button[type=submit]").last.click()
            assert page.locator(".govuk-error-summary").is_visible(), path
            results = axe.run(page)
            if results.violations_count:
                reports.append(f"{path} (errors):\n{results.generate_report()}")
    assert not reports, "\n\n".join(reports)


def test_public_pages(server_url, page, council):
    base = server_url.format(host="gamma.localhost")
    check_pages(
        page,
        base,
        [
            "/",
            "/charter/",
            "/charter/easy-read/",
            "/register/",
            "/register/?q=oak&kind=school",
            "/register/oakfield-primary-school/",
        ],
    )


def test_organisation_pages(server_url, browser, council):
    base = server_url.format(host="gamma.localhost")
    context, page = signed_in_page(browser, base, "lead@gamma.test")
    try:
        signed, unsigned, pledge = council["signed"], council["unsigned"], council["pledge"]
        check_pages(
            page,
            base,
            [
                "/org/",
                "/org/new/",
                f"/org/{signed.slug}/",
                f"/org/{unsigned.slug}/",
                f"/org/{unsigned.slug}/sign/",
                f"/org/{signed.slug}/withdraw/",
                f"/org/{signed.slug}/pledges/{pledge.pk}/met/",
                f"/org/{signed.slug}/join/",
            ],
            submit_empty=(
                "/org/new/",
                f"/org/{unsigned.slug}/sign/",
                f"/org/{signed.slug}/withdraw/",
            ),
        )
    finally:
        context.close()


def test_officer_pages(server_url, browser, council):
    base = server_url.format(host="gamma.localhost")
    context, page = signed_in_page(browser, base, "officer@gamma.test")
    try:
        check_pages(
            page,
            base,
            [
                "/manage/",
                "/manage/charter/",
                "/manage/charter/draft/",
                "/manage/charter/draft/principles/add/",
                "/manage/charter/draft/preview/",
                "/manage/charter/draft/preview/?easy_read=1",
                "/manage/charter/draft/publish/",
                "/manage/charter/versions/1/",
                "/manage/organisations/",
            ],
            submit_empty=("/manage/charter/draft/principles/add/",),
        )
    finally:
        context.close()


def test_signing_in_the_browser_puts_the_organisation_on_the_register(server_url, browser, council):
    base = server_url.format(host="gamma.localhost")
    context, page = signed_in_page(browser, base, "lead@gamma.test")
    try:
        page.goto(base + f"/org/{council['unsigned'].slug}/sign/")
        page.get_by_label("Name of the person signing").fill("Sam Nursery")
        page.get_by_label("Their job title").fill("Manager")
        page.get_by_label("Your commitment").fill("We will ask families first.")
        page.get_by_role("button", name="Sign the charter").click()
        assert "has signed the charter" in page.locator(".govuk-notification-banner").inner_text()

        page.goto(base + "/register/")
        assert page.get_by_role("link", name="Elm Nursery").is_visible()
    finally:
        context.close()


def test_the_easy_read_switch_works_by_keyboard_and_is_remembered(server_url, page, council):
    base = server_url.format(host="gamma.localhost")
    page.goto(base + "/charter/")
    switch = page.get_by_role("navigation", name="Easy read or standard")
    assert switch.locator("[aria-current=true]").inner_text().startswith("Standard")

    easy_read = switch.get_by_role("link", name="Easy read")
    for _ in range(40):  # Tab from the top of the page until the switch has focus
        page.keyboard.press("Tab")
        if easy_read.evaluate("link => link === document.activeElement"):
            break
    else:
        pytest.fail("the Easy read link cannot be reached with Tab")
    # GOV.UK's focus state: a yellow background, so focus is visible.
    assert easy_read.evaluate("link => getComputedStyle(link).backgroundColor") == (
        "rgb(255, 221, 0)"
    )
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/charter/easy-read/")
    assert "Easy intro" in page.locator("main").inner_text()
    check_pages(page, base, ["/charter/", "/"])  # remembered on the plain addresses too
    page.goto(base + "/charter/")
    assert "Easy intro" in page.locator("main").inner_text()
    current = page.get_by_role("navigation", name="Easy read or standard")
    assert current.locator("[aria-current=true]").inner_text().startswith("Easy read")

    current.get_by_role("link", name="Standard").click()
    page.wait_for_url(base + "/charter/")
    assert "Easy intro" not in page.locator("main").inner_text()
