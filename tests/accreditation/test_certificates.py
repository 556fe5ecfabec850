"""The signed PDF certificate, its text twin, and the service and task that make them."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import ValidationContext, validate_pdf_signature

from accreditation import documents, keys, services, tasks
from accreditation.credentials import verify_credential
from accreditation.enums import AccreditationEvent
from accreditation.models import Award
from accreditation.services.documents import make_award_documents, queue_award_documents
from platform_.audit.models import AuditEvent
from tenants.services import update_branding
from tests.factories import PNG, AwardFactory, OrganisationFactory
from tests.fixtures.accreditation import assessed
from tests.helpers import committed


@pytest.fixture
def award_a(tenant_a, published_a):
    with tenant_context(tenant_a):
        award = AwardFactory(
            application__organisation=OrganisationFactory(name="Oakfield Primary School"),
            certificate_number="ALPHA-2027-0042",
        )
    yield award
    with tenant_context(tenant_a):
        award.refresh_from_db()
        if award.certificate:
            award.certificate.delete(save=False)


def status_of(pdf: bytes, *, trusted: bool = True):
    """pyHanko's validation of the PDF's one signature, trusting the council's certificate."""
    reader = PdfFileReader(io.BytesIO(pdf))
    (signature,) = reader.embedded_signatures
    council = asn1_x509.Certificate.load(
        keys.certificate().public_bytes(serialization.Encoding.DER)
    )
    context = ValidationContext(trust_roots=[council] if trusted else [], allow_fetching=False)
    return validate_pdf_signature(signature, context)


def test_the_certificate_is_signed_by_the_council_and_its_signature_holds(tenant_a, award_a):
    with tenant_context(tenant_a):
        pdf = documents.certificate_pdf(award_a)
        status = status_of(pdf)
    assert pdf.startswith(b"%PDF-")
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line
    assert status.signing_cert.subject.native["common_name"] == "Alpha City Council"


def test_a_one_byte_edit_of_the_signed_bytes_breaks_the_signature(tenant_a, award_a):
    with tenant_context(tenant_a):
        pdf = documents.certificate_pdf(award_a)
        reader = PdfFileReader(io.BytesIO(pdf))
        start, length, _, _ = reader.embedded_signatures[0].byte_range  # the first signed run
        # A byte of page content, well inside the signed range.
        position = start + length // 2
        edited = pdf[:position] + bytes([pdf[position] ^ 0x01]) + pdf[position + 1 :]
        status = status_of(edited)
    assert not status.intact
    assert not status.bottom_line


def test_the_certificate_is_not_trusted_without_the_councils_certificate(tenant_a, award_a):
    with tenant_context(tenant_a):
        status = status_of(documents.certificate_pdf(award_a), trusted=False)
    assert status.intact
    assert not status.trusted


def test_the_pdf_has_one_a4_page_a_title_a_language_an_outline_and_embedded_fonts(
    tenant_a, award_a
):
    with tenant_context(tenant_a):
        pdf = documents.certificate_pdf(award_a)
    reader = PdfFileReader(io.BytesIO(pdf))
    root = reader.root
    page = reader.find_page_for_modification(0)[0].get_object()
    assert root["/Pages"]["/Count"] == 1
    assert [round(float(v)) for v in page["/MediaBox"]] == [0, 0, 595, 842]
    assert str(root["/Lang"]) == "en-GB"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert str(reader.trailer["/Info"]["/Title"]) == (
        "Charter Status certificate ALPHA-2027-0042: Oakfield Primary School"
    )
    assert str(root["/Outlines"]["/First"]["/Title"]).startswith("Charter Status certificate")
    fonts = page["/Resources"]["/Font"]
    # ReportLab lists Helvetica as the canvas's initial font even when no text uses it.
    embedded = {
        str(fonts[name]["/BaseFont"]).split("+")[-1]
        for name in fonts
        if "/FontDescriptor" in fonts[name]
        and "/FontFile2" in fonts[name]["/FontDescriptor"]  # TrueType, embedded
    }
    assert embedded == {"LiberationSans", "LiberationSans-Bold"}  # fonts-liberation, as CI has
    assert b"/Type /Sig" in pdf or b"/Type/Sig" in pdf


def test_the_text_alternative_says_what_the_certificate_says(tenant_a, award_a):
    with tenant_context(tenant_a):
        text = documents.certificate_text(award_a)
    awarded = award_a.awarded_at.date()
    assert text == (
        "Alpha City Council\n\n"
        "Charter Status\n\n"
        "This certifies that\nOakfield Primary School\n"
        "holds Charter Status at the level: Charter Status\n\n"
        f"Awarded: {awarded.day} {awarded:%B %Y}\n"
        f"Valid until: {award_a.expires_on.day} {award_a.expires_on:%B %Y}\n"
        "Certificate number: ALPHA-2027-0042\n\n"
        "Check that this certificate is valid at:\n"
        f"http://alpha.localhost/verify/{award_a.verification_code}/\n\n"
        "The PDF certificate is signed by the council; a PDF reader shows the signature.\n"
    )


def test_the_qr_code_and_printed_link_lead_to_the_verification_page(tenant_a, award_a):
    with tenant_context(tenant_a):
        url = documents.verification_url(award_a)
    assert url == f"http://alpha.localhost/verify/{award_a.verification_code}/"


def test_making_the_documents_stores_them_in_the_tenants_folder_once(tenant_a, award_a):
    with tenant_context(tenant_a):
        assert make_award_documents(award_a) is True
        stored = Award.objects.get(pk=award_a.pk)
        first_name = stored.certificate.name
        assert first_name.startswith("certificates/ALPHA-2027-0042-")
        assert stored.certificate.storage.path(first_name).startswith(
            str(stored.certificate.storage.location)
        )
        assert "/t_alpha/" in stored.certificate.path or "/alpha/" in stored.certificate.path
        with stored.certificate.open("rb") as file:
            assert status_of(file.read()).bottom_line
        assert verify_credential(stored.credential, award=stored)
        assert stored.certificate_generated_at is not None
        events = AuditEvent.objects.filter(key=AccreditationEvent.CERTIFICATE_GENERATED)
        assert [(e.object_id, e.actor_id) for e in events] == [(str(award_a.pk), None)]

        assert make_award_documents(stored) is False  # a second run does nothing
        stored.refresh_from_db()
        assert stored.certificate.name == first_name
        assert events.count() == 1


def test_a_revoked_award_gets_no_documents(tenant_a, award_a):
    with tenant_context(tenant_a):
        award_a.revoked_at = timezone.now()
        award_a.save(update_fields=["revoked_at"])
        assert make_award_documents(award_a) is False
        award_a.refresh_from_db()
        assert not award_a.certificate
        assert award_a.credential is None


def test_the_task_makes_the_documents_in_the_tenant_it_was_queued_in(tenant_a, award_a):
    with tenant_context(tenant_a):
        with committed():
            queue_award_documents(award_a)
        award_a.refresh_from_db()
        assert award_a.certificate_generated_at is not None
        assert tasks.make_award_documents(award_a.pk) is False
        assert tasks.make_award_documents(10**9) is False


def award_by_decision(tenant, application, officer):
    with tenant_context(tenant), committed():
        services.decide_application(
            application, acting_user=officer, outcome="award", reasons="Yes"
        )
    with tenant_context(tenant):
        return Award.objects.get(application=application)


def test_an_award_made_public_at_the_decision_gets_its_documents_after_commit(
    tenant_a, officer_a, application, lead_a, criteria_a, assessor_a
):
    assessed(tenant_a, application, lead_a, criteria_a, officer_a, assessor_a)
    award = award_by_decision(tenant_a, application, officer_a)
    try:
        assert award.certificate_generated_at is not None
        with tenant_context(tenant_a):
            assert verify_credential(award.credential, award=award)
    finally:
        with tenant_context(tenant_a):
            award.certificate.delete(save=False)


def test_an_award_embargoed_until_its_ceremony_waits_for_its_documents(
    tenant_a, officer_a, application, lead_a, criteria_a, round_a, assessor_a
):
    with tenant_context(tenant_a):
        round_a.ceremony_at = timezone.now() + timedelta(days=40)
        round_a.embargoed_until_ceremony = True
        round_a.save(update_fields=["ceremony_at", "embargoed_until_ceremony"])
    assessed(tenant_a, application, lead_a, criteria_a, officer_a, assessor_a)
    award = award_by_decision(tenant_a, application, officer_a)
    assert award.released_at is None
    assert award.certificate_generated_at is None
    assert not award.certificate


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "#0b0c0c").save(buffer, format="PNG")
    return buffer.getvalue()


def page_content(pdf: bytes) -> bytes:
    page = PdfFileReader(io.BytesIO(pdf)).find_page_for_modification(0)[0].get_object()
    return page["/Contents"].get_object().data


def image_count(pdf: bytes) -> int:
    page = PdfFileReader(io.BytesIO(pdf)).find_page_for_modification(0)[0].get_object()
    objects = page["/Resources"].get("/XObject", {})
    return sum(1 for name in objects if objects[name]["/Subtype"] == "/Image")


@pytest.mark.parametrize(("logo", "images"), [(png(300, 100), 1), (PNG, 0), (None, 0)])
def test_the_councils_logo_is_drawn_when_it_can_be_read(tenant_a, award_a, logo, images):
    if logo is not None:
        update_branding(
            tenant_a, brand_colour="#005a30", logo=SimpleUploadedFile("crest.png", logo)
        )
    try:
        with tenant_context(tenant_a):
            pdf = documents.certificate_pdf(award_a)
            assert status_of(pdf).bottom_line
        assert image_count(pdf) == images
        colour = b"0 .352941 .188235 rg" if logo is not None else b".113725 .439216 .721569 rg"
        assert colour in page_content(pdf)  # the brand colour's fill (#005a30, or the default)
    finally:
        if logo is not None:
            tenant_a.logo.delete(save=False)
