"""Every accreditation page in real Chromium, for each role: axe finds no violations."""

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from accreditation.models import Application, Assignment, Award, AwardLevel, Concern
from platform_.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo_council
from tenants.services import provision_tenant
from tests.browser.test_charter_pages import axe, check_pages

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def council(django_db_setup, django_db_blocker):
    """The demo council's data (applications in every state) on a tenant of its own."""
    with django_db_blocker.unblock():
        tenant = provision_tenant(name="Delta Council", slug="delta", officer_email=None)
        with tenant_context(tenant):
            seed_demo_council()
            applications = {a.status: a for a in Application.objects.select_related("organisation")}
            assignments = {
                a.application.status: a for a in Assignment.objects.select_related("application")
            }
            awards = _awards(applications)
            concern = Concern.objects.create(award=awards["valid"], details="Nobody asked us.")
        connection.set_schema_to_public()
        yield {
            "applications": applications,
            "assignments": assignments,
            "awards": awards,
            "concern": concern,
        }
        tenant.delete(force_drop=True)
        shutil.rmtree(Path(settings.MEDIA_ROOT) / tenant.schema_name, ignore_errors=True)


def _awards(applications) -> dict[str, Award]:
    """The demo's award (made here if the demo has none) and a revoked one, for /verify/."""
    awarded = applications["awarded"]
    valid = Award.objects.filter(application=awarded).first() or Award.objects.create(
        application=awarded,
        organisation=awarded.organisation,
        level=AwardLevel.objects.order_by("position").first(),
        certificate_number="DELT-2027-0001",
        expires_on=timezone.localdate() + timedelta(days=365),
        released_at=timezone.now(),
    )
    other = applications["not_awarded"]
    revoked = Award.objects.create(
        application=other,
        organisation=other.organisation,
        level=valid.level,
        certificate_number="DELT-2027-0099",
        expires_on=timezone.localdate() + timedelta(days=365),
        released_at=timezone.now(),
        revoked_at=timezone.now(),
        revocation_reason="It stopped meeting with parents.",
    )
    return {"valid": valid, "revoked": revoked}


def signed_in(browser, base, email):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(base + "/")
    return context, page


def test_applicant_pages(server_url, browser, council):
    base = server_url.format(host="delta.localhost")
    draft = council["applications"]["draft"]
    slug = draft.organisation.slug
    root = f"/org/{slug}/applications/{draft.pk}/"
    context, page = signed_in(browser, base, DEMO_LOGINS["organisation member"][0])
    try:
        check_pages(
            page,
            base,
            [
                f"/org/{slug}/applications/",
                root,
                root + "self-assessment/",
                root + "evidence/add/",
                root + "submit/",
                root + "withdraw/",
            ],
            submit_empty=(root + "self-assessment/", root + "evidence/add/", root + "submit/"),
        )
    finally:
        context.close()


def test_officer_pages(server_url, browser, council):
    base = server_url.format(host="delta.localhost")
    paths = [
        "/manage/",  # the dashboard, with the demo's figures and charts
        "/manage/accreditation/",
        "/manage/accreditation/settings/",
        "/manage/accreditation/levels/add/",
        "/manage/accreditation/criteria/add/",
        "/manage/accreditation/rounds/add/",
        "/manage/applications/",
        "/manage/applications/?status=assessed",
    ]
    paths += [f"/manage/applications/{a.pk}/" for a in council["applications"].values()]
    context, page = signed_in(browser, base, DEMO_LOGINS["council officer"][0])
    try:
        check_pages(
            page,
            base,
            paths,
            submit_empty=(
                "/manage/accreditation/criteria/add/",
                "/manage/accreditation/rounds/add/",
                f"/manage/applications/{council['applications']['assessed'].pk}/",
            ),
        )
    finally:
        context.close()


def test_assessor_pages(server_url, browser, council):
    base = server_url.format(host="delta.localhost")
    paths = ["/assess/"] + [f"/assess/{a.pk}/" for a in council["assignments"].values()]
    context, page = signed_in(browser, base, DEMO_LOGINS["assessor"][0])
    try:
        check_pages(page, base, paths)
    finally:
        context.close()


def test_verification_and_concern_pages(server_url, page, council):
    """Public: the certificate valid and revoked, the lookup with its error, the concern form
    with its errors, and the confirmation."""
    base = server_url.format(host="delta.localhost")
    valid, revoked = council["awards"]["valid"], council["awards"]["revoked"]
    check_pages(
        page,
        base,
        [
            f"/verify/{valid.verification_code}/",
            f"/verify/{revoked.verification_code}/",
            "/verify/",
            "/verify/?number=NOPE-0000",
            f"/verify/{valid.verification_code}/concern/",
            f"/verify/{valid.verification_code}/concern/sent/",
        ],
        submit_empty=(f"/verify/{valid.verification_code}/concern/",),
    )
    page.goto(base + "/verify/?number=NOPE-0000")  # checked above; it is the error state
    assert page.locator(".govuk-error-summary").is_visible()


def test_officer_concern_pages(server_url, browser, council):
    base = server_url.format(host="delta.localhost")
    concern = council["concern"]
    context, page = signed_in(browser, base, DEMO_LOGINS["council officer"][0])
    try:
        check_pages(page, base, ["/manage/concerns/", f"/manage/concerns/{concern.pk}/"])
        # Closing without a note: the error state.
        page.get_by_role("button", name="Close the concern").click()
        assert page.locator(".govuk-error-summary").is_visible()
        results = axe.run(page)
        assert not results.violations_count, results.generate_report()
    finally:
        context.close()


def test_public_pages_in_easy_read(server_url, page, council):
    """The demo council's public pages with easy read chosen: the charter with its pictures, the
    home page and the certificate checks (cached as pages of their own)."""
    base = server_url.format(host="delta.localhost")
    valid, revoked = council["awards"]["valid"], council["awards"]["revoked"]
    page.goto(base + "/reading-mode/easy-read/?next=/")
    check_pages(
        page,
        base,
        [
            "/",
            "/charter/",
            f"/verify/{valid.verification_code}/",
            f"/verify/{revoked.verification_code}/",
        ],
    )
    page.goto(base + "/charter/")
    pictures = page.locator("main img.app-principle__picture")
    assert pictures.count() == 7
    assert all(pictures.nth(n).get_attribute("alt") for n in range(7))
    assert all(pictures.nth(n).evaluate("i => i.naturalWidth") == 400 for n in range(7))
    page.goto(base + f"/verify/{valid.verification_code}/")
    assert "This certificate is real." in page.locator("main").inner_text()
