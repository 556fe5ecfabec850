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
    """Email the leads of unfinished applications whose round closes within 7 days, and again
    within 1 day.

    Each reminder (the 7-day one, the 1-day one) goes at most once per application and deadline
    (so the daily task may run twice), and a day beat missed is made up the next day: a round
    closing in 5 days whose 7-day reminder never went gets it now, saying 5 days. Side effects:
    outbox emails. Returns the number of applications newly reminded.
    """
    today = today or timezone.localdate()
    unfinished = Application.objects.filter(
        round__closes_on__gte=today,
        round__closes_on__lte=today + timedelta(days=max(REMINDER_DAYS)),
        status=ApplicationStatus.DRAFT,
    ).select_related("organisation", "round")
    reminded = 0
    for application in unfinished:
        closes_on = application.round.closes_on
        days_left = (closes_on - today).days
        # The nearest reminder that is due: at 1 day left the 7-day one is no longer news.
        threshold = min(days for days in REMINDER_DAYS if days_left <= days)
        with transaction.atomic():
            queued = emails.deadline_reminder(
                application, threshold=threshold, days_left=days_left, closes_on=closes_on
            )
        reminded += bool(queued)
    return reminded
