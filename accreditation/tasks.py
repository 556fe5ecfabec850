"""Accreditation emails and reminders. Tasks take ids, re-fetch, and call one function."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from accreditation import notifications
from accreditation.models import Notification
from platform_.background import in_tenant_schema


@shared_task(name="accreditation.send_notification")
def send_notification(notification_id: int) -> bool:
    if not in_tenant_schema("accreditation.send_notification"):
        return False
    return notifications.send_notification(notification_id)


@shared_task(name="accreditation.send_deadline_reminders")
def send_deadline_reminders() -> int:
    """Run daily by beat in every tenant; each reminder goes once."""
    if not in_tenant_schema("accreditation.send_deadline_reminders"):
        return 0
    return notifications.queue_deadline_reminders()


@shared_task(name="accreditation.sweep_unsent_notifications")
def sweep_unsent_notifications() -> int:
    """Queue again notifications whose task was lost (broker down when they were committed)."""
    if not in_tenant_schema("accreditation.sweep_unsent_notifications"):
        return 0
    stale = Notification.objects.filter(
        sent_at__isnull=True, created_at__lt=timezone.now() - timedelta(minutes=5)
    ).values_list("pk", flat=True)
    for notification_id in stale:
        send_notification.delay(notification_id)
    return len(stale)
