"""The whole product, in a real browser, on a council provisioned as a real new council is.

The first officer accepts the invitation emailed by provisioning, publishes a charter, sets up
Charter Status (two assessors per application, one with lived experience; a round without an
embargo) and invites two assessors, who accept. A school's member creates an account (verifying
the email address from the link we emailed), registers the school, signs the charter and applies:
signing and every applying step by keyboard alone, with the focus visible after every key. The
officer assigns both assessors; each declares no conflict, judges every criterion and recommends;
the officer awards; the school sees its award and anyone can check the certificate.

Nothing of the journey itself is made by factories or services: only the council is provisioned
(as `create_council` or a paid sign-up does). Each step asserts what its person sees in one place
(`see`), and axe checks every page any of them reaches: the test fails at the end listing each
page's violations, and fails if a page was reached without being checked.

Set SCREENSHOTS=<folder> (`make screenshots`) to save the main pages as PNGs on the way.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context
from PIL import Image
from playwright.sync_api import Page, expect

from platform_.outbox.models import OutboxEmail
from tenants.middleware import forget_cached_hosts
from tenants.services import provision_tenant
from tests.browser.keyboard import activate, assert_focus_visible, choose, tab_to, type_into

pytestmark = pytest.mark.browser
axe = Axe()

SLUG = "juniper"
COUNCIL = "Juniper County Council"
PASSWORD = "a long journey password"
OFFICER = ("Olu Officer", "olu@juniper.test")
ASSESSOR = ("Asha Assessor", "asha@juniper.test")
LIVED = ("Lee Lived", "lee@juniper.test")  # brings lived experience
MEMBER = ("Hana Head", "hana@hawthorn.test")
SCHOOL = "Hawthorn Primary School"
CHARTER_TITLE = "Juniper's co-production charter"
PRINCIPLE = "We decide together"
CRITERIA = ["Young people sit on the school council", "Parents shape the SEND offer"]
ROUND = "Co-production Week"
VIEWPORT = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}
SCREENSHOTS = os.environ.get("SCREENSHOTS")


@pytest.fixture(scope="module")
def council(django_db_setup, django_db_blocker):
    """A council provisioned as a real new one is (committed: the server must see it), with
    its first officer's invitation in the outbox. Removed afterwards."""
    with django_db_blocker.unblock():
        tenant = provision_tenant(name=COUNCIL, slug=SLUG, officer_email=OFFICER[1])
        connection.set_schema_to_public()
        yield tenant
        tenant.delete(force_drop=True)
        shutil.rmtree(Path(settings.MEDIA_ROOT) / tenant.schema_name, ignore_errors=True)
    forget_cached_hosts([f"{SLUG}.{settings.PLATFORM_DOMAIN}"])


class Checks:
    """axe on every page the journey reaches, and a record of which were reached."""

    def __init__(self) -> None:
        self.reached: list[str] = []
        self.checked: set[str] = set()
        self.reports: dict[str, str] = {}

    def watch(self, page: Page) -> Page:
        def reached(frame) -> None:
            if frame == page.main_frame and frame.url != "about:blank":
                self.reached.append(frame.url)

        page.on("framenavigated", reached)
        return page

    def axe(self, page: Page) -> None:
        results = axe.run(page)
        self.checked.add(page.url)
        if results.violations_count:
            self.reports.setdefault(page.url, results.generate_report())

    def assert_all_passed(self) -> None:
        unchecked = [url for url in dict.fromkeys(self.reached) if url not in self.checked]
        problems = [f"{url}:\n{report}" for url, report in self.reports.items()]
        problems += [f"{url}: reached but never checked with axe" for url in unchecked]
        assert not problems, "\n\n".join(problems)


def see(checks: Checks, page: Page, heading: str, *facts: str, shot: str = "") -> None:
    """What the person sees: the page's heading and key facts; then axe checks the page."""
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    # Its stylesheets too: axe's contrast checks and the focus styles need them.
    page.wait_for_load_state("load")
    main = page.get_by_role("main")
    for fact in facts:
        expect(main).to_contain_text(fact)
    checks.axe(page)
    if shot:
        screenshot(page, shot)


def screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    """Save the page as docs/screenshots/<name>.png (when SCREENSHOTS is set), in 256 colours:
    a third of the size, and GOV.UK's flat colours survive (median cut keeps its light greys)."""
    if not SCREENSHOTS:
        return
    folder = Path(SCREENSHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    page.evaluate("document.activeElement && document.activeElement.blur()")  # no stray ring
    png = page.screenshot(full_page=full_page, animations="disabled")
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    image.save(folder / f"{name}.png", optimize=True)


def email_link(tenant, recipient: str, path_prefix: str) -> str:
    """The path of the link starting ``path_prefix`` in the newest email to ``recipient``. Links
    in emails carry the council's configured host (without this run's port), so the path is
    what the person's browser then opens on this server."""
    with tenant_context(tenant):
        bodies = OutboxEmail.objects.filter(recipient=recipient).order_by("-pk")
        for body in bodies.values_list("body", flat=True):
            for path in re.findall(r"https?://[^/\s]+(/\S*)", body):
                if path.startswith(path_prefix):
                    connection.set_schema_to_public()
                    return path
    connection.set_schema_to_public()
    raise AssertionError(f"no email to {recipient} links to {path_prefix}")


def small_pdf(text: str) -> bytes:
    """A real one-page PDF (readable by any viewer) saying ``text``."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_a_new_council_awards_charter_status_to_a_school(
    server_url, browser, council, tmp_path
) -> None:
    base = server_url.format(host=f"{SLUG}.localhost")
    checks = Checks()
    with ExitStack() as contexts:

        def person():
            """A browser of one's own: its own cookies, so its own signed-in person."""
            context = browser.new_context(locale="en-GB", viewport=VIEWPORT)
            contexts.callback(context.close)
            context.set_default_timeout(10_000)
            return checks.watch(context.new_page())

        officer = person()
        accept_invitation(checks, officer, base, council, OFFICER)
        publish_charter(checks, officer, base)
        set_up_charter_status(checks, officer, base)
        for assessor in (ASSESSOR, LIVED):
            invite_assessor(checks, officer, base, assessor, lived=assessor is LIVED)
        assessors = {assessor: person() for assessor in (ASSESSOR, LIVED)}
        for assessor, page in assessors.items():
            accept_invitation(checks, page, base, council, assessor)

        public = person()
        look_at_public_pages(checks, public, base, server_url)

        member = person()
        create_account(checks, member, base, council)
        slug = register_school(checks, member, base)
        sign_by_keyboard(checks, member)
        application_url = apply_by_keyboard(checks, member, tmp_path)

        assign_assessors(checks, officer, base)
        for assessor, page in assessors.items():
            assess(checks, page, base, lived=assessor is LIVED)
        code = award(checks, officer, base)

        see_award(checks, member, base, slug, application_url)
        verify(checks, public, base, code)
    checks.assert_all_passed()


def test_the_focus_check_fails_where_the_focus_cannot_be_seen(page) -> None:
    """The keyboard helper's check can fail: no indicator, or only the browser's thin ring."""
    page.set_content(
        "<style>#hidden:focus { outline: none }"
        " #yellow:focus { outline: 3px solid #ffdd00 }</style>"
        '<a id="hidden" href="#a">Hidden focus</a> <a id="thin" href="#b">Browser ring</a>'
        ' <button id="yellow">Yellow focus</button>'
    )
    page.keyboard.press("Tab")
    with pytest.raises(AssertionError, match="Hidden focus"):
        assert_focus_visible(page)
    page.keyboard.press("Tab")
    with pytest.raises(AssertionError, match="Browser ring"):
        assert_focus_visible(page)
    page.keyboard.press("Tab")
    assert "Yellow focus" in assert_focus_visible(page)


# The steps, in the order the journey takes them. Each keeps what its person sees in one place.


def accept_invitation(checks, page, base, tenant, who) -> None:
    name, email = who
    page.goto(base + email_link(tenant, email, "/accounts/invitation/"))
    see(checks, page, f"Join {COUNCIL}", email)
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm your password").fill(PASSWORD)
    page.get_by_role("button", name="Accept invitation").click()
    page.wait_for_url(base + "/")
    see(checks, page, f"{COUNCIL} co-production charter")


def publish_charter(checks, page, base) -> None:
    page.goto(base + "/manage/")
    see(checks, page, "Your charter at a glance")
    page.goto(base + "/manage/charter/")
    see(checks, page, "The charter", "Nothing published yet.")

    page.get_by_role("button", name="Edit title and introduction").click()
    see(checks, page, "Edit the draft")
    page.get_by_label("Title", exact=True).fill(CHARTER_TITLE)
    page.get_by_label("Introduction", exact=True).fill(
        "How Juniper's services, schools and families make decisions together."
    )
    page.get_by_label("Easy read introduction", exact=True).fill(
        "We make choices with you, not for you."
    )
    page.get_by_label("Who wrote it with you", exact=True).fill(
        "Juniper Parent Carer Forum\nYouth Council"
    )
    page.get_by_role("button", name="Save draft").click()
    see(checks, page, "The charter", f"Draft: {CHARTER_TITLE}")

    page.get_by_role("button", name="Add a principle").click()
    see(checks, page, "Add a principle")
    page.get_by_label("Title", exact=True).fill(PRINCIPLE)
    page.get_by_label("What it means", exact=True).fill("Families share decisions from the start.")
    page.get_by_label("Easy read version", exact=True).fill("We choose together.")
    page.get_by_role("button", name="Save principle").click()
    see(checks, page, "The charter", PRINCIPLE)

    page.get_by_role("button", name="Publish").click()
    see(checks, page, f"Publish “{CHARTER_TITLE}”?")
    page.get_by_role("button", name="Publish").click()
    see(checks, page, "The charter", "Version 1")


def set_up_charter_status(checks, page, base) -> None:
    page.goto(base + "/manage/accreditation/")
    see(checks, page, "Charter Status set-up", "No criteria yet.", "No rounds yet.")

    page.get_by_role("link", name="Change how you run Charter Status").click()
    see(checks, page, "How you run Charter Status")
    page.get_by_label("Each application needs two assessors").check()
    page.get_by_label("One assessor in each pair brings lived experience").check()
    page.get_by_role("button", name="Save").click()
    see(checks, page, "Charter Status set-up", "Two per application, one with lived experience")

    for title in CRITERIA:
        page.get_by_role("link", name="Add a criterion").click()
        see(checks, page, "Criterion")
        page.get_by_label("Principle", exact=True).select_option(label=PRINCIPLE)
        page.get_by_label("Title", exact=True).fill(title)
        page.get_by_label("Guidance", exact=True).fill("Show us minutes, photos or what changed.")
        page.get_by_role("button", name="Save").click()
        see(checks, page, "Charter Status set-up", title)

    page.get_by_role("link", name="Open a round").click()
    see(checks, page, "Award round")
    today = timezone.localdate()
    page.get_by_label("Name", exact=True).fill(ROUND)
    page.get_by_label("Opens on", exact=True).fill(today.strftime("%d/%m/%Y"))
    page.get_by_label("Closes on", exact=True).fill(
        (today + timedelta(days=60)).strftime("%d/%m/%Y")
    )
    page.get_by_role("button", name="Save").click()  # no ceremony: awards are public at once
    see(checks, page, "Charter Status set-up", ROUND, "Open")


def invite_assessor(checks, page, base, who, *, lived: bool) -> None:
    page.goto(base + "/manage/people/")
    see(checks, page, "People and invitations")
    page.get_by_role("button", name="Invite someone").click()
    see(checks, page, "Invite someone")
    page.get_by_label("Email address").fill(who[1])
    page.get_by_label("Assessor", exact=True).check()
    if lived:
        page.get_by_label("This assessor brings lived experience").check()
    page.get_by_role("button", name="Send invitation").click()
    see(checks, page, "People and invitations", who[1])


def look_at_public_pages(checks, page, base, server_url) -> None:
    page.goto(server_url.format(host="localhost") + "/")
    see(checks, page, "Co-production charters that people can see working", shot="platform-home")
    page.goto(base + "/")
    see(checks, page, f"{COUNCIL} co-production charter", shot="home")
    if SCREENSHOTS:
        page.set_viewport_size(MOBILE)
        screenshot(page, "home-mobile")
        page.set_viewport_size(VIEWPORT)
    page.get_by_role("link", name="Read our charter").first.click()
    see(checks, page, CHARTER_TITLE, PRINCIPLE, shot="charter")
    page.goto(base + "/charter/easy-read/")
    see(
        checks,
        page,
        f"{CHARTER_TITLE} (easy read)",
        "We choose together.",
        shot="charter-easy-read",
    )


def create_account(checks, page, base, tenant) -> None:
    name, email = MEMBER
    page.goto(base + "/")
    page.get_by_role("button", name="Create an account").click()
    see(checks, page, "Create an account")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm your password").fill(PASSWORD)
    page.get_by_role("button", name="Create an account").click()
    see(checks, page, "Check your email", email)

    page.goto(base + email_link(tenant, email, "/accounts/confirm-email/"))
    see(checks, page, "Confirm your email address", email)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()  # signed in by it
    page.wait_for_load_state("load")
    checks.axe(page)


def register_school(checks, page, base) -> str:
    page.goto(base + "/org/")
    see(checks, page, "Your organisation")
    page.get_by_role("button", name="Register an organisation").click()
    see(checks, page, "Register an organisation")
    page.get_by_label("Organisation name", exact=True).fill(SCHOOL)
    page.get_by_label("School", exact=True).check()
    page.get_by_label("Address line 1").fill("1 Hawthorn Lane")
    page.get_by_label("Town or city").fill("Juniper")
    page.get_by_label("Postcode", exact=True).fill("SW1A 1AA")
    page.get_by_label("School URN").fill("123456")
    page.get_by_role("button", name="Register organisation").click()
    see(checks, page, SCHOOL, "not signed")
    return page.url.rstrip("/").rsplit("/", 1)[-1]


def sign_by_keyboard(checks, page) -> None:
    """The lead signs by keyboard alone: Tab to each field, type, Space, Enter."""
    activate(page, page.get_by_role("button", name="Sign the charter"))
    see(checks, page, "Sign the charter", CHARTER_TITLE)
    type_into(page, page.get_by_label("Name of the person signing"), MEMBER[0])
    type_into(page, page.get_by_label("Their job title"), "Headteacher")
    type_into(page, page.get_by_label("Your commitment"), "Pupils and parents shape our plans.")
    choose(page, page.get_by_label("Show our organisation on the public register"))
    activate(page, page.get_by_role("button", name="Sign the charter"))
    see(checks, page, SCHOOL, "Signed", shot="organisation")


def apply_by_keyboard(checks, page, tmp_path) -> str:
    """Start, self-assess, add evidence and submit, by keyboard alone."""
    activate(page, page.get_by_role("link", name="Applications for Charter Status"))
    see(checks, page, "Charter Status", "No applications yet.", ROUND)
    choose(page, page.get_by_label(ROUND))
    activate(page, page.get_by_role("button", name="Start an application"))
    see(checks, page, "Application for Charter Status", "Draft", "0 of 2 required criteria")
    application_url = page.url

    activate(page, page.get_by_role("link", name="Place yourselves on the ladder"))
    see(checks, page, "Where are you on the ladder?", PRINCIPLE)
    # One question per principle: the new council's own plain-words principles and ours.
    principles = page.get_by_role("main").get_by_role("group")
    count = principles.count()
    for index in range(count):
        choose(page, principles.nth(index).get_by_label(re.compile(r"^Co-design")))
        type_into(page, page.get_by_label(re.compile(r"^Why\?")).nth(index), "Parents co-wrote it.")
    with page.expect_navigation():
        activate(page, page.get_by_role("button", name="Save self-assessment"))
    see(checks, page, "Application for Charter Status", f"Self-assessment: {count} of {count}")

    activate(page, page.get_by_role("link", name=f"Add evidence for {CRITERIA[0]}"))
    see(checks, page, "Add evidence", *CRITERIA)
    choose(page, page.get_by_label("A file (document, picture, audio or video)"))
    type_into(page, page.get_by_label("Give it a short title"), "School council minutes")
    for criterion in CRITERIA:
        choose(page, page.get_by_label(criterion))
    # A real file chooser cannot be driven by keys in headless Chromium: the field is reached by
    # keyboard, then Playwright gives it the file as the chooser would.
    pdf = tmp_path / "minutes.pdf"
    pdf.write_bytes(small_pdf("School council minutes, March"))
    file_field = page.get_by_label("File", exact=True)
    tab_to(page, file_field)
    file_field.set_input_files(pdf)
    with page.expect_navigation():
        activate(page, page.get_by_role("button", name="Add evidence"))
    see(
        checks,
        page,
        "Application for Charter Status",
        "2 of 2 required criteria have evidence",
        "School council minutes",
        shot="application-with-evidence",
    )

    activate(page, page.get_by_role("button", name="Check and submit"))
    see(checks, page, "Submit your application")
    with page.expect_navigation():
        activate(page, page.get_by_role("button", name="Submit application"))
    see(checks, page, "Application for Charter Status", "Submitted")
    return application_url


def assign_assessors(checks, page, base) -> None:
    page.goto(base + "/manage/applications/")
    see(checks, page, "Applications for Charter Status", SCHOOL)
    page.get_by_role("link", name=SCHOOL).click()
    see(checks, page, SCHOOL, "Nobody assigned yet.")
    for name, lived in ((ASSESSOR[0], False), (LIVED[0], True)):
        label = f"{name} (lived experience)" if lived else name
        page.get_by_label("Assessor", exact=True).select_option(label=label)
        page.get_by_role("button", name="Assign assessor").click()
        see(checks, page, SCHOOL, name)


def assess(checks, page, base, *, lived: bool) -> None:
    page.goto(base + "/assess/")
    see(checks, page, "Your assessments", SCHOOL)
    page.get_by_role("link", name=SCHOOL).click()
    see(checks, page, SCHOOL, "conflict of interest")
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Send declaration").click()
    see(checks, page, SCHOOL, "Self-assessment", "School council minutes")
    for criterion in CRITERIA:
        page.get_by_role("group", name=f"Is “{criterion}” met?").get_by_label(
            "Met", exact=True
        ).check()
    if lived and SCREENSHOTS:
        screenshot(page, "assessor-judgement")
    page.get_by_label("Award", exact=True).check()
    page.get_by_label("Your reasons").fill("Pupils and parents clearly shape decisions.")
    page.get_by_role("button", name="Save and send recommendation").click()
    see(checks, page, SCHOOL, "You recommended: Award")


def award(checks, page, base) -> str:
    page.goto(base + "/manage/applications/")
    see(checks, page, "Applications for Charter Status", SCHOOL)
    page.get_by_role("link", name=SCHOOL).click()
    see(checks, page, SCHOOL, "Award: Pupils and parents")
    page.get_by_label("Award Charter Status").check()
    page.get_by_label("Reasons (the applicant reads these)").fill("Strong evidence throughout.")
    page.get_by_role("button", name="Record decision").click()
    see(checks, page, SCHOOL, "Awarded")
    page.goto(base + "/manage/")
    see(checks, page, "Your charter at a glance")
    screenshot(page, "officer-dashboard", full_page=False)  # its top: the figures at a glance
    page.go_back()
    link = page.get_by_role("link", name=re.compile("its public page"))
    return link.get_attribute("href").rstrip("/").rsplit("/", 1)[-1]


def see_award(checks, page, base, slug, application_url) -> None:
    page.goto(base + f"/org/{slug}/applications/")
    see(checks, page, "Charter Status", "Your award", "Awarded")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"Download the certificate.*\(PDF\)")).click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    page.goto(application_url)
    see(checks, page, "Application for Charter Status", "Awarded", "Strong evidence throughout.")


def verify(checks, page, base, code) -> None:
    page.goto(base + f"/verify/{code}/")
    see(checks, page, SCHOOL, "This certificate is valid", shot="verification")
    page.goto(base + "/register/")
    see(checks, page, "Who has signed our charter", SCHOOL, shot="register")
