"""Emails at each step, queued on commit, sent once; deadline reminders once each."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone
from django_tenants.utils import tenant_context

from accreditation import notifications, services
from accreditation.models import Application, Notification
from accreditation.tasks import send_notification, sweep_unsent_notifications
from tests.accreditation.conftest import complete, judge_all


def sent_to() -> list[tuple[str, list[str]]]:
    return [(m.subject, sorted(m.to)) for m in mail.outbox]


def test_each_step_emails_the_right_people(
    tenant_a,
    officer_a,
    application,
    applicant,
    ready,
    assessors,
    django_capture_on_commit_callbacks,
):
    _, lead = applicant
    assessor = assessors[0]
    complete(tenant_a, application, lead, ready["criteria"])
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

    assert sent_to() == [
        (
            "Application for Charter Status submitted: Oakfield Primary School",
            ["head@oakfield.test", "officer@alpha.test"],
        ),
        ("Please assess Oakfield Primary School's application", ["ann.assessor@alpha.test"]),
        ("More information needed for your application", ["head@oakfield.test"]),
        (
            "Oakfield Primary School has sent more information",
            ["ann.assessor@alpha.test", "officer@alpha.test"],
        ),
        (
            "A decision on Oakfield Primary School's application for Charter Status",
            ["head@oakfield.test"],
        ),
    ]
    assert "Send minutes" in mail.outbox[2].body
    assert "Minutes added" in mail.outbox[3].body
    assert "Parents lead the way." in mail.outbox[4].body
    assert (
        f"http://alpha.localhost/org/oakfield-primary-school/applications/{application.pk}/"
        in mail.outbox[4].body
    )


def test_a_notification_is_sent_once_however_often_its_task_runs(
    tenant_a, application, applicant, ready
):
    _, lead = applicant
    complete(tenant_a, application, lead, ready["criteria"])
    with tenant_context(tenant_a):
        services.submit_application(application, acting_user=lead)  # on_commit never runs here
        notification = Notification.objects.get()
        assert send_notification.apply(args=[notification.pk]).get() is True
        assert send_notification.apply(args=[notification.pk]).get() is False
    assert len(mail.outbox) == 1


def test_the_sweep_resends_notifications_whose_task_was_lost(
    tenant_a, application, applicant, ready
):
    _, lead = applicant
    complete(tenant_a, application, lead, ready["criteria"])
    with tenant_context(tenant_a):
        services.submit_application(application, acting_user=lead)
        assert sweep_unsent_notifications() == 0  # too recent: its own task may still run
        Notification.objects.update(created_at=timezone.now() - timedelta(minutes=10))
        assert sweep_unsent_notifications() == 1
        assert Notification.objects.get().sent_at is not None
    assert len(mail.outbox) == 1


def test_deadline_reminders_go_seven_days_and_one_day_before_once_each(
    tenant_a, application, ready, django_capture_on_commit_callbacks
):
    closes = ready["round"].closes_on
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        assert notifications.queue_deadline_reminders(today=closes - timedelta(days=8)) == 0
        assert notifications.queue_deadline_reminders(today=closes - timedelta(days=7)) == 1
        assert notifications.queue_deadline_reminders(today=closes - timedelta(days=7)) == 0
        assert notifications.queue_deadline_reminders(today=closes - timedelta(days=1)) == 1
        assert notifications.queue_deadline_reminders(today=closes - timedelta(days=1)) == 0
    assert [m.subject for m in mail.outbox] == [
        "Co-production Week 2027 closes in 7 day(s): finish your application",
        "Co-production Week 2027 closes in 1 day(s): finish your application",
    ]
    assert mail.outbox[0].to == ["head@oakfield.test"]


def test_submitted_applications_get_no_reminder(tenant_a, application, applicant, ready):
    _, lead = applicant
    complete(tenant_a, application, lead, ready["criteria"])
    with tenant_context(tenant_a):
        services.submit_application(application, acting_user=lead)
        Notification.objects.all().delete()
        assert (
            notifications.queue_deadline_reminders(
                today=ready["round"].closes_on - timedelta(days=7)
            )
            == 0
        )
        assert Application.objects.get().status == "submitted"
