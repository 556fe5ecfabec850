"""The outbox's tasks. They import their service inside the body: services import tasks at module
level to queue them, so the other direction would be a cycle."""

from celery import shared_task

from platform_.background import in_schema
from platform_.tasks import DatabaseRetryTask


@shared_task(
    base=DatabaseRetryTask,
    name="outbox.send_email",
    bind=True,
    max_retries=6,
)
def send_email(self, email_id: int, schema_name: str) -> bool:
    from platform_.outbox import services  # noqa: PLC0415 -- leaf: services import tasks

    if not in_schema(self.name, schema_name):
        return False
    try:
        return services.deliver_email(email_id)
    except services.DeliveryFailed as error:
        # Back off: 1, 2, 4 ... minutes, at most an hour; the sweep takes over after that.
        raise self.retry(exc=error, countdown=min(3600, 60 * 2**self.request.retries)) from error


@shared_task(base=DatabaseRetryTask, name="outbox.sweep_unsent")
def sweep_unsent() -> int:
    from platform_.outbox import services  # noqa: PLC0415 -- leaf: services import tasks

    return services.sweep_unsent()
