"""tenants' periodic work, run in the public schema. Tasks call one service, imported inside the
task (services sit above the task modules they may queue)."""

from celery import shared_task
from django.db import connection

from platform_.tasks import DatabaseRetryTask


@shared_task(base=DatabaseRetryTask, name="tenants.drop_closed_tenants")
def drop_closed_tenants() -> list[str]:
    """Run daily by beat in public: closed councils past retention lose their schema and files."""
    from tenants import services  # noqa: PLC0415 -- leaf: kept like every other task module

    # A platform task whatever schema the worker's connection was left on: it reads every
    # council's row and drops schemas, which is done from public.
    connection.set_schema_to_public()
    return services.drop_closed_tenants()


@shared_task(base=DatabaseRetryTask, name="tenants.refill_spare_schemas")
def refill_spare_schemas() -> dict[str, int]:
    """Every minute by beat in public, and after each handout: SPARE_SCHEMAS spares kept ready."""
    from tenants import spares  # noqa: PLC0415 -- leaf: kept like every other task module

    # Spares are made and dropped from public, whatever schema the worker was left on.
    connection.set_schema_to_public()
    return spares.refill_spares()
