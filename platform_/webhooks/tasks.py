"""Webhook tasks. Each calls one service, imported inside the task because services import this
module to queue them."""

from celery import shared_task

from platform_.background import in_tenant_schema
from platform_.tasks import DatabaseRetryTask


@shared_task(base=DatabaseRetryTask, name="webhooks.deliver")
def deliver_webhook(delivery_id: int) -> bool:
    """One attempt at one delivery (a no-op if it is not due, done, or being sent elsewhere)."""
    from platform_.webhooks import services  # noqa: PLC0415 -- leaf: services import tasks

    if not in_tenant_schema("webhooks.deliver"):
        return False
    return services.deliver(delivery_id)


@shared_task(base=DatabaseRetryTask, name="webhooks.sweep_due_deliveries")
def sweep_due_deliveries() -> int:
    """Run every minute by beat in every tenant: sends whose task was lost are queued again."""
    from platform_.webhooks import services  # noqa: PLC0415 -- leaf: services import tasks

    if not in_tenant_schema("webhooks.sweep_due_deliveries"):
        return 0
    return services.sweep_due_deliveries()
