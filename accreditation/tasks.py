"""Accreditation's periodic work. Tasks call one service, imported inside the task because
services import task modules to queue them."""

from celery import shared_task

from platform_.background import in_tenant_schema
from platform_.tasks import DatabaseRetryTask


@shared_task(base=DatabaseRetryTask, name="accreditation.send_deadline_reminders")
def send_deadline_reminders() -> int:
    """Run daily by beat in every tenant; each reminder goes once."""
    from accreditation.services import reminders  # noqa: PLC0415 -- leaf: services import tasks

    if not in_tenant_schema("accreditation.send_deadline_reminders"):
        return 0
    return reminders.send_deadline_reminders()
