"""Queueing Celery tasks safely from services."""

from django.db import connection, transaction


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
