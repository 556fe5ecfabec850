"""tenants' periodic work, run in the public schema. Tasks call one service, imported inside the
task (services sit above the task modules they may queue)."""

from celery import shared_task

from platform_.background import in_schema
from platform_.tasks import DatabaseRetryTask


@shared_task(base=DatabaseRetryTask, name="tenants.drop_closed_tenants")
def drop_closed_tenants() -> list[str]:
    """Run daily by beat in public: closed councils past retention lose their schema and files."""
    from tenants import services  # noqa: PLC0415 -- leaf: kept like every other task module

    if not in_schema("tenants.drop_closed_tenants", "public"):
        return []
    return services.drop_closed_tenants()
