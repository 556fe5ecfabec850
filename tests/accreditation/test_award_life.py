"""An award's life: released at the ceremony (once), revoked, re-issued, reminded before it
expires, renewed from the last application; and the pages where officers and holders see it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_tenants.utils import tenant_context

from accreditation import services, tasks
from accreditation.enums import AccreditationEvent, AwardStatus
from accreditation.models import Award, Evidence, SelfAssessment
from accreditation.services import AccreditationError
from charters import public_cache
from platform_.audit.models import AuditEvent
from tests.factories import AwardFactory, EvidenceFactory, RoundFactory, SelfAssessmentFactory
from tests.helpers import login


@pytest.fixture
def award(tenant_a, application):
    """Oakfield's award, released, valid for three more years."""
    with tenant_context(tenant_a):
        application.status = "awarded"
        application.save(update_fields=["status"])
        return AwardFactory(application=application)


@pytest.fixture
def embargoed(tenant_a, application):
    """Oakfield's award kept for a ceremony tomorrow."""
    with tenant_context(tenant_a):
        application.status = "awarded"
        application.save(update_fields=["status"])
        return AwardFactory(
            application=application,
            public_from=timezone.now() + timedelta(days=1),
            released_at=None,
        )


def events(key) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(key=key).order_by("pk"))


# --- Release at the ceremony -------------------------------------------------------------------


def test_awards_are_released_at_the_ceremony_once(
    tenant_a, embargoed, lead_a, django_capture_on_commit_callbacks
):
    ceremony = embargoed.public_from
    with tenant_context(tenant_a):
        generation = public_cache.generation()
        with django_capture_on_commit_callbacks(execute=True):
            assert services.release_due_awards(now=ceremony - timedelta(minutes=1)) == 0
            assert services.release_due_awards(now=ceremony) == 1
            assert services.release_due_awards(now=ceremony + timedelta(minutes=5)) == 0
        embargoed.refresh_from_db()
        assert embargoed.released_at == ceremony
        assert public_cache.generation() == generation + 1
        assert [e.object_id for e in events(AccreditationEvent.AWARD_RELEASED)] == [
            str(embargoed.pk)
        ]
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("Congratulations: Oakfield Primary School has Charter Status", ["head@oakfield.test"])
    ]
    assert "/org/oakfield-primary-school/applications/#awards" in mail.outbox[0].body


def test_a_revoked_award_is_not_released_at_the_ceremony(tenant_a, embargoed, officer_a):
    with tenant_context(tenant_a):
        services.revoke_award(embargoed, acting_user=officer_a, reason="Found to be untrue")
        assert services.release_due_awards(now=embargoed.public_from) == 0
        embargoed.refresh_from_db()
        assert embargoed.released_at is None


def test_release_task_runs_in_a_tenant_only(tenant_a, embargoed):
    with tenant_context(tenant_a):
        Award.objects.filter(pk=embargoed.pk).update(public_from=timezone.now())
        assert tasks.release_due_awards.apply().get() == 1


# --- Revoke ------------------------------------------------------------------------------------


def test_an_officer_revokes_with_a_reason_and_the_leads_are_told(
    tenant_a, award, officer_a, django_capture_on_commit_callbacks
):
    with tenant_context(tenant_a):
        generation = public_cache.generation()
        with django_capture_on_commit_callbacks(execute=True):
            services.revoke_award(award, acting_user=officer_a, reason="  Evidence was copied  ")
        award.refresh_from_db()
        assert award.status == AwardStatus.REVOKED
        assert award.revoked_by == officer_a
        assert award.revocation_reason == "Evidence was copied"
        assert public_cache.generation() == generation + 1
        (event,) = events(AccreditationEvent.AWARD_REVOKED)
        assert event.actor == officer_a
        assert event.new_value == {"status": "revoked", "reason": "Evidence was copied"}
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("Oakfield Primary School no longer has Charter Status", ["head@oakfield.test"])
    ]
    assert "Evidence was copied" in mail.outbox[0].body


def test_revoking_needs_an_officer_a_reason_and_a_current_award(tenant_a, award, officer_a, lead_a):
    with tenant_context(tenant_a):
        with pytest.raises(PermissionDenied):
            services.revoke_award(award, acting_user=lead_a, reason="No")
        with pytest.raises(AccreditationError, match="Give the reason"):
            services.revoke_award(award, acting_user=officer_a, reason="  ")
        services.revoke_award(award, acting_user=officer_a, reason="Copied")
        with pytest.raises(AccreditationError, match="already been revoked"):
            services.revoke_award(award, acting_user=officer_a, reason="Again")
        with pytest.raises(AccreditationError, match="already been revoked"):
            services.reissue_award(award, acting_user=officer_a, reason="Typo")
        assert len(events(AccreditationEvent.AWARD_REVOKED)) == 1


# --- Re-issue ----------------------------------------------------------------------------------


def test_reissue_makes_a_new_award_in_place_of_the_old(tenant_a, award, officer_a):
    with tenant_context(tenant_a):
        new = services.reissue_award(award, acting_user=officer_a, reason="Name misspelt")
        award.refresh_from_db()
        assert award.status == AwardStatus.SUPERSEDED
        assert new.replaces == award
        assert award.replaced_by == new
        assert new.certificate_number == f"ALPHA-{timezone.localdate().year}-0001"
        assert new.certificate_number != award.certificate_number
        assert new.verification_code != award.verification_code
        assert (new.application_id, new.organisation_id, new.level_id) == (
            award.application_id,
            award.organisation_id,
            award.level_id,
        )
        assert (new.awarded_at, new.expires_on, new.released_at) == (
            award.awarded_at,
            award.expires_on,
            award.released_at,
        )
        assert new.status == AwardStatus.VALID
        assert new.reissue_reason == "Name misspelt"
        (event,) = events(AccreditationEvent.AWARD_REISSUED)
        assert event.old_value == {"certificate_number": award.certificate_number}
        with pytest.raises(AccreditationError, match="replaced by a re-issued one"):
            services.reissue_award(award, acting_user=officer_a, reason="Again")
        with pytest.raises(AccreditationError, match="replaced by a re-issued one"):
            services.revoke_award(award, acting_user=officer_a, reason="Old one")
        # The new one can be corrected again.
        newest = services.reissue_award(new, acting_user=officer_a, reason="Level wrong")
        assert newest.replaces == new


def test_reissue_needs_an_officer_and_a_reason(tenant_a, award, lead_a, officer_a):
    with tenant_context(tenant_a):
        with pytest.raises(PermissionDenied):
            services.reissue_award(award, acting_user=lead_a, reason="Mine")
        with pytest.raises(AccreditationError, match="Say what was corrected"):
            services.reissue_award(award, acting_user=officer_a, reason="")
        assert Award.objects.count() == 1


# --- Expiry reminders --------------------------------------------------------------------------


def test_expiry_reminders_go_90_30_and_7_days_before_once_each(
    tenant_a, award, django_capture_on_commit_callbacks
):
    expires = award.expires_on
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        for days, reminded in [(91, 0), (90, 1), (90, 0), (30, 1), (29, 0), (7, 1), (7, 0)]:
            assert services.send_expiry_reminders(today=expires - timedelta(days=days)) == reminded
        assert services.send_expiry_reminders(today=expires + timedelta(days=1)) == 0
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("Your Charter Status ends in 90 days", ["head@oakfield.test"]),
        ("Your Charter Status ends in 30 days", ["head@oakfield.test"]),
        ("Your Charter Status ends in 7 days", ["head@oakfield.test"]),
    ]


def test_a_day_beat_missed_is_made_up_once_with_the_days_really_left(
    tenant_a, award, django_capture_on_commit_callbacks
):
    expires = award.expires_on
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        assert services.send_expiry_reminders(today=expires - timedelta(days=85)) == 1
        assert services.send_expiry_reminders(today=expires - timedelta(days=84)) == 0
        assert services.send_expiry_reminders(today=expires - timedelta(days=3)) == 1
        assert services.send_expiry_reminders(today=expires) == 0
    assert [m.subject for m in mail.outbox] == [
        "Your Charter Status ends in 85 days",
        "Your Charter Status ends in 3 days",
    ]


def test_no_reminders_for_revoked_replaced_or_embargoed_awards(
    tenant_a, award, officer_a, django_capture_on_commit_callbacks
):
    expires = award.expires_on
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        services.reissue_award(award, acting_user=officer_a, reason="Typo")
        current = Award.objects.get(superseded_at__isnull=True)
        Award.objects.filter(pk=current.pk).update(released_at=None)
        assert services.send_expiry_reminders(today=expires - timedelta(days=7)) == 0
        Award.objects.filter(pk=current.pk).update(
            released_at=timezone.now(), revoked_at=timezone.now()
        )
        assert services.send_expiry_reminders(today=expires - timedelta(days=7)) == 0
    assert mail.outbox == []


# --- Renewal -----------------------------------------------------------------------------------


def test_renewal_starts_from_the_last_application(
    tenant_a, award, application, criteria_a, lead_a, officer_a
):
    with tenant_context(tenant_a):
        SelfAssessmentFactory(application=application, rung="co_production", reason="Equal")
        account = EvidenceFactory(application=application, criteria=criteria_a[:2])
        upload = EvidenceFactory(application=application, upload=True, criteria=[criteria_a[0]])
        Award.objects.filter(pk=award.pk).update(
            expires_on=timezone.localdate() + timedelta(days=60)
        )
        award.refresh_from_db()
        next_round = RoundFactory(name="Co-production Week 2028")

        renewal = services.start_renewal(award, acting_user=lead_a, award_round=next_round)

        assert (renewal.status, renewal.round, renewal.level_sought) == (
            "draft",
            next_round,
            award.level,
        )
        (answer,) = SelfAssessment.objects.filter(application=renewal)
        assert (answer.rung, answer.reason) == ("co_production", "Equal")
        copied = list(Evidence.objects.filter(application=renewal).order_by("pk"))
        assert [e.title for e in copied] == [account.title, upload.title]
        assert [sorted(c.pk for c in e.criteria.all()) for e in copied] == [
            [criteria_a[0].pk, criteria_a[1].pk],
            [criteria_a[0].pk],
        ]
        # The stored file is shared, not copied; removing the copy keeps the original's file.
        assert copied[1].file.name == upload.file.name
        services.remove_evidence(copied[1], acting_user=lead_a)
        assert upload.file.storage.exists(upload.file.name)
        upload.file.delete(save=False)


def test_renewal_is_for_the_lead_once_the_award_is_expiring_or_expired(
    tenant_a, award, officer_a, lead_a
):
    with tenant_context(tenant_a):
        with pytest.raises(PermissionDenied):
            services.start_renewal(award, acting_user=officer_a)
        with pytest.raises(AccreditationError, match="less than 90 days left"):
            services.start_renewal(award, acting_user=lead_a)
        Award.objects.filter(pk=award.pk).update(
            expires_on=timezone.localdate() - timedelta(days=1), revoked_at=timezone.now()
        )
        award.refresh_from_db()
        with pytest.raises(AccreditationError, match="less than 90 days left"):
            services.start_renewal(award, acting_user=lead_a)


# --- What officers and holders see -------------------------------------------------------------


def test_officers_revoke_from_the_application_page(tenant_a, award, officer_a, client_a):
    login(client_a, tenant_a, officer_a)
    page = client_a.get(f"/manage/applications/{award.application_id}/").content.decode()
    assert award.certificate_number in page
    assert "Re-issue" in page and "Revoke" in page

    url = f"/manage/applications/{award.application_id}/award/revoke/"
    refused = client_a.post(url, {"revoke-reason": ""})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "There is a problem" in html
    assert "Give the reason for revoking." in html
    assert html.count("<title>Error: ") == 1

    done = client_a.post(url, {"revoke-reason": "Evidence was copied"})
    assert done.status_code == 302
    with tenant_context(tenant_a):
        award.refresh_from_db()
        assert award.revocation_reason == "Evidence was copied"
    page = client_a.get(done["Location"]).content.decode()
    assert "Evidence was copied" in page
    assert "govuk-tag--red" in page and ">Revoked</strong>" in page
    assert 'name="revoke-reason"' not in page  # nothing left to revoke


def test_officers_reissue_and_a_refusal_is_shown(tenant_a, award, officer_a, client_a):
    login(client_a, tenant_a, officer_a)
    url = f"/manage/applications/{award.application_id}/award/reissue/"
    assert client_a.post(url, {"reissue-reason": "Name misspelt"}).status_code == 302
    with tenant_context(tenant_a):
        new = Award.objects.get(replaces=award)
        # Another officer revoked it meanwhile: the form says so instead of failing.
        services.revoke_award(new, acting_user=officer_a, reason="Copied")
    refused = client_a.post(url, {"reissue-reason": "Again"}).content.decode()
    assert "There is a problem" in refused
    assert "This award has already been revoked." in refused
    page = client_a.get(f"/manage/applications/{award.application_id}/").content.decode()
    assert f"Earlier certificate {award.certificate_number}" in page


def test_only_officers_revoke_or_reissue(tenant_a, award, lead_a, client_a):
    login(client_a, tenant_a, lead_a)
    for action in ("revoke", "reissue"):
        url = f"/manage/applications/{award.application_id}/award/{action}/"
        assert client_a.post(url, {f"{action}-reason": "Mine"}).status_code == 403
    with tenant_context(tenant_a):
        assert Award.objects.get().status == AwardStatus.VALID


def test_holders_see_their_award_and_the_code_for_their_website(tenant_a, award, lead_a, client_a):
    login(client_a, tenant_a, lead_a)
    html = client_a.get("/org/oakfield-primary-school/applications/").content.decode()
    assert award.certificate_number in html
    assert 'id="awards"' in html
    assert ">Valid</strong>" in html and "govuk-tag--green" in html
    assert (
        "&lt;a href=&quot;http://alpha.localhost/register/oakfield-primary-school/&quot;&gt;"
        "&lt;img src=&quot;http://alpha.localhost/badge/oakfield-primary-school.svg&quot; "
        "alt=&quot;Oakfield Primary School holds Charter Status from Alpha City Council&quot;"
    ) in html
    assert "Renew Charter Status" not in html  # three years left


def test_no_website_code_once_revoked_and_embargoed_says_when(
    tenant_a, embargoed, officer_a, lead_a, client_a
):
    login(client_a, tenant_a, lead_a)
    html = client_a.get("/org/oakfield-primary-school/applications/").content.decode()
    assert ">Not yet public</strong>" in html
    assert "It becomes public at the ceremony" in html
    assert "Code for your website" not in html
    with tenant_context(tenant_a):
        services.revoke_award(embargoed, acting_user=officer_a, reason="Copied")
    html = client_a.get("/org/oakfield-primary-school/applications/").content.decode()
    assert ">Revoked</strong>" in html and "Copied" in html
    assert "Code for your website" not in html


def test_the_lead_renews_from_the_page_once_the_award_is_expiring(
    tenant_a, award, lead_a, client_a
):
    login(client_a, tenant_a, lead_a)
    url = "/org/oakfield-primary-school/applications/renew/"
    assert client_a.post(url).status_code == 404  # nothing to renew yet
    with tenant_context(tenant_a):
        Award.objects.filter(pk=award.pk).update(
            expires_on=timezone.localdate() + timedelta(days=20)
        )
    # The only open round is the one Oakfield was awarded in: the page says so.
    refused = client_a.post(url, follow=True).content.decode()
    assert "No round is open for a new application at the moment." in refused
    with tenant_context(tenant_a):
        RoundFactory(name="Co-production Week 2028")
    html = client_a.get("/org/oakfield-primary-school/applications/").content.decode()
    assert "Your Charter Status ends soon." in html
    response = client_a.post(url)
    assert response.status_code == 302
    with tenant_context(tenant_a):
        renewal = award.organisation.applications.get(round__name="Co-production Week 2028")
    assert response["Location"] == (f"/org/oakfield-primary-school/applications/{renewal.pk}/")


def test_an_officer_of_another_council_cannot_reach_an_award(
    tenant_a, tenant_b, award, officer_b, client_b
):
    """Beta's officer, on Beta's site, asks for Alpha's application id: not found there."""
    login(client_b, tenant_b, officer_b)
    url = f"/manage/applications/{award.application_id}/award/revoke/"
    assert client_b.post(url, {"revoke-reason": "x"}).status_code == 404
    with tenant_context(tenant_a):
        assert Award.objects.get().revoked_at is None
