"""The base of every CoCharter task: a lost database is retried with backoff, not lost.

PostgreSQL restarts (a deploy of the managed database, a failover) close every connection. A task
that meets this retries a few seconds later, with exponential backoff and jitter, instead of
failing and waiting up to one sweep interval for beat to send it again.

It also covers the start of a task, which Celery does not: tenant-schemas-celery looks the
task's tenant up in a ``task_prerun`` receiver, and Celery only logs an exception raised by a
receiver. With the database down at that moment the task would run on in the public schema and
skip itself as if its tenant had been deleted. Here the lookup is tried again where a failure can
still retry the task.
"""

from __future__ import annotations

from celery.utils.time import get_exponential_backoff_interval
from django.core.exceptions import ObjectDoesNotExist
from django.db import InterfaceError, OperationalError, connection
from django_tenants.utils import get_public_schema_name
from tenant_schemas_celery.app import get_schema_name_from_task, switch_schema
from tenant_schemas_celery.task import TenantTask

# What a lost or restarting database raises through Django (psycopg's errors arrive wrapped).
DATABASE_ERRORS = (OperationalError, InterfaceError)


class DatabaseRetryTask(TenantTask):
    """Pass as ``base=`` to ``shared_task``; the task options below may be overridden there."""

    abstract = True
    autoretry_for = DATABASE_ERRORS
    # Waits of up to 2, 4, 8 ... seconds (full jitter, so a restart does not bring every retry
    # back at the same instant), at most 5 minutes: ten retries span about 20 minutes, longer
    # than a managed database's failover.
    retry_backoff = 2
    retry_backoff_max = 300
    retry_jitter = True
    max_retries = 10

    def __call__(self, *args, **kwargs):
        wanted = get_schema_name_from_task(self, kwargs) or get_public_schema_name()
        if connection.schema_name != wanted:
            # The prerun lookup failed. A tenant that has gone raises DoesNotExist here too, and
            # the task runs on in public and skips itself, as before; only a database error
            # retries.
            try:
                switch_schema(self, kwargs)
            except DATABASE_ERRORS as error:
                raise self.retry(exc=error, countdown=self.backoff()) from error
            except ObjectDoesNotExist:
                pass
        return super().__call__(*args, **kwargs)

    def backoff(self) -> int:
        return get_exponential_backoff_interval(
            factor=int(self.retry_backoff),
            retries=self.request.retries,
            maximum=self.retry_backoff_max,
            full_jitter=self.retry_jitter,
        )
