"""Reminders that beat asks for: applications not yet submitted before their round closes."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from accreditation import emails
from accreditation.enums import ApplicationStatus
from accreditation.models import Application

REMINDER_DAYS = (7, 1)


def send_deadline_reminders(today: date | None = None) -> int:
    """Email the leads of unfinished applications in rounds closing 7 days and 1 day from now.

    Side effects: outbox emails, each at most once per application, deadline and day count (so
    the daily task may run twice). Returns the number of applications newly reminded.
    """
    today = today or timezone.localdate()
    reminded = 0
    for days in REMINDER_DAYS:
        closes_on = today + timedelta(days=days)
        unfinished = Application.objects.filter(
            round__closes_on=closes_on, status=ApplicationStatus.DRAFT
        ).select_related("organisation", "round")
        for application in unfinished:
            with transaction.atomic():
                queued = emails.deadline_reminder(
                    application, days_before=days, closes_on=closes_on
                )
            reminded += bool(queued)
    return reminded
