"""Concerns raised from the verification page: saved, officers emailed one each, bots and floods
turned away; officers close them or start an early reassessment, once."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.utils.html import escape
from django_tenants.utils import tenant_context

from accreditation import services
from accreditation.enums import AccreditationEvent, ConcernStatus
from accreditation.models import Concern
from platform_.audit.services import events_for
from platform_.outbox.models import OutboxEmail
from tests.fixtures.awards import make_award
from tests.helpers import login, make_user

CONCERN = {"details": "They did not ask any parents.", "contact_email": "sam@example.com"}


def concern_url(award, suffix=""):
    return f"/verify/{award.verification_code}/concern/{suffix}"


@pytest.fixture
def concern(tenant_a, award_a, officer_a) -> Concern:
    with tenant_context(tenant_a):
        return services.raise_concern(award_a, details="They did not ask any parents.")


def test_a_concern_is_saved_and_the_person_is_told_what_happens_next(
    client_a, tenant_a, award_a, officer_a
):
    second_officer = make_user(tenant_a, "second.officer@alpha.test", is_council_officer=True)
    response = client_a.post(concern_url(award_a), CONCERN)
    assert response.status_code == 302
    assert response["Location"] == concern_url(award_a, "sent/")
    page = client_a.get(response["Location"]).content.decode()
    assert "Thank you. We have your concern" in page
    assert "What happens next" in page
    with tenant_context(tenant_a):
        concern = Concern.objects.get()
        assert (concern.award, concern.details, concern.contact_email, concern.status) == (
            award_a,
            "They did not ask any parents.",
            "sam@example.com",
            ConcernStatus.OPEN,
        )
        emails = list(OutboxEmail.objects.order_by("recipient"))
        assert [e.recipient for e in emails] == [officer_a.email, second_officer.email]
        link = tenant_a.build_url(f"/manage/concerns/{concern.pk}/")
        for email in emails:
            assert email.subject == "A concern about Oakfield Primary School's Charter Status"
            assert link in email.body
            assert "They did not ask any parents." in email.body
        assert [e.key for e in events_for(concern)] == [AccreditationEvent.CONCERN_RAISED]


def test_a_concern_needs_words_and_a_real_email_address(client_a, tenant_a, award_a):
    response = client_a.post(concern_url(award_a), {"details": "", "contact_email": "nope"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Tell us what your concern is" in page
    assert "Enter an email address like name@example.com" in page
    with tenant_context(tenant_a):
        assert not Concern.objects.exists()


def test_a_filled_honeypot_gets_the_confirmation_and_nothing_is_saved(
    client_a, tenant_a, award_a, officer_a
):
    response = client_a.post(concern_url(award_a), {**CONCERN, "website": "http://spam.test"})
    assert response.status_code == 302
    assert response["Location"] == concern_url(award_a, "sent/")
    with tenant_context(tenant_a):
        assert not Concern.objects.exists()
        assert not OutboxEmail.objects.exists()


@override_settings(RATE_LIMITS={"accreditation.raise_concern": "2/h/ip"})
def test_too_many_concerns_from_one_client_are_refused(client_a, tenant_a, award_a):
    for _ in range(2):
        assert client_a.post(concern_url(award_a), CONCERN).status_code == 302
    response = client_a.post(concern_url(award_a), CONCERN)
    assert response.status_code == 429
    assert "You have raised too many concerns." in response.content.decode()
    with tenant_context(tenant_a):
        assert Concern.objects.count() == 2


def test_no_concern_about_an_embargoed_or_other_councils_award(
    client_a, client_b, tenant_a, award_a, published_a
):
    embargoed = make_award(tenant_a, released_at=None)
    assert client_a.get(concern_url(embargoed)).status_code == 404
    assert client_a.post(concern_url(embargoed), CONCERN).status_code == 404
    assert client_b.post(concern_url(award_a), CONCERN).status_code == 404
    with tenant_context(tenant_a):
        assert not Concern.objects.exists()


def test_an_officer_closes_a_concern_with_a_note_once(tenant_a, concern, officer_a):
    with tenant_context(tenant_a):
        services.close_concern(concern, acting_user=officer_a, note="Checked: parents were asked.")
        concern.refresh_from_db()
        assert (concern.status, concern.note, concern.decided_by) == (
            ConcernStatus.CLOSED,
            "Checked: parents were asked.",
            officer_a,
        )
        closed = events_for(concern).get(key=AccreditationEvent.CONCERN_CLOSED)
        assert (closed.actor, closed.old_value, closed.new_value) == (officer_a, "open", "closed")
        with pytest.raises(services.AccreditationError, match="already dealt with"):
            services.close_concern(concern, acting_user=officer_a, note="Again")
        with pytest.raises(services.AccreditationError, match="already dealt with"):
            services.start_early_reassessment(concern, acting_user=officer_a)


def test_an_early_reassessment_is_recorded_and_the_leads_are_told(
    tenant_a, concern, officer_a, lead_a
):
    with tenant_context(tenant_a):
        OutboxEmail.objects.all().delete()  # the officers' emails about the concern
        services.start_early_reassessment(concern, acting_user=officer_a, note="Worth a look")
        concern.refresh_from_db()
        assert concern.status == ConcernStatus.REASSESSMENT
        assert events_for(concern).filter(key=AccreditationEvent.CONCERN_REASSESSMENT).count() == 1
        (email,) = OutboxEmail.objects.all()
        assert email.recipient == lead_a.email
        assert email.subject == "We will look at your Charter Status again"
        assert "Oakfield Primary School" in email.body
        with pytest.raises(services.AccreditationError):
            services.close_concern(concern, acting_user=officer_a, note="Too late")


def test_only_officers_may_decide_concerns(tenant_a, concern, lead_a):
    with tenant_context(tenant_a):
        with pytest.raises(PermissionDenied):
            services.close_concern(concern, acting_user=lead_a, note="Not mine to close")
        with pytest.raises(PermissionDenied):
            services.start_early_reassessment(concern, acting_user=lead_a)
        concern.refresh_from_db()
        assert concern.status == ConcernStatus.OPEN


def test_officers_see_open_concerns_and_decide_them_on_their_pages(
    client_a, tenant_a, concern, officer_a
):
    login(client_a, tenant_a, officer_a)
    listing = client_a.get("/manage/concerns/").content.decode()
    assert f'href="/manage/concerns/{concern.pk}/"' in listing
    page = client_a.get(f"/manage/concerns/{concern.pk}/").content.decode()
    assert "They did not ask any parents." in page
    missing_note = client_a.post(f"/manage/concerns/{concern.pk}/close/", {"close-note": ""})
    assert "Write a note saying why you are closing this concern" in missing_note.content.decode()
    done = client_a.post(
        f"/manage/concerns/{concern.pk}/close/", {"close-note": "Checked"}, follow=True
    )
    assert "The concern is closed." in done.content.decode()
    closed = client_a.get(f"/manage/concerns/{concern.pk}/").content.decode()
    assert f"<li>Concern closed by {escape(officer_a.get_full_name())} on " in closed
    assert "accreditation.concern" not in closed
    assert (
        f'href="/manage/concerns/{concern.pk}/"'
        not in client_a.get("/manage/concerns/").content.decode()
    )
    again = client_a.post(
        f"/manage/concerns/{concern.pk}/reassess/", {"reassess-note": ""}, follow=True
    )
    assert "This concern was already dealt with (closed)." in again.content.decode()
    with tenant_context(tenant_a):
        concern.refresh_from_db()
        assert concern.status == ConcernStatus.CLOSED


def test_the_concern_pages_are_for_officers_only(
    client_a, client_b, tenant_a, tenant_b, concern, lead_a, officer_b
):
    paths = [
        "/manage/concerns/",
        f"/manage/concerns/{concern.pk}/",
    ]
    for path in paths:
        response = client_a.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    login(client_a, tenant_a, lead_a)
    for path in paths:
        assert client_a.get(path).status_code == 403
    for action in ("close", "reassess"):
        path = f"/manage/concerns/{concern.pk}/{action}/"
        assert client_a.post(path, {f"{action}-note": "x"}).status_code == 403
    with tenant_context(tenant_a):
        concern.refresh_from_db()
        assert concern.status == ConcernStatus.OPEN
    # Beta's officer, on Beta's host, does not find Alpha's concern.
    login(client_b, tenant_b, officer_b)
    assert client_b.get(f"/manage/concerns/{concern.pk}/").status_code == 404
