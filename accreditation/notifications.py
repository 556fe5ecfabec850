"""Sending the emails the workflow owes (Notification rows). Each is sent at most once."""

from __future__ import annotations

from datetime import timedelta

from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accreditation.enums import ApplicationStatus
from accreditation.models import Application, Notification
from charters.enums import MembershipRole, MembershipStatus
from platform_.accounts.adapter import tenant_from_email
from platform_.accounts.models import User

REMINDER_DAYS = (7, 1)

SUBJECTS = {
    Notification.Kind.SUBMITTED: "Application for Charter Status submitted: {organisation}",
    Notification.Kind.RESUBMITTED: "{organisation} has sent more information",
    Notification.Kind.ASSIGNED: "Please assess {organisation}'s application",
    Notification.Kind.MORE_INFO_REQUESTED: "More information needed for your application",
    Notification.Kind.DECIDED: "A decision on {organisation}'s application for Charter Status",
    Notification.Kind.DEADLINE_REMINDER: "{round} closes in {days} day(s): finish your application",
}


def _leads(application: Application) -> list[str]:
    return list(
        application.organisation.memberships.filter(
            role=MembershipRole.LEAD, status=MembershipStatus.ACTIVE
        ).values_list("user__email", flat=True)
    )


def _officers() -> list[str]:
    return list(
        User.objects.filter(is_council_officer=True, is_active=True).values_list("email", flat=True)
    )


def _recipients(notification: Notification) -> list[str]:
    application = notification.application
    kind = notification.kind
    if kind == Notification.Kind.ASSIGNED:
        return [notification.assignment.assessor.email]
    if kind == Notification.Kind.SUBMITTED:
        return _leads(application) + _officers()
    if kind == Notification.Kind.RESUBMITTED:
        assessors = application.assignments.filter(has_conflict=False).values_list(
            "assessor__email", flat=True
        )
        return list(assessors) + _officers()
    return _leads(application)


def send_notification(notification_id: int) -> bool:
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related(
                "application__organisation", "application__round", "assignment__assessor"
            )
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.sent_at is not None:
            return False
        application = notification.application
        tenant = connection.tenant
        context = {
            "notification": notification,
            "application": application,
            "tenant": tenant,
            "decision": application.decisions.first(),
            "info_request": application.info_requests.first(),
            "application_url": tenant.build_url(
                reverse(
                    "accreditation:application.detail",
                    args=[application.organisation.slug, application.pk],
                )
            ),
            "manage_url": tenant.build_url(
                reverse("accreditation:manage.application", args=[application.pk])
            ),
            "assess_url": tenant.build_url(reverse("accreditation:assess.queue")),
        }
        subject = SUBJECTS[notification.kind].format(
            organisation=application.organisation.name,
            round=application.round.name,
            days=notification.days_before,
        )
        body = render_to_string(f"accreditation/email/{notification.kind}.txt", context)
        recipients = sorted(set(_recipients(notification)))
        if recipients:
            send_mail(subject, body, tenant_from_email(), recipients)
        notification.sent_at = timezone.now()
        notification.save(update_fields=["sent_at"])
    return True


def queue_deadline_reminders(today=None) -> int:
    """Reminders for unfinished applications in rounds closing 7 days and 1 day from now."""
    from accreditation.services.notify import notify

    today = today or timezone.localdate()
    queued = 0
    for days in REMINDER_DAYS:
        unfinished = Application.objects.filter(
            round__closes_on=today + timedelta(days=days), status=ApplicationStatus.DRAFT
        )
        for application in unfinished:
            try:
                with transaction.atomic():
                    notify(Notification.Kind.DEADLINE_REMINDER, application, days_before=days)
            except IntegrityError:  # already reminded for this deadline
                continue
            queued += 1
    return queued
