"""Side effects after commit, in the schema they were queued in (DESIGN §7).

Every task, cache bump and file delete that follows a change goes through ``after_commit``: it
runs only once the change is committed (a reader can never re-cache data that is about to be
rolled back, a file is never deleted for a row that survives) and in the schema that was current
when it was queued, whatever schema the connection has moved to since.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import connection, transaction
from django_tenants.utils import get_public_schema_name, tenant_context

logger = logging.getLogger(__name__)


def after_commit(func: Callable[..., object], *args, **kwargs) -> None:
    """Run ``func(*args, **kwargs)`` once the current transaction commits, in today's schema.

    Outside a transaction it runs at once (Django's on_commit semantics).
    """
    # The tenant itself, not only its schema name: work after commit may build links from it.
    tenant = connection.tenant

    def run() -> None:
        with tenant_context(tenant):
            func(*args, **kwargs)

    transaction.on_commit(run)


def enqueue_on_commit(task, *args) -> None:
    """Queue a Celery ``task`` after commit, for the schema that is current now.

    tenant-schemas-celery reads the schema when a task is published; the schema is also passed
    as a header explicitly, so the task runs where it was queued even if the publishing code
    were ever to run elsewhere.
    """
    schema_name = connection.schema_name
    after_commit(lambda: task.apply_async(args=args, headers={"_schema_name": schema_name}))


def in_tenant_schema(task_name: str) -> bool:
    """Whether a tenant task may run: never in public, where it would read the platform's rows.

    tenant-schemas-celery leaves the connection on public when the task's tenant no longer
    exists (deleted since the task was queued); such a task must do nothing.
    """
    if connection.schema_name == get_public_schema_name():
        logger.warning("%s skipped: it was queued for a tenant that no longer exists", task_name)
        return False
    return True


def in_schema(task_name: str, schema_name: str) -> bool:
    """Whether a task queued for ``schema_name`` is running there (it may be public on purpose).

    For tasks that can belong to the platform as well as to a tenant: the schema travels as an
    argument, so a task whose tenant has gone (and which tenant-schemas-celery would run in
    public) is recognised and skipped rather than run against the platform's rows.
    """
    if connection.schema_name != schema_name:
        logger.warning(
            "%s skipped: queued for schema %s, which no longer exists", task_name, schema_name
        )
        return False
    return True
