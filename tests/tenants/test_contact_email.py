"""A council's contact email: set by its officers, named wherever a page says "contact"."""

import re
from pathlib import Path

import pytest

from tenants.enums import LifecycleStatus
from tenants.models import Tenant
from tenants.services import set_tenant_status, update_contact_email
from tests.helpers import login, make_user

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
MAILTO = '<a class="govuk-link" href="mailto:charter@alpha.test">charter@alpha.test</a>'


@pytest.fixture
def contact_a(tenant_a):
    return update_contact_email(tenant_a, contact_email="charter@alpha.test", acting_user=None)


def test_officers_set_the_contact_email_at_manage_contact(tenant_a, officer_a, client_a):
    login(client_a, tenant_a, officer_a)
    assert client_a.get("/manage/contact/").status_code == 200

    response = client_a.post("/manage/contact/", {"contact_email": " charter@alpha.test "})

    assert response.status_code == 302
    assert response["Location"] == "/manage/"
    assert Tenant.objects.get(pk=tenant_a.pk).contact_email == "charter@alpha.test"
    assert "charter@alpha.test" in client_a.get("/manage/").content.decode()


def test_an_invalid_contact_email_says_how_to_write_one(tenant_a, officer_a, client_a):
    login(client_a, tenant_a, officer_a)

    html = client_a.post("/manage/contact/", {"contact_email": "not an address"}).content.decode()

    assert "There is a problem" in html
    assert "Enter an email address in the correct format, like charter@council.gov.uk" in html
    assert Tenant.objects.get(pk=tenant_a.pk).contact_email == ""


def test_only_officers_change_the_contact_email(tenant_a, client_a):
    member = make_user(tenant_a, "member@alpha.test", is_organisation_member=True)
    login(client_a, tenant_a, member)

    response = client_a.post("/manage/contact/", {"contact_email": "evil@evil.test"})

    assert response.status_code == 403
    assert Tenant.objects.get(pk=tenant_a.pk).contact_email == ""


def test_a_refused_page_names_the_councils_contact_email(tenant_a, contact_a, client_a):
    login(client_a, tenant_a, make_user(tenant_a, "member@alpha.test"))

    response = client_a.get("/manage/")

    assert response.status_code == 403
    assert f"If you think it should, contact {MAILTO}." in response.content.decode()


def test_a_paused_site_names_the_councils_contact_email(tenant_a, officer_a, contact_a, client_a):
    login(client_a, tenant_a, officer_a)
    set_tenant_status(tenant_a, LifecycleStatus.SUSPENDED, acting_user=None)

    response = client_a.post("/manage/contact/", {"contact_email": "x@alpha.test"})

    assert response.status_code == 403
    assert f"Try again later, or contact {MAILTO}." in response.content.decode()


def test_the_accessibility_statement_names_the_contact_email(contact_a, client_a):
    html = client_a.get("/accessibility/").content.decode()
    assert f"contact Alpha City Council at {MAILTO} and we will reply" in html


def test_without_a_contact_email_pages_name_the_council_not_a_dead_link(tenant_a, client_a):
    html = client_a.get("/accessibility/").content.decode()
    assert "easy read, contact Alpha City Council and we will reply" in html


def test_every_contact_in_a_template_names_a_real_route():
    """Each "contact" a person reads comes with where: the council's address (the include), a
    mailto: or a link. Names of fields and variables (contact_email) are not words people read."""
    unnamed = []
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix not in {".html", ".txt"}:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            line = re.sub(r"\{% comment %\}.*?\{% endcomment %\}", "", line)  # notes to us
            words = re.sub(r"\{[{%#].*?[}%#]\}|contact_\w+|\w+_contact\w*", "", line)
            if not re.search(r"\bcontact\b", words, re.IGNORECASE):
                continue
            if not re.search(r"contact_council|mailto:|href=|contact_email", line):
                unnamed.append(f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()[:100]}")
    assert unnamed == []
