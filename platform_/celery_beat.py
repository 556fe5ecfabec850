"""Beat scheduler that sends per-tenant periodic tasks to live tenants (and public when asked).

Beat keeps one database connection for its whole life, and nothing in Celery closes it (the
Django fixup does so around tasks, in the worker only). After a PostgreSQL restart that
connection is dead, and tenant-schemas-celery's ``apply_entry`` queries the tenants outside any
``try``: the exception ended beat at its next tick. So each entry starts with a checked
connection, and a database error is logged and the entry sent again after a short backoff.
"""

from __future__ import annotations

import logging
import time

from django.db import close_old_connections, connection
from django.db.models import Q
from tenant_schemas_celery.scheduler import TenantAwareScheduler

from platform_.tasks import DATABASE_ERRORS
from tenants.models import Tenant

logger = logging.getLogger(__name__)


class TenantBeatScheduler(TenantAwareScheduler):
    # Waits between attempts at one entry while the database is away: 1, 2, 4 ... 30 seconds,
    # for at most 10 minutes; then this run of the entry is skipped (logged as an error) and it
    # comes round again at its next time. Beat blocks meanwhile, which costs nothing: every other
    # entry needs the database too.
    database_retry_first_wait = 1.0
    database_retry_max_wait = 30.0
    database_retry_give_up_after = 600.0

    @classmethod
    def get_queryset(cls):
        # The template schema is not a council: nothing periodic runs in it. Public is kept for
        # entries that name it (tenant_schemas); the scheduler leaves it out of "all tenants".
        return Tenant.objects.filter(
            Q(schema_name="public") | Q(pk__in=Tenant.objects.serving().values("pk"))
        )

    def apply_entry(self, entry, producer=None):
        # The tenants are read in full before anything is sent (the parent lists them, then
        # publishes per schema), so a database error means nothing went out and a retry sends
        # each task once.
        wait = self.database_retry_first_wait
        give_up_at = time.monotonic() + self.database_retry_give_up_after
        while True:
            # Closes a connection that is past CONN_MAX_AGE or has failed, and makes the next
            # query run CONN_HEALTH_CHECKS' check first: a connection the server dropped while
            # beat slept is replaced, not used.
            close_old_connections()
            try:
                return super().apply_entry(entry, producer=producer)
            except DATABASE_ERRORS as error:
                connection.close()
                if time.monotonic() + wait > give_up_at:
                    logger.error(
                        "Beat skipped %s this time: the database has been unavailable for %.0f s"
                        " (%s)",
                        entry.name,
                        self.database_retry_give_up_after,
                        error,
                    )
                    return None
                logger.warning(
                    "Beat could not read the tenants for %s (%s); trying again in %.0f s",
                    entry.name,
                    str(error).strip(),
                    wait,
                )
                time.sleep(wait)
                wait = min(wait * 2, self.database_retry_max_wait)
