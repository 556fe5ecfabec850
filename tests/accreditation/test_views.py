import pytest
from django.utils.html import escape
from django_tenants.utils import tenant_context

from accreditation import services
from accreditation.enums import ApplicationStatus
from accreditation.models import Application, Assignment, Evidence
from tests.fixtures.accreditation import PDF, assessed, complete, pdf, submitted
from tests.helpers import login, make_user


def app_url(application, suffix=""):
    return f"/org/oakfield-primary-school/applications/{application.pk}/{suffix}"


def test_lead_starts_an_application_through_the_page(
    tenant_a, criteria_a, round_a, applicant_a, lead_a, client_a
):
    login(client_a, tenant_a, lead_a)
    page = client_a.get("/org/oakfield-primary-school/applications/")
    assert "Co-production Week 2027" in page.content.decode()

    response = client_a.post("/org/oakfield-primary-school/applications/", {"round": round_a.pk})

    with tenant_context(tenant_a):
        application = Application.objects.get()
    assert response["Location"] == app_url(application)
    html = client_a.get(app_url(application)).content.decode()
    assert "0 of 2 required criteria have evidence." in html
    assert '<progress class="app-progress" max="2" value="0"' in html


def test_evidence_upload_page_checks_the_file_and_keeps_the_input(
    tenant_a, application, lead_a, criteria_a, client_a
):
    login(client_a, tenant_a, lead_a)
    criterion = criteria_a[0]
    bad = client_a.post(
        app_url(application, "evidence/add/"),
        {
            "kind": "file",
            "title": "Minutes",
            "criteria": [criterion.pk],
            "file": pdf("minutes.pdf", b"not a pdf at all"),
        },
    )
    html = bad.content.decode()
    assert "govuk-error-summary" in html and "The file must be PDF, Word" in html
    assert 'value="Minutes"' in html

    good = client_a.post(
        app_url(application, "evidence/add/"),
        {
            "kind": "file",
            "title": "Minutes",
            "criteria": [criterion.pk],
            "file": pdf(),
        },
    )
    assert good.status_code == 302
    with tenant_context(tenant_a):
        evidence = Evidence.objects.get()
    try:
        download = client_a.get(f"/evidence/{evidence.pk}/file/")
        assert b"".join(download.streaming_content) == PDF
        assert download["Content-Disposition"] == 'attachment; filename="minutes.pdf"'
    finally:
        with tenant_context(tenant_a):
            evidence.file.delete(save=False)


def test_evidence_form_asks_for_the_part_that_matches_the_kind(
    tenant_a, application, lead_a, criteria_a, client_a
):
    login(client_a, tenant_a, lead_a)
    html = client_a.post(
        app_url(application, "evidence/add/"),
        {
            "kind": "you_said_we_did",
            "title": "Quiet room",
            "criteria": [criteria_a[0].pk],
            "you_said": "Too noisy",
            "shows_people": "on",
        },
    ).content.decode()
    assert (
        "Say what you changed because of it." in html
        and "Confirm that the people shown (or their parents or carers) agreed, or choose other "
        "evidence."
        in html
    )


def test_submit_page_lists_what_is_missing_then_submits(
    tenant_a, application, lead_a, criteria_a, client_a
):
    login(client_a, tenant_a, lead_a)
    html = client_a.post(app_url(application, "submit/")).content.decode()
    assert "You cannot submit yet" in html and "Add evidence for “Criterion 1”" in html

    complete(tenant_a, application, lead_a, criteria_a)
    assert client_a.post(app_url(application, "submit/")).status_code == 302
    with tenant_context(tenant_a):
        assert Application.objects.get().status == ApplicationStatus.SUBMITTED
    assert client_a.get(app_url(application, "evidence/add/")).status_code == 403  # read-only now


def test_self_assessment_page_saves_every_principle(tenant_a, application, lead_a, client_a):
    login(client_a, tenant_a, lead_a)
    with tenant_context(tenant_a):
        principles = list(application.version.principles.all())
    data = {}
    for p in principles:
        data[f"rung_{p.pk}"] = "consultation"
        data[f"reason_{p.pk}"] = "We ask, then decide"
    data[f"reason_{principles[0].pk}"] = ""
    html = client_a.post(app_url(application, "self-assessment/"), data).content.decode()
    assert "govuk-error-summary" in html
    data[f"reason_{principles[0].pk}"] = "We ask"
    assert client_a.post(app_url(application, "self-assessment/"), data).status_code == 302
    with tenant_context(tenant_a):
        assert application.self_assessments.count() == len(principles)


def test_assessor_declares_judges_and_recommends_through_the_page(
    tenant_a, officer_a, application, lead_a, criteria_a, assessor_a, client_a
):
    assessor = assessor_a
    submitted(tenant_a, application, lead_a, criteria_a)
    with tenant_context(tenant_a):
        assignment = services.assign_assessor(application, acting_user=officer_a, assessor=assessor)
    login(client_a, tenant_a, assessor)
    assert "Oakfield Primary School" in client_a.get("/assess/").content.decode()
    page = client_a.get(f"/assess/{assignment.pk}/").content.decode()
    assert (
        "conflict of interest" in page and "Our story" not in page
    )  # no evidence before declaring

    client_a.post(f"/assess/{assignment.pk}/", {"action": "declare", "has_conflict": "no"})
    page = client_a.get(f"/assess/{assignment.pk}/").content.decode()
    assert "Our story" in page

    data = {"action": "recommend", "recommendation": "award", "reason": "Clear evidence"}
    for criterion in criteria_a:
        data[f"outcome_{criterion.pk}"] = "met"
        data[f"comment_{criterion.pk}"] = "Fine"
    assert client_a.post(f"/assess/{assignment.pk}/", data).status_code == 302
    with tenant_context(tenant_a):
        assert Application.objects.get().status == ApplicationStatus.ASSESSED
        assert Assignment.objects.get().judgements.count() == 3


def test_officer_assigns_sees_judgements_side_by_side_and_decides(
    tenant_a, officer_a, application, lead_a, criteria_a, assessor_a, client_a
):
    assessed(tenant_a, application, lead_a, criteria_a, officer_a, assessor_a)
    login(client_a, tenant_a, officer_a)
    html = client_a.get(f"/manage/applications/{application.pk}/").content.decode()
    assert escape(assessor_a.get_full_name()) in html and "<strong>Met</strong>: Good" in html
    # The history in words, never an event's key.
    assert f"Assessment finished by {escape(assessor_a.get_full_name())} on " in html
    assert "accreditation.application" not in html

    bad = client_a.post(
        f"/manage/applications/{application.pk}/decide/", {"outcome": "award", "reasons": ""}
    )
    assert "govuk-error-summary" in bad.content.decode()
    response = client_a.post(
        f"/manage/applications/{application.pk}/decide/",
        {"outcome": "award", "reasons": "Well done"},
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        assert Application.objects.get().status == ApplicationStatus.AWARDED
    lead_view = login(client_a.__class__(HTTP_HOST="alpha.localhost"), tenant_a, lead_a)
    assert "Well done" in lead_view.get(app_url(application)).content.decode()


def test_assign_form_shows_refusals(tenant_a, officer_a, application, lead_a, criteria_a, client_a):
    submitted(tenant_a, application, lead_a, criteria_a)
    login(client_a, tenant_a, officer_a)
    html = client_a.post(
        f"/manage/applications/{application.pk}/assign/", {"assessor": ""}
    ).content.decode()
    assert "govuk-error-summary" in html


@pytest.mark.parametrize(
    "path",
    [
        "/manage/accreditation/",
        "/manage/applications/",
        "/manage/accreditation/rounds/add/",
        "/manage/accreditation/settings/",
    ],
)
def test_officer_pages_refuse_applicants_and_assessors(
    tenant_a, applicant_a, lead_a, client_a, path
):
    for user in (lead_a, make_user(tenant_a, "a@alpha.test", is_assessor=True)):
        login(client_a, tenant_a, user)
        assert client_a.get(path).status_code == 403


def test_application_pages_refuse_people_outside_the_organisation(tenant_a, application, client_a):
    login(client_a, tenant_a, make_user(tenant_a, "x@alpha.test", is_organisation_member=True))
    for suffix in ("", "self-assessment/", "evidence/add/", "submit/", "withdraw/"):
        assert client_a.get(app_url(application, suffix)).status_code == 403


def test_an_unassigned_assessor_cannot_open_an_assignment(
    tenant_a, officer_a, application, lead_a, criteria_a, assessor_a, lived_assessor_a, client_a
):
    submitted(tenant_a, application, lead_a, criteria_a)
    with tenant_context(tenant_a):
        assignment = services.assign_assessor(
            application, acting_user=officer_a, assessor=assessor_a
        )
    login(client_a, tenant_a, lived_assessor_a)
    assert client_a.get(f"/assess/{assignment.pk}/").status_code == 403


def test_evidence_files_are_hidden_from_assessors_until_they_declare(
    tenant_a, officer_a, application, lead_a, criteria_a, assessor_a, client_a
):
    with tenant_context(tenant_a):
        evidence = services.add_evidence(
            application,
            acting_user=lead_a,
            kind="file",
            title="Minutes",
            criteria=criteria_a,
            upload=pdf(),
        )
    try:
        complete(tenant_a, application, lead_a, criteria_a)
        with tenant_context(tenant_a):
            services.submit_application(application, acting_user=lead_a)
            assignment = services.assign_assessor(
                application, acting_user=officer_a, assessor=assessor_a
            )
        login(client_a, tenant_a, assessor_a)
        assert client_a.get(f"/evidence/{evidence.pk}/file/").status_code == 404
        with tenant_context(tenant_a):
            services.declare_conflict(assignment, acting_user=assessor_a, has_conflict=False)
        assert client_a.get(f"/evidence/{evidence.pk}/file/").status_code == 200
        client_a.post("/accounts/logout/")
        assert client_a.get(f"/evidence/{evidence.pk}/file/").status_code == 404
    finally:
        with tenant_context(tenant_a):
            evidence.file.delete(save=False)


def test_criteria_of_an_older_charter_version_are_not_edited_as_current(
    tenant_a, officer_a, criteria_a, published_a, client_a
):
    from charters import services as charter_services

    old = criteria_a[0]
    with tenant_context(tenant_a):
        draft = charter_services.start_new_draft(published_a.charter, acting_user=officer_a)
        charter_services.publish_version(draft, acting_user=officer_a)
    login(client_a, tenant_a, officer_a)
    assert client_a.get(f"/manage/accreditation/criteria/{old.pk}/").status_code == 404
    with tenant_context(tenant_a):
        old.refresh_from_db()
    assert old.version_id == published_a.pk


def test_assigned_assessors_do_not_read_evidence_on_the_organisations_page(
    tenant_a, officer_a, application, lead_a, criteria_a, assessor_a, lived_assessor_a, client_a
):
    submitted(tenant_a, application, lead_a, criteria_a)
    with tenant_context(tenant_a):
        undeclared = services.assign_assessor(
            application, acting_user=officer_a, assessor=assessor_a
        )
        conflicted = services.assign_assessor(
            application, acting_user=officer_a, assessor=lived_assessor_a
        )
        services.declare_conflict(
            conflicted,
            acting_user=lived_assessor_a,
            has_conflict=True,
            details="My child goes there",
        )
    for assignment in (undeclared, conflicted):
        login(client_a, tenant_a, assignment.assessor)
        response = client_a.get(app_url(application))
        assert response.status_code == 403
        assert "We planned it with parents." not in response.content.decode()
        page = client_a.get(f"/assess/{assignment.pk}/").content.decode()
        assert "Our story" not in page and "We planned it with parents." not in page
