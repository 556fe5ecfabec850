"""English and Cymraeg: the switcher, pages in Welsh, a council's own words per field, dates and
emails in the reader's language."""

import html as html_lib
import re
from datetime import date

import pytest
from django.core import mail
from django.utils import translation
from django.utils.formats import date_format
from django_tenants.utils import tenant_context

from charters.models import CharterVersion
from platform_.languages import localized
from platform_.outbox.services import queue_email
from tests.factories import UserFactory
from tests.fixtures.accreditation import submitted
from tests.helpers import committed, login

WELSH = "cy"
TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S)


def segments(page: str) -> set[str]:
    """The sentences a person reads (text between tags, and the title), three words or more."""
    text = TAG.sub("\n", page)
    found = set()
    for line in text.splitlines():
        line = " ".join(html_lib.unescape(line).split())
        if len(line.split()) >= 3:
            found.add(line)
    return found


def in_welsh(client):
    client.cookies["django_language"] = WELSH
    return client


def english_left(client, path: str, *, allowed: tuple[str, ...] = ()) -> list[str]:
    """Sentences of the English page still there, word for word, in the Welsh one."""
    client.cookies.pop("django_language", None)
    english = client.get(path)
    assert english.status_code in (200, 404), (path, english.status_code)
    welsh = in_welsh(client).get(path)
    assert welsh.status_code == english.status_code
    page = welsh.content.decode()
    assert '<html lang="cy"' in page
    same = segments(english.content.decode()) & segments(page)
    return sorted(s for s in same if not any(word in s for word in allowed))


@pytest.fixture
def welsh_charter(tenant_a, published_a):
    """Alpha's charter with Welsh words for its title and first principle, and none for the
    second principle's text."""
    with tenant_context(tenant_a):
        version = CharterVersion.objects.published().order_by("-number").first()
        version.title_cy = "Ein siarter cyd-gynhyrchu"
        version.introduction_cy = "Rydyn ni'n gweithio gyda'n gilydd."
        version.save(update_fields=["title_cy", "introduction_cy"])
        first, second = version.principles.order_by("position")[:2]
        first.title_cy = "Gweithio fel partneriaid cyfartal"
        first.text_cy = "Mae pawb yn cael dweud eu dweud."
        first.easy_read_text_cy = "Rydyn ni'n gwrando arnoch chi."
        first.save()
        second.title_cy = "Gwrando"
        second.save()
    return version


def test_the_switch_sets_a_cookie_for_a_year_and_goes_back_to_the_page(client_a):
    response = client_a.get("/language/cy/", {"next": "/register/?q=oak"})
    assert response.status_code == 302
    assert response["Location"] == "/register/?q=oak"
    cookie = response.cookies["django_language"]
    assert cookie.value == "cy"
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True
    assert '<html lang="cy"' in client_a.get("/register/").content.decode()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "register/", ""])
def test_the_switch_goes_back_only_to_this_site(client_a, target):
    assert client_a.get("/language/cy/", {"next": target})["Location"] == "/"


def test_an_unknown_language_is_not_found(client_a):
    assert client_a.get("/language/fr/").status_code == 404


def test_the_switch_works_on_the_platform_host_too(client, db):
    response = client.get("/language/cy/", {"next": "/signup/"}, HTTP_HOST="localhost")
    assert response.status_code == 302
    assert response["Location"] == "/signup/"


def test_every_page_offers_the_other_language_by_its_own_name(client_a):
    english = client_a.get("/").content.decode()
    assert 'href="/language/cy/?next=/" hreflang="cy" lang="cy"' in english
    assert '<html lang="en-GB"' in english
    welsh = in_welsh(client_a).get("/").content.decode()
    assert 'href="/language/en-gb/?next=/" hreflang="en-GB" lang="en-GB"' in welsh


def test_the_browsers_language_is_used_when_nobody_chose(client_a):
    page = client_a.get("/", HTTP_ACCEPT_LANGUAGE="cy,en;q=0.5")
    assert '<html lang="cy"' in page.content.decode()
    assert page["Content-Language"] == "cy"
    assert page["Vary"] == "Cookie, Accept-Language"


@pytest.mark.parametrize(
    "path", ["/", "/register/", "/verify/", "/accessibility/", "/no-such-page/", "/charter/"]
)
def test_public_pages_are_in_welsh(client_a, path):
    # The charter being written (nothing published) speaks Welsh too.
    assert english_left(client_a, path, allowed=("Alpha City Council",)) == []


def test_the_charter_is_in_welsh_with_the_councils_words_per_field(
    client_a, tenant_a, welsh_charter
):
    page = in_welsh(client_a).get("/charter/").content.decode()
    assert '<h1 class="govuk-heading-xl">Ein siarter cyd-gynhyrchu' in page
    assert "1. Gweithio fel partneriaid cyfartal" in page
    assert "Mae pawb yn cael dweud eu dweud." in page
    with tenant_context(tenant_a):
        second = welsh_charter.principles.order_by("position")[1]
    assert "2. Gwrando" in page
    assert second.text in page  # no Welsh text: the English, not nothing
    english = client_a.get("/charter/", HTTP_COOKIE="django_language=en-gb").content.decode()
    assert "Ein siarter" not in english


def test_the_charters_other_pages_are_in_welsh(
    client_a, tenant_a, welsh_charter, signed_a, award_a
):
    with tenant_context(tenant_a):
        principles = list(welsh_charter.principles.all())
        pledges = [pledge.text for pledge in signed_a.pledges.all()]
    council_words = tuple(
        [p.text for p in principles]
        + [p.title for p in principles]
        + [p.easy_read_text for p in principles if p.easy_read_text]
        + [welsh_charter.easy_read_introduction, "Alpha City Council", "Oakfield"]
        # What the organisation wrote when it signed.
        + [signed_a.signatory_name, signed_a.commitment.splitlines()[0], *pledges]
    )
    for path in (
        "/charter/",
        "/charter/easy-read/",
        f"/register/{signed_a.organisation.slug}/",
        f"/verify/{award_a.verification_code}/",
        f"/verify/{award_a.verification_code}/concern/",
    ):
        assert english_left(client_a, path, allowed=council_words) == [], path


def test_localized_falls_back_to_english_per_field():
    version = CharterVersion(title="Our charter", title_cy="", introduction="Hello")
    version.introduction_cy = "Helo"
    with translation.override("cy"):
        assert localized(version, "title") == "Our charter"
        assert localized(version, "introduction") == "Helo"
    with translation.override("en-gb"):
        assert localized(version, "introduction") == "Hello"


def test_dates_follow_the_language(client_a, award_a):
    with translation.override("cy"):
        welsh_date = date_format(award_a.expires_on, "j F Y")
    with translation.override("en-gb"):
        english_date = date_format(award_a.expires_on, "j F Y")
    assert welsh_date != english_date
    page = in_welsh(client_a).get(f"/verify/{award_a.verification_code}/").content.decode()
    assert welsh_date in page
    assert english_date not in page


def test_july_is_gorffennaf():
    with translation.override("cy"):
        assert date_format(date(2027, 7, 3), "j F Y") == "3 Gorffennaf 2027"
        assert date_format(date(2027, 7, 3), "j M Y") == "3 Gorff 2027"
    with translation.override("en-gb"):
        assert date_format(date(2027, 7, 3), "j F Y") == "3 July 2027"


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
)
def test_account_pages_are_in_welsh(client_a, path):
    assert english_left(client_a, path, allowed=("Alpha City Council",)) == []


@pytest.mark.parametrize(
    "path", ["/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"]
)
def test_signed_in_account_pages_are_in_welsh(client_a, tenant_a, lead_a, path):
    login(client_a, tenant_a, lead_a)
    assert english_left(client_a, path, allowed=("Alpha City Council", lead_a.email)) == []


def test_choosing_a_language_signed_in_keeps_it_for_emails(client_a, tenant_a, lead_a):
    login(client_a, tenant_a, lead_a)
    client_a.get("/language/cy/")
    with tenant_context(tenant_a):
        lead_a.refresh_from_db()
        assert lead_a.language == "cy"


def test_an_email_is_written_in_the_recipients_language(tenant_a, mailoutbox):
    with tenant_context(tenant_a):
        welsh = UserFactory(language="cy")
        english = UserFactory()
        with committed():
            queue_email(
                welsh.email,
                subject=translation.gettext_lazy("Check your email"),
                template="account/email/base_message.txt",
                context={},
            )
            queue_email(
                english.email,
                subject=translation.gettext_lazy("Check your email"),
                template="account/email/base_message.txt",
                context={},
            )
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert by_recipient[welsh.email].subject == "Gwiriwch eich e-bost"
    assert by_recipient[welsh.email].body.startswith("Helo,")
    assert by_recipient[english.email].subject == "Check your email"
    assert by_recipient[english.email].body.startswith("Hello,")


def test_the_submitted_email_is_in_welsh_for_a_welsh_speaking_lead(
    tenant_a, application, lead_a, criteria_a, officer_a, mailoutbox
):
    with tenant_context(tenant_a):
        lead_a.language = "cy"
        lead_a.save(update_fields=["language"])
    with committed():
        submitted(tenant_a, application, lead_a, criteria_a)
    by_recipient = {m.to[0]: m for m in mail.outbox}
    welsh = by_recipient[lead_a.email]
    apostrophe = "\N{RIGHT SINGLE QUOTATION MARK}"
    assert (
        welsh.subject
        == f"Cais am Statws Siarter wedi{apostrophe}i gyflwyno: Oakfield Primary School"
    )
    assert welsh.body.startswith("Helo,\n\nMae Oakfield Primary School wedi cyflwyno ei gais")
    # The officer, who kept English, reads the same event in English.
    english = by_recipient[officer_a.email]
    assert english.subject == "New application for Charter Status: Oakfield Primary School"
    assert english.body.startswith("Hello,\n\nOakfield Primary School has submitted")


def test_a_reminder_says_when_in_welsh():
    from accreditation.emails import _in_days

    with translation.override("cy"):
        assert str(_in_days(0)) == "heddiw"
        assert str(_in_days(5)) == "ymhen 5 diwrnod"
    with translation.override("en-gb"):
        assert str(_in_days(1)) == "in 1 day"


APPLICANT_PAGES = [
    "/org/",
    "/org/{slug}/",
    "/org/{slug}/sign/",
    "/org/{slug}/applications/",
    "/org/{slug}/applications/{pk}/",
    "/org/{slug}/applications/{pk}/self-assessment/",
    "/org/{slug}/applications/{pk}/evidence/add/",
    "/org/{slug}/applications/{pk}/submit/",
    "/org/{slug}/applications/{pk}/withdraw/",
]


@pytest.mark.parametrize("page", APPLICANT_PAGES)
def test_the_applicants_pages_are_in_welsh(
    client_a, tenant_a, application, lead_a, criteria_a, page
):
    login(client_a, tenant_a, lead_a)
    with tenant_context(tenant_a):
        council_words = [
            *(c.title for c in criteria_a),
            *(c.guidance for c in criteria_a),
            *(p.title for p in criteria_a[0].version.principles.all()),
            *(c.good_evidence for c in criteria_a if c.good_evidence),
            application.round.name,
            application.organisation.name,
            lead_a.get_full_name(),  # a made-up name, sometimes three words long
        ]
    path = page.format(slug=application.organisation.slug, pk=application.pk)
    left = english_left(client_a, path, allowed=("Alpha City Council", *council_words))
    assert left == [], path
