"""Recording an email the workflow owes, and queueing it once the change commits."""

from __future__ import annotations

from accreditation.models import Application, Assignment, Notification
from platform_.background import enqueue_on_commit


def notify(
    kind: str,
    application: Application,
    *,
    assignment: Assignment | None = None,
    days_before: int | None = None,
) -> Notification:
    """Side effects: a Notification row (in the caller's transaction); its task on commit."""
    from accreditation.tasks import send_notification

    notification = Notification.objects.create(
        kind=kind, application=application, assignment=assignment, days_before=days_before
    )
    enqueue_on_commit(send_notification, notification.pk)
    return notification
