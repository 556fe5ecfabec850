"""Queueing Celery tasks safely from services."""

import logging

from django.db import connection, transaction
from django_tenants.utils import get_public_schema_name

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args) -> None:
    """Queue ``task`` once the current transaction commits, in the schema that is current *now*.

    tenant-schemas-celery reads the schema when a task is published; an on_commit callback may
    run after the connection has moved back to public (for example at the end of a
    ``tenant_context`` block), so the schema is captured here and passed explicitly.
    """
    schema_name = connection.schema_name
    transaction.on_commit(
        lambda: task.apply_async(args=args, headers={"_schema_name": schema_name})
    )


def in_tenant_schema(task_name: str) -> bool:
    """Whether a tenant task may run: never in public, where it would read the platform's rows.

    tenant-schemas-celery leaves the connection on public when the task's tenant no longer
    exists (deleted since the task was queued); such a task must do nothing.
    """
    if connection.schema_name == get_public_schema_name():
        logger.warning("%s skipped: it was queued for a tenant that no longer exists", task_name)
        return False
    return True
