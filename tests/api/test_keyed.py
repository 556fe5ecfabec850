"""The endpoints for a council's own systems: a key of the council, its scope, and the same
services and permissions as the officers' pages."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from django_tenants.utils import tenant_context

from accreditation.enums import ApplicationStatus
from platform_.accounts.enums import Role
from platform_.accounts.models import Invitation
from platform_.api import services
from platform_.api.enums import ApiEvent
from platform_.api.models import ApiKeyUsage
from platform_.audit.models import AuditEvent
from platform_.exports.enums import ExportEvent, ExportStatus
from platform_.exports.models import DataExport
from platform_.outbox.models import OutboxEmail
from tenants.enums import LifecycleStatus
from tenants.services import set_tenant_status
from tests.factories import ApplicationFactory, OrganisationFactory, SignatureFactory
from tests.fixtures.api import bearer
from tests.helpers import committed

READS = [
    "/api/v1/manage/organisations/",
    "/api/v1/manage/organisations/oakfield-primary-school/",
    "/api/v1/manage/signatures/",
    "/api/v1/manage/applications/",
    "/api/v1/manage/awards/",
    "/api/v1/manage/exports/",
    "/api/v1/manage/invitations/",
    "/api/v1/manage/invitations/?state=pending",
]
WRITES = [
    ("/api/v1/manage/invitations/", {"email": "new.assessor@alpha.test", "role": "assessor"}),
    ("/api/v1/manage/exports/", {}),
]


@pytest.mark.parametrize("path", READS)
def test_keyed_reads_refuse_a_request_without_a_key(client_a, signed_a, path):
    response = client_a.get(path)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "/api/v1/schema/docs/#problem-not-authenticated"


@pytest.mark.parametrize("path", READS)
def test_keyed_reads_answer_a_read_key(client_a, signed_a, read_key_a, path):
    assert client_a.get(path, **bearer(read_key_a)).status_code == 200


@pytest.mark.parametrize(("path", "body"), WRITES)
def test_a_read_key_is_refused_every_write(tenant_a, client_a, read_key_a, path, body):
    response = client_a.post(path, body, content_type="application/json", **bearer(read_key_a))

    assert response.status_code == 403
    assert response.json() == {
        "type": "/api/v1/schema/docs/#problem-forbidden",
        "title": "Forbidden",
        "status": 403,
        "detail": "This API key may only read; ask a council officer for a read-write key.",
        "instance": path,
    }
    with tenant_context(tenant_a):
        assert not Invitation.objects.exists()
        assert not DataExport.objects.exists()


@pytest.mark.parametrize(
    "header",
    [
        "Bearer cck_000000000000_" + "0" * 64,  # shaped like a key, not one
        "Bearer not-a-key",
        "Token whatever",
        "Bearer ",
    ],
)
def test_anything_but_a_valid_key_is_401(client_a, header):
    response = client_a.get("/api/v1/manage/organisations/", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_a_key_with_the_right_prefix_and_a_wrong_secret_is_refused(client_a, read_key_a):
    prefix = read_key_a.key.prefix
    response = client_a.get(
        "/api/v1/manage/organisations/", HTTP_AUTHORIZATION=f"Bearer cck_{prefix}_{'f' * 64}"
    )
    assert response.status_code == 401
    assert response.json()["detail"] == "This API key is not valid for this council."


def test_a_revoked_key_stops_working_at_once(tenant_a, client_a, officer_a, read_key_a):
    assert client_a.get("/api/v1/manage/awards/", **bearer(read_key_a)).status_code == 200
    with tenant_context(tenant_a):
        services.revoke_api_key(read_key_a.key, acting_user=officer_a)

    assert client_a.get("/api/v1/manage/awards/", **bearer(read_key_a)).status_code == 401


def test_a_key_stops_working_when_its_maker_is_no_longer_an_officer(
    tenant_a, client_a, officer_a, read_key_a
):
    with tenant_context(tenant_a):
        officer_a.is_council_officer = False
        officer_a.save(update_fields=["is_council_officer"])

    response = client_a.get("/api/v1/manage/awards/", **bearer(read_key_a))

    assert response.status_code == 401
    assert response.json()["detail"] == (
        "The officer who made this API key is no longer a council officer."
    )


def test_organisations_include_unlisted_ones_as_officers_see_them(
    tenant_a, client_a, signed_a, read_key_a
):
    with tenant_context(tenant_a):
        SignatureFactory(
            organisation=OrganisationFactory(name="Quiet Nursery"), consent_to_publish=False
        )
        OrganisationFactory(name="Unsigned Club")

    body = client_a.get("/api/v1/manage/organisations/", **bearer(read_key_a)).json()

    assert [(o["name"], o["listed"], o["signed_version"]) for o in body["results"]] == [
        ("Oakfield Primary School", True, 1),
        ("Quiet Nursery", False, 1),
        ("Unsigned Club", False, None),
    ]


def test_signatures_filter_by_organisation(tenant_a, client_a, signed_a, read_key_a):
    with tenant_context(tenant_a):
        SignatureFactory(organisation=OrganisationFactory(name="Elm Nursery"))

    every = client_a.get("/api/v1/manage/signatures/", **bearer(read_key_a)).json()
    oakfield = client_a.get(
        "/api/v1/manage/signatures/?organisation=oakfield-primary-school", **bearer(read_key_a)
    ).json()

    assert [s["organisation"] for s in every["results"]] == [
        "elm-nursery",
        "oakfield-primary-school",
    ]
    assert [s["signatory_name"] for s in oakfield["results"]] == ["Pat Head"]
    assert oakfield["results"][0]["pledges"][0]["text"] == "Pay parent carers"


def test_applications_give_their_states_and_filter_by_one(
    tenant_a, client_a, published_a, read_key_a
):
    with tenant_context(tenant_a):
        draft = ApplicationFactory(organisation=OrganisationFactory(name="Ash School"))
        submitted = ApplicationFactory(
            organisation=OrganisationFactory(name="Birch School"),
            status=ApplicationStatus.SUBMITTED,
        )

    every = client_a.get("/api/v1/manage/applications/", **bearer(read_key_a)).json()
    only = client_a.get(
        "/api/v1/manage/applications/?status=submitted", **bearer(read_key_a)
    ).json()
    one = client_a.get(f"/api/v1/manage/applications/{draft.pk}/", **bearer(read_key_a))

    assert [(a["id"], a["status"]) for a in every["results"]] == [
        (submitted.pk, "submitted"),
        (draft.pk, "draft"),
    ]
    assert [a["id"] for a in only["results"]] == [submitted.pk]
    assert one.json()["status_label"] == "Draft"
    assert (
        client_a.get("/api/v1/manage/applications/999999/", **bearer(read_key_a)).json()["status"]
        == 404
    )


def test_council_awards_include_embargoed_ones(tenant_a, client_a, award_a, read_key_a):
    with tenant_context(tenant_a):
        award_a.released_at = None
        award_a.save(update_fields=["released_at"])

    body = client_a.get("/api/v1/manage/awards/", **bearer(read_key_a)).json()

    assert [(a["certificate_number"], a["status"]) for a in body["results"]] == [
        ("ALPH-2027-0042", "embargoed")
    ]


def test_inviting_goes_through_the_service_and_sends_the_email(
    tenant_a, client_a, officer_a, write_key_a
):
    with committed():
        response = client_a.post(
            "/api/v1/manage/invitations/",
            {"email": "New.Assessor@alpha.test", "role": "assessor"},
            content_type="application/json",
            **bearer(write_key_a),
        )

    assert response.status_code == 201
    body = response.json()
    assert (body["email"], body["role"]) == ("new.assessor@alpha.test", "assessor")
    with tenant_context(tenant_a):
        invitation = Invitation.objects.get()
        assert (invitation.role, invitation.invited_by) == (Role.ASSESSOR, officer_a)
        assert OutboxEmail.objects.filter(recipient="new.assessor@alpha.test").count() == 1
        assert list(
            AuditEvent.objects.filter(key=ApiEvent.KEY_WROTE).values_list("new_value", flat=True)
        ) == [{"method": "POST", "path": "/api/v1/manage/invitations/", "status": 201}]


def test_invitations_are_listed_newest_first_with_their_state(tenant_a, client_a, read_key_a):
    now = timezone.now()
    with tenant_context(tenant_a):
        for email, changes in [
            ("accepted@alpha.test", {"accepted_at": now}),
            ("revoked@alpha.test", {"revoked_at": now}),
            ("expired@alpha.test", {"expires_at": now - timedelta(days=1)}),
            ("pending@alpha.test", {}),
        ]:
            fields = {"expires_at": now + timedelta(days=14), **changes}
            Invitation.objects.create(email=email, role=Role.ASSESSOR, **fields)

    listed = client_a.get("/api/v1/manage/invitations/", **bearer(read_key_a)).json()
    by_state = {
        state: client_a.get(
            f"/api/v1/manage/invitations/?state={state}", **bearer(read_key_a)
        ).json()["results"]
        for state in ["pending", "accepted", "revoked", "expired"]
    }

    assert [(row["email"], row["state"]) for row in listed["results"]] == [
        ("pending@alpha.test", "pending"),
        ("expired@alpha.test", "expired"),
        ("revoked@alpha.test", "revoked"),
        ("accepted@alpha.test", "accepted"),
    ]
    assert {state: [row["email"] for row in rows] for state, rows in by_state.items()} == {
        "pending": ["pending@alpha.test"],
        "accepted": ["accepted@alpha.test"],
        "revoked": ["revoked@alpha.test"],
        "expired": ["expired@alpha.test"],
    }
    assert "nonce" not in listed["results"][0]


def test_an_unknown_invitation_state_is_a_problem(client_a, read_key_a):
    response = client_a.get("/api/v1/manage/invitations/?state=lost", **bearer(read_key_a))

    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"


def test_an_invitation_with_a_bad_email_is_422_with_field_errors(client_a, write_key_a):
    response = client_a.post(
        "/api/v1/manage/invitations/",
        {"email": "not an email", "role": "wizard"},
        content_type="application/json",
        **bearer(write_key_a),
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "email": ["Enter a valid email address."],
        "role": ['"wizard" is not a valid choice.'],
    }


def test_exporting_goes_through_the_service_and_its_limits(
    tenant_a, client_a, write_key_a, settings
):
    settings.EXPORTS_PER_DAY = 1
    with committed():
        first = client_a.post("/api/v1/manage/exports/", **bearer(write_key_a))
    with tenant_context(tenant_a):
        assert AuditEvent.objects.filter(key=ExportEvent.REQUESTED).count() == 1
        export = DataExport.objects.get()
    assert first.status_code == 202
    assert first.json()["id"] == export.pk

    second = client_a.post("/api/v1/manage/exports/", **bearer(write_key_a))

    assert second.status_code == 409
    assert second["Content-Type"] == "application/problem+json"
    assert second.json()["detail"] == (
        "The council has prepared 1 exports in the last 24 hours. Download one of those, or try"
        " again tomorrow."
    )


def test_a_ready_export_downloads_with_a_read_key_and_is_audited(
    tenant_a, client_a, officer_a, read_key_a
):
    with tenant_context(tenant_a):
        export = DataExport.objects.create(requested_by=officer_a, status=ExportStatus.READY)
        export.file.save("export.zip", ContentFile(b"PK alpha export"))
    try:
        detail = client_a.get(f"/api/v1/manage/exports/{export.pk}/", **bearer(read_key_a))
        response = client_a.get(
            f"/api/v1/manage/exports/{export.pk}/download/", **bearer(read_key_a)
        )

        assert detail.json()["download_url"] == (
            f"http://alpha.localhost/api/v1/manage/exports/{export.pk}/download/"
        )
        assert b"".join(response.streaming_content) == b"PK alpha export"
        assert response["Cache-Control"] == "private, no-store"
        with tenant_context(tenant_a):
            assert AuditEvent.objects.filter(key=ExportEvent.DOWNLOADED).count() == 1
    finally:
        with tenant_context(tenant_a):
            export.file.delete(save=False)


def test_every_request_with_a_key_is_counted_per_day(tenant_a, client_a, write_key_a):
    client_a.get("/api/v1/manage/awards/", **bearer(write_key_a))
    client_a.get("/api/v1/charter/", **bearer(write_key_a))  # a 404: no charter yet
    client_a.post(
        "/api/v1/manage/invitations/",
        {"email": "a@alpha.test", "role": "assessor"},
        content_type="application/json",
        **bearer(write_key_a),
    )

    with tenant_context(tenant_a):
        usage = ApiKeyUsage.objects.get()
        write_key_a.key.refresh_from_db()
    assert (usage.day, usage.reads, usage.writes, usage.refused) == (
        timezone.localdate(),
        1,
        1,
        1,
    )
    assert write_key_a.key.last_used_at is not None


def test_a_suspended_council_refuses_writes_with_problem_details(tenant_a, client_a, write_key_a):
    set_tenant_status(tenant_a, LifecycleStatus.SUSPENDED, acting_user=None)

    refused = client_a.post(
        "/api/v1/manage/invitations/",
        {"email": "a@alpha.test", "role": "assessor"},
        content_type="application/json",
        **bearer(write_key_a),
    )
    read = client_a.get("/api/v1/manage/awards/", **bearer(write_key_a))

    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["instance"] == "/api/v1/manage/invitations/"
    assert read.status_code == 200


def test_a_suspended_council_may_still_export_through_the_api(tenant_a, client_a, write_key_a):
    set_tenant_status(tenant_a, LifecycleStatus.SUSPENDED, acting_user=None)

    assert client_a.post("/api/v1/manage/exports/", **bearer(write_key_a)).status_code == 202


def test_a_closed_council_answers_gone_with_problem_details(tenant_a, client_a, read_key_a):
    set_tenant_status(tenant_a, LifecycleStatus.CLOSED, acting_user=None)

    response = client_a.get("/api/v1/register/")

    assert response.status_code == 410
    assert response.json() == {
        "type": "/api/v1/schema/docs/#problem-gone",
        "title": "Gone",
        "status": 410,
        "detail": "Alpha City Council has closed its CoCharter site.",
        "instance": "/api/v1/register/",
    }
