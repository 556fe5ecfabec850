from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context

from accreditation import selectors, services
from accreditation.enums import ApplicationStatus
from accreditation.models import Evidence
from accreditation.services import setup
from charters import services as charter_services
from tests.fixtures.accreditation import PDF, complete, pdf, submitted
from tests.fixtures.charters import register
from tests.helpers import committed, make_user


def test_starting_needs_a_signature_of_the_current_charter(
    tenant_a, officer_a, round_a, published_a, applicant_a, lead_a
):
    with tenant_context(tenant_a):
        draft = charter_services.start_new_draft(published_a.charter, acting_user=officer_a)
        charter_services.publish_version(draft, acting_user=officer_a)  # version 2: theirs is old
        with pytest.raises(services.AccreditationError, match="must sign the current charter"):
            services.start_application(applicant_a, acting_user=lead_a, award_round=round_a)


def test_starting_is_refused_in_a_closed_round_twice_or_by_a_non_lead(
    tenant_a, officer_a, round_a, applicant_a, lead_a
):
    with tenant_context(tenant_a):
        today = timezone.localdate()
        closed = setup.open_round(
            acting_user=officer_a,
            name="Old",
            opens_on=today - timedelta(days=60),
            closes_on=today - timedelta(days=1),
        )
        with pytest.raises(services.AccreditationError, match="not open"):
            services.start_application(applicant_a, acting_user=lead_a, award_round=closed)
        services.start_application(applicant_a, acting_user=lead_a, award_round=round_a)
        with pytest.raises(services.AccreditationError, match="already has an application"):
            services.start_application(applicant_a, acting_user=lead_a, award_round=round_a)
        with pytest.raises(PermissionDenied):
            services.start_application(applicant_a, acting_user=officer_a, award_round=round_a)


def test_progress_counts_required_criteria_with_evidence(tenant_a, application, lead_a, criteria_a):
    with tenant_context(tenant_a):
        assert selectors.progress(application) == (0, 2)
        services.add_evidence(
            application,
            acting_user=lead_a,
            kind="link",
            title="Minutes",
            criteria=[criteria_a[0]],
            url="https://oakfield.example/minutes",
        )
        assert selectors.progress(application) == (1, 2)
        assert [c.title for c in selectors.missing_criteria(application)] == ["Criterion 2"]


def test_submitting_is_refused_with_the_list_of_what_is_missing(tenant_a, application, lead_a):
    with tenant_context(tenant_a), pytest.raises(services.AccreditationError) as refused:
        services.submit_application(application, acting_user=lead_a)
    assert refused.value.messages[:2] == [
        "Add evidence for “Criterion 1”",
        "Add evidence for “Criterion 2”",
    ]
    assert "Place yourselves on the ladder for “Equal partnership”" in refused.value.messages
    assert application.status == ApplicationStatus.DRAFT


def test_a_submitted_application_is_read_only_to_applicants(
    tenant_a, application, lead_a, criteria_a
):
    submitted(tenant_a, application, lead_a, criteria_a)
    with tenant_context(tenant_a):
        assert application.status == ApplicationStatus.SUBMITTED and application.submitted_at
        with pytest.raises(services.AccreditationError, match="cannot be changed"):
            services.add_evidence(
                application,
                acting_user=lead_a,
                kind="account",
                title="x",
                criteria=criteria_a[:1],
                account="late",
            )
        evidence = application.evidence.first()
        with pytest.raises(services.AccreditationError):
            services.remove_evidence(evidence, acting_user=lead_a)


def test_file_evidence_is_checked_by_content_and_stored_under_the_tenant(
    tenant_a, application, lead_a, criteria_a
):
    with tenant_context(tenant_a):
        evidence = services.add_evidence(
            application,
            acting_user=lead_a,
            kind="file",
            title="Minutes",
            criteria=criteria_a[:1],
            upload=pdf("../../etc/passwd.pdf"),
        )
        try:
            assert (evidence.content_type, evidence.size) == ("application/pdf", len(PDF))
            assert evidence.original_filename == "passwd.pdf"  # Django strips any path
            assert evidence.file.name.startswith(f"evidence/{application.pk}/")
            assert evidence.file.name.endswith(".pdf") and "passwd" not in evidence.file.name
            assert f"/{tenant_a.schema_name}/evidence/" in evidence.file.path
            with evidence.file.open("rb") as stored:
                assert stored.read() == PDF
        finally:
            evidence.file.delete(save=False)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"MZ\x90\x00 this is a Windows program", "must be PDF, Word"),
        ("photo.jpg", b"<script>alert(1)</script>", "must be PDF, Word"),
        ("empty.pdf", b"", "empty"),
        ("zip.docx", b"PK\x03\x04 not really a zip", "must be PDF, Word"),
    ],
)
def test_files_of_the_wrong_kind_are_refused_whatever_their_name(
    tenant_a, application, lead_a, criteria_a, name, content, message
):
    with tenant_context(tenant_a), pytest.raises(services.AccreditationError, match=message):
        services.add_evidence(
            application,
            acting_user=lead_a,
            kind="file",
            title="x",
            criteria=criteria_a[:1],
            upload=SimpleUploadedFile(name, content),
        )
    with tenant_context(tenant_a):
        assert not Evidence.objects.exists()


def test_the_upload_limit_is_the_tenants(tenant_a, officer_a, application, lead_a, criteria_a):
    with tenant_context(tenant_a):
        setup.update_settings(acting_user=officer_a, max_upload_mb=1)
        with pytest.raises(services.AccreditationError, match="1 MB or smaller"):
            services.add_evidence(
                application,
                acting_user=lead_a,
                kind="file",
                title="big",
                criteria=criteria_a[:1],
                upload=pdf(content=PDF + b"0" * (1024 * 1024)),
            )


def test_office_documents_are_recognised(tenant_a, application, lead_a, criteria_a):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    with tenant_context(tenant_a):
        evidence = services.add_evidence(
            application,
            acting_user=lead_a,
            kind="file",
            title="Plan",
            criteria=criteria_a[:1],
            upload=SimpleUploadedFile("plan.bin", buffer.getvalue()),
        )
        try:
            assert evidence.file.name.endswith(".docx")
        finally:
            evidence.file.delete(save=False)


def test_evidence_showing_people_needs_consent(tenant_a, application, lead_a, criteria_a):
    with tenant_context(tenant_a):
        with pytest.raises(services.AccreditationError, match="agreed"):
            services.add_evidence(
                application,
                acting_user=lead_a,
                kind="account",
                title="Photo day",
                criteria=criteria_a[:1],
                account="x",
                shows_people=True,
            )
        evidence = services.add_evidence(
            application,
            acting_user=lead_a,
            kind="you_said_we_did",
            title="Quiet room",
            criteria=criteria_a[:1],
            you_said="Too noisy",
            we_did="Made a quiet room",
            shows_people=True,
            consent_confirmed=True,
        )
    assert evidence.consent_confirmed


def test_evidence_must_name_criteria_of_this_application(tenant_a, application, lead_a):
    with tenant_context(tenant_a), pytest.raises(services.AccreditationError, match="at least one"):
        services.add_evidence(
            application, acting_user=lead_a, kind="account", title="x", criteria=[], account="x"
        )


def test_people_outside_the_organisation_cannot_change_it(tenant_a, application, criteria_a):
    stranger = make_user(tenant_a, "stranger@alpha.test", is_organisation_member=True)
    with tenant_context(tenant_a), pytest.raises(PermissionDenied):
        services.add_evidence(
            application,
            acting_user=stranger,
            kind="account",
            title="x",
            criteria=criteria_a[:1],
            account="x",
        )


def test_withdrawing_before_a_decision(tenant_a, application, lead_a, criteria_a, round_a):
    submitted(tenant_a, application, lead_a, criteria_a)
    with tenant_context(tenant_a):
        services.withdraw_application(application, acting_user=lead_a, reason="Not ready")
        assert application.status == ApplicationStatus.WITHDRAWN
        with pytest.raises(services.AccreditationError):
            services.withdraw_application(application, acting_user=lead_a)
        # A new application in the same round is allowed after withdrawing.
        services.start_application(
            application.organisation, acting_user=lead_a, award_round=round_a
        )


def test_rounds_must_close_after_they_open(tenant_a, officer_a):
    today = timezone.localdate()
    with tenant_context(tenant_a), pytest.raises(ValidationError):
        setup.open_round(
            acting_user=officer_a,
            name="Backwards",
            opens_on=today,
            closes_on=today - timedelta(days=1),
        )


def test_self_assessment_is_saved_per_principle(tenant_a, application, lead_a, criteria_a):
    complete(tenant_a, application, lead_a, criteria_a)
    with tenant_context(tenant_a):
        answers = {
            s.principle.title: s.rung
            for s in application.self_assessments.select_related("principle")
        }
    assert len(answers) == 7 and set(answers.values()) == {"co_design"}


def test_a_second_organisation_applies_independently(tenant_a, round_a, application):
    lead = make_user(tenant_a, "lead@elm.test")
    other = register(tenant_a, lead, name="Elm Nursery", postcode="WV5 5AA")
    from tests.fixtures.charters import sign

    sign(tenant_a, other, lead)
    with tenant_context(tenant_a):
        second = services.start_application(other, acting_user=lead, award_round=round_a)
    assert second.pk != application.pk


def test_only_criteria_of_the_current_version_can_be_changed(
    tenant_a, officer_a, criteria_a, published_a
):
    """The rule lives in the service, not only in the view that finds the criterion."""
    older = criteria_a[0]
    with tenant_context(tenant_a), committed():
        draft = charter_services.start_new_draft(published_a.charter, acting_user=officer_a)
        charter_services.publish_version(draft, acting_user=officer_a)
    with tenant_context(tenant_a):
        principle = draft.principles.order_by("position").first()
        with pytest.raises(services.AccreditationError, match="current charter version"):
            setup.update_criterion(
                older,
                acting_user=officer_a,
                principle=older.principle,
                title="Rewritten after the fact",
                guidance=older.guidance,
                good_evidence="",
                easy_read_guidance="",
                required=True,
                levels=[],
            )
        with pytest.raises(services.AccreditationError, match="current charter version"):
            setup.add_criterion(
                acting_user=officer_a, principle=older.principle, title="Old", guidance="x"
            )
        added = setup.add_criterion(
            acting_user=officer_a, principle=principle, title="New", guidance="Show it"
        )
        assert added.version == draft
        older.refresh_from_db()
        assert older.title != "Rewritten after the fact"
