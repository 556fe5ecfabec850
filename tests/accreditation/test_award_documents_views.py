"""Downloading an award's certificate and credential: who may, and only in its own council."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from django_tenants.utils import tenant_context

from accreditation.credentials import verify_credential
from accreditation.services.documents import make_award_documents
from tests.factories import AwardFactory, MembershipFactory, OrganisationFactory
from tests.fixtures.charters import publish_current_draft
from tests.helpers import host_of, login, make_user
from tests.urlconf import TENANT_URLCONF

NAMES = [
    "accreditation:award.certificate",
    "accreditation:award.certificate_text",
    "accreditation:award.credential",
]


def make_award(tenant, organisation_name: str, **fields):
    """An award of a new organisation ``oakfield`` with its documents made."""
    with tenant_context(tenant):
        organisation = OrganisationFactory(name=organisation_name, slug="oakfield")
        award = AwardFactory(application__organisation=organisation, **fields)
        make_award_documents(award)
        return award


def url(name, award, slug="oakfield"):
    return reverse(name, urlconf=TENANT_URLCONF, kwargs={"slug": slug, "pk": award.pk})


@pytest.fixture
def award_a(tenant_a, published_a):
    award = make_award(tenant_a, "Alpha Oakfield School", certificate_number="ALPHA-2027-0001")
    yield award
    with tenant_context(tenant_a):
        award.certificate.delete(save=False)


def test_only_the_organisations_people_and_officers_may_download(tenant_a, award_a, officer_a):
    with tenant_context(tenant_a):
        member = MembershipFactory(organisation=award_a.organisation).user
        other_lead = make_user(tenant_a, "elm@alpha.test")
        OrganisationFactory(name="Elm Nursery", lead=other_lead)
    assessor = make_user(tenant_a, "assessor@alpha.test", is_assessor=True)
    people = {
        "member": member,
        "officer": officer_a,
        "other_lead": other_lead,
        "assessor": assessor,
        "anonymous": None,
    }
    outcomes = {}
    for role, user in people.items():
        client = Client(HTTP_HOST=host_of(tenant_a))
        if user is not None:
            login(client, tenant_a, user)
        outcomes[role] = [client.get(url(name, award_a)).status_code for name in NAMES]
    assert outcomes == {
        "member": [200, 200, 200],
        "officer": [200, 200, 200],
        "other_lead": [404, 404, 404],
        "assessor": [404, 404, 404],
        "anonymous": [302, 302, 302],
    }


def test_the_downloads_are_the_signed_documents_as_attachments(tenant_a, award_a, officer_a):
    client = login(Client(HTTP_HOST=host_of(tenant_a)), tenant_a, officer_a)
    pdf, text, credential = (client.get(url(name, award_a)) for name in NAMES)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="charter-status-ALPHA-2027-0001.pdf"'
    assert pdf.content.startswith(b"%PDF-")
    assert text["Content-Type"] == "text/plain; charset=utf-8"
    assert "Alpha Oakfield School" in text.content.decode()
    assert credential["Content-Disposition"] == (
        'attachment; filename="charter-status-ALPHA-2027-0001.json"'
    )
    with tenant_context(tenant_a):
        assert verify_credential(json.loads(credential.content), award=award_a)


def test_documents_not_yet_made_or_of_another_organisation_are_not_found(
    tenant_a, award_a, officer_a
):
    client = login(Client(HTTP_HOST=host_of(tenant_a)), tenant_a, officer_a)
    with tenant_context(tenant_a):
        pending = AwardFactory(application__organisation=award_a.organisation)
        OrganisationFactory(name="Elm Nursery", slug="elm-nursery")
    assert client.get(url(NAMES[0], pending)).status_code == 404
    assert client.get(url(NAMES[0], award_a, slug="elm-nursery")).status_code == 404


def test_each_council_serves_its_own_award_at_the_same_id(
    tenant_a, tenant_b, award_a, officer_a, officer_b
):
    publish_current_draft(tenant_b, officer_b)
    client_b = login(Client(HTTP_HOST=host_of(tenant_b)), tenant_b, officer_b)
    # Alpha's award at Beta's host, before Beta has one at that id.
    assert client_b.get(url(NAMES[1], award_a)).status_code == 404

    award_b = make_award(
        tenant_b, "Beta Oakfield School", pk=award_a.pk, certificate_number="BETA-2027-0001"
    )
    try:
        client_a = login(Client(HTTP_HOST=host_of(tenant_a)), tenant_a, officer_a)
        text_a = client_a.get(url(NAMES[1], award_a)).content.decode()
        text_b = client_b.get(url(NAMES[1], award_b)).content.decode()
        assert "Alpha Oakfield School" in text_a and "Beta" not in text_a
        assert "Beta Oakfield School" in text_b and "Alpha" not in text_b
        pdf_b = client_b.get(url(NAMES[0], award_b))
        with tenant_context(tenant_b), award_b.certificate.open("rb") as file:
            assert pdf_b.content == file.read()
        # Alpha's officer session means nothing at Beta's host.
        stranger = Client(HTTP_HOST=host_of(tenant_b))
        stranger.cookies = client_a.cookies
        assert stranger.get(url(NAMES[1], award_b)).status_code == 302
    finally:
        with tenant_context(tenant_b):
            award_b.certificate.delete(save=False)
