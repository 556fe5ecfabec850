"""Emails at each step: one per person, with links that person can open, written to the outbox
and sent after commit; deadline reminders once each."""

from datetime import timedelta

from django.core import mail
from django_tenants.utils import tenant_context

from accreditation import services
from accreditation.models import Application
from accreditation.services import reminders
from charters.models import Membership
from platform_.outbox.models import OutboxEmail
from tests.fixtures.accreditation import complete, judge_all
from tests.helpers import make_user


def sent_to() -> list[tuple[str, list[str]]]:
    return [(m.subject, m.to) for m in mail.outbox]


def body_to(address: str, subject_start: str) -> str:
    (message,) = [
        m for m in mail.outbox if m.to == [address] and m.subject.startswith(subject_start)
    ]
    return message.body


def test_each_step_emails_the_right_people(
    tenant_a,
    officer_a,
    application,
    applicant_a,
    lead_a,
    criteria_a,
    round_a,
    assessor_a,
    django_capture_on_commit_callbacks,
):
    lead = lead_a
    assessor = assessor_a
    complete(tenant_a, application, lead, criteria_a)
    with tenant_context(tenant_a):
        with django_capture_on_commit_callbacks(execute=True):
            services.submit_application(application, acting_user=lead)
        with django_capture_on_commit_callbacks(execute=True):
            assignment = services.assign_assessor(
                application, acting_user=officer_a, assessor=assessor
            )
        services.declare_conflict(assignment, acting_user=assessor, has_conflict=False)
    judge_all(tenant_a, assignment, assessor)
    with tenant_context(tenant_a):
        services.recommend(
            assignment, acting_user=assessor, recommendation="more_info", reason="Thin"
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.decide_application(
                application, acting_user=officer_a, outcome="more_info", reasons="Send minutes"
            )
        with django_capture_on_commit_callbacks(execute=True):
            services.resubmit_application(application, acting_user=lead, response="Minutes added")
        assignment.refresh_from_db()  # reopened for another look
    judge_all(tenant_a, assignment, assessor)
    with tenant_context(tenant_a):
        services.recommend(assignment, acting_user=assessor, recommendation="award", reason="Good")
        with django_capture_on_commit_callbacks(execute=True):
            services.decide_application(
                application, acting_user=officer_a, outcome="award", reasons="Parents lead the way."
            )
        # The award's documents were made after that "commit"; their file outlives the rollback.
        application.awards.get().certificate.delete(save=False)

    # One email per person: nobody sees anyone else's address.
    assert sent_to() == [
        (
            "Application for Charter Status submitted: Oakfield Primary School",
            ["head@oakfield.test"],
        ),
        ("New application for Charter Status: Oakfield Primary School", ["officer@alpha.test"]),
        ("Please assess Oakfield Primary School's application", ["ann.assessor@alpha.test"]),
        (
            "Assessors have started looking at Oakfield Primary School's application",
            ["head@oakfield.test"],
        ),
        ("More information needed for your application", ["head@oakfield.test"]),
        ("Oakfield Primary School has sent more information", ["ann.assessor@alpha.test"]),
        ("Oakfield Primary School has sent more information", ["officer@alpha.test"]),
        (
            "A decision on Oakfield Primary School's application for Charter Status",
            ["head@oakfield.test"],
        ),
    ]
    # Each person gets the link they can open.
    applicant_page = (
        f"http://alpha.localhost/org/oakfield-primary-school/applications/{application.pk}/"
    )
    manage_page = f"http://alpha.localhost/manage/applications/{application.pk}/"
    assessor_page = f"http://alpha.localhost/assess/{assignment.pk}/"
    submitted_lead = body_to("head@oakfield.test", "Application for Charter Status submitted")
    assert applicant_page in submitted_lead
    assert manage_page not in submitted_lead
    submitted_officer = body_to("officer@alpha.test", "New application")
    assert manage_page in submitted_officer
    assert applicant_page not in submitted_officer
    assert assessor_page in body_to("ann.assessor@alpha.test", "Please assess")
    resubmitted_assessor = body_to("ann.assessor@alpha.test", "Oakfield Primary School has sent")
    assert "Minutes added" in resubmitted_assessor
    assert assessor_page in resubmitted_assessor
    assert manage_page in body_to("officer@alpha.test", "Oakfield Primary School has sent")
    assert "Send minutes" in body_to("head@oakfield.test", "More information needed")
    # The "submitted" email's promise ("we will email you when they start") is kept, once: the
    # move back into assessment after more information tells nobody again.
    assert "We will email you when they start" in submitted_lead
    started = body_to("head@oakfield.test", "Assessors have started")
    assert applicant_page in started
    assert "We will also email you when the council has decided." in started
    decided = body_to("head@oakfield.test", "A decision on")
    assert "Parents lead the way." in decided
    assert applicant_page in decided


def test_every_lead_and_officer_gets_an_email_of_their_own(
    tenant_a,
    officer_a,
    application,
    applicant_a,
    lead_a,
    criteria_a,
    round_a,
    django_capture_on_commit_callbacks,
):
    organisation, lead = applicant_a, lead_a
    second_officer = make_user(tenant_a, "second.officer@alpha.test", is_council_officer=True)
    make_user(tenant_a, "gone.officer@alpha.test", is_council_officer=True, is_active=False)
    co_lead = make_user(tenant_a, "co.lead@oakfield.test")
    with tenant_context(tenant_a):
        Membership.objects.create(
            organisation=organisation, user=co_lead, role="lead", status="active"
        )
    complete(tenant_a, application, lead, criteria_a)
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        services.submit_application(application, acting_user=lead)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [
            "head@oakfield.test",
            "co.lead@oakfield.test",
            officer_a.email,
            second_officer.email,
        ]
    )
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)


def test_workflow_emails_wait_in_the_outbox_until_the_change_commits(
    tenant_a, application, applicant_a, lead_a, criteria_a
):
    lead = lead_a
    complete(tenant_a, application, lead, criteria_a)
    with tenant_context(tenant_a):
        services.submit_application(application, acting_user=lead)  # on_commit never runs here
        owed = list(OutboxEmail.objects.values_list("recipient", "sent_at"))
    assert sorted(owed) == [("head@oakfield.test", None), ("officer@alpha.test", None)]
    assert mail.outbox == []


def test_deadline_reminders_go_seven_days_and_one_day_before_once_each(
    tenant_a, application, criteria_a, round_a, django_capture_on_commit_callbacks
):
    closes = round_a.closes_on
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_deadline_reminders(today=closes - timedelta(days=8)) == 0
        assert reminders.send_deadline_reminders(today=closes - timedelta(days=7)) == 1
        assert reminders.send_deadline_reminders(today=closes - timedelta(days=7)) == 0
        assert reminders.send_deadline_reminders(today=closes - timedelta(days=1)) == 1
        assert reminders.send_deadline_reminders(today=closes - timedelta(days=1)) == 0
    assert [m.subject for m in mail.outbox] == [
        "Co-production Week 2027 closes in 7 days: finish your application",
        "Co-production Week 2027 closes in 1 day: finish your application",
    ]
    assert mail.outbox[0].to == ["head@oakfield.test"]


def test_a_day_beat_missed_is_made_up_without_repeating_a_reminder(
    tenant_a, application, round_a, django_capture_on_commit_callbacks
):
    """Beat was down on the 7th and the 1st day before: the reminders still go, once each,
    saying how long is really left."""
    closes = round_a.closes_on
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_deadline_reminders(today=closes - timedelta(days=5)) == 1
        assert reminders.send_deadline_reminders(today=closes - timedelta(days=4)) == 0
        assert reminders.send_deadline_reminders(today=closes) == 1
        assert reminders.send_deadline_reminders(today=closes + timedelta(days=1)) == 0
    assert [m.subject for m in mail.outbox] == [
        "Co-production Week 2027 closes in 5 days: finish your application",
        "Co-production Week 2027 closes today: finish your application",
    ]


def test_submitted_applications_get_no_reminder(
    tenant_a, application, applicant_a, lead_a, criteria_a, round_a
):
    lead = lead_a
    complete(tenant_a, application, lead, criteria_a)
    with tenant_context(tenant_a):
        services.submit_application(application, acting_user=lead)
        OutboxEmail.objects.all().delete()
        assert reminders.send_deadline_reminders(today=round_a.closes_on - timedelta(days=7)) == 0
        assert Application.objects.get().status == "submitted"
