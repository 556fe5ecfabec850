"""Side effects after commit, in the schema they were queued in (DESIGN §7).

Every task, cache bump and file delete that follows a change goes through ``after_commit``: it
runs only once the change is committed (a reader can never re-cache data that is about to be
rolled back, a file is never deleted for a row that survives) and in the schema that was current
when it was queued, whatever schema the connection has moved to since.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable

import redis.exceptions
from django.db import connection, transaction
from django_tenants.utils import get_public_schema_name, tenant_context
from kombu.exceptions import OperationalError

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


# What an unreachable broker raises on publish: kombu wraps connection errors in
# OperationalError once its retries are spent; the rest may escape it from the transport.
PUBLISH_ERRORS = (
    OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    OSError,
)

# Tasks that could not be queued, by task name, since the process started (read in tests and
# from a shell; the log says which task, for which schema).
publish_failures: Counter[str] = Counter()


def enqueue_on_commit(task, *args) -> None:
    """Queue a Celery ``task`` after commit, for the schema that is current now.

    tenant-schemas-celery reads the schema when a task is published; the schema is also passed
    as a header explicitly, so the task runs where it was queued even if the publishing code
    were ever to run elsewhere. If the broker cannot be reached the failure is logged and
    counted, never raised: the change is already committed.
    """
    schema_name = connection.schema_name

    def publish() -> None:
        try:
            task.apply_async(args=args, headers={"_schema_name": schema_name})
        except PUBLISH_ERRORS as error:
            if task.app.conf.task_always_eager:
                raise  # the task ran inline (tests): the error is its own, not the broker's
            # The change is committed; failing the request now would tell the person it was not.
            # Work that must not be lost is in the database and swept up again (outbox rows).
            publish_failures[task.name] += 1
            logger.error(
                "Could not queue %s for schema %s (%s: %s); the broker is unreachable",
                task.name,
                schema_name,
                type(error).__name__,
                error,
            )

    after_commit(publish)


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
