"""Billing's tasks, all in the public schema (billing's rows live there). Each imports its service
inside its body: services import tasks at module level to queue them."""

from celery import shared_task
from django_tenants.utils import get_public_schema_name

from platform_.background import in_schema
from platform_.tasks import DatabaseRetryTask


@shared_task(base=DatabaseRetryTask, name="billing.process_event", bind=True, max_retries=8)
def process_event(self, event_id: int) -> bool:
    from platform_.billing.services import events  # noqa: PLC0415 -- leaf: services import tasks

    if not in_schema(self.name, get_public_schema_name()):
        return False
    try:
        return events.process_event(event_id)
    except events.EventFailed as error:
        # Stripe unreachable, a bug: 30 s, 1, 2, 4 ... minutes, at most an hour; the beat's
        # requeue takes over after that.
        raise self.retry(exc=error, countdown=min(3600, 30 * 2**self.request.retries)) from error


@shared_task(base=DatabaseRetryTask, name="billing.provision_signup", bind=True, max_retries=8)
def provision_signup(self, signup_id: int) -> str:
    from platform_.billing.services import provisioning  # noqa: PLC0415 -- leaf

    if not in_schema(self.name, get_public_schema_name()):
        return ""
    return provisioning.provision_signup(signup_id).status


@shared_task(base=DatabaseRetryTask, name="billing.requeue_unprocessed_events")
def requeue_unprocessed_events() -> int:
    from platform_.billing.services import events  # noqa: PLC0415 -- leaf

    return events.requeue_unprocessed_events()


@shared_task(base=DatabaseRetryTask, name="billing.suspend_overdue_tenants")
def suspend_overdue_tenants() -> int:
    from platform_.billing.services import subscriptions  # noqa: PLC0415 -- leaf

    return subscriptions.suspend_overdue_tenants()


@shared_task(base=DatabaseRetryTask, name="billing.close_cancelled_tenants")
def close_cancelled_tenants() -> int:
    from platform_.billing.services import subscriptions  # noqa: PLC0415 -- leaf

    return subscriptions.close_cancelled_tenants()
