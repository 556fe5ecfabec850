"""Whether this deployment clones new councils, said loudly: a log line when web and workers start,
a system check (``tenants.W001``) on ``check --database default`` and every migrate, and two
entries in ``/readyz`` (``cloning: ok|unavailable``, ``template: current|stale``).

Without a suitable pg_dump every new council silently falls back to migrating from zero (6x
slower); nothing fails, so nobody would notice unless it is shown.
"""

from __future__ import annotations

import logging

from django.core import checks
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection

from tenants.schema_cloning import cloning_problem, template_is_current

logger = logging.getLogger(__name__)

CLONING_UNAVAILABLE = (
    "New councils cannot be cloned from the template and will be migrated from zero instead "
    "(about 6x slower): {problem}"
)


def readiness_report() -> dict[str, str]:
    """/readyz entries: shown to operators, never making the process unready."""
    connection.set_schema_to_public()  # the probe is answered before any tenant is chosen
    try:
        template_current = template_is_current()
    except DatabaseError:  # no template schema yet: before the first deploy's migrate
        template_current = False
    return {
        "cloning": "ok" if cloning_problem() is None else "unavailable",
        "template": "current" if template_current else "stale",
    }


def warn_if_cloning_unavailable(**_signal_kwargs) -> str | None:
    """Log an error at start-up when cloning is unavailable; the problem, or None.

    Closes the connection it used: it runs before a server forks or a worker takes tasks.
    """
    try:
        problem = cloning_problem()
    except DatabaseError:
        return None  # the database is not up yet; /readyz says so
    finally:
        connection.close()
    if problem:
        logger.error(CLONING_UNAVAILABLE.format(problem=problem))
    return problem


def check_cloning_available(
    app_configs=None, databases=None, **kwargs
) -> list[checks.CheckMessage]:
    """Check tenants.W001, run when checks may use the database (migrate, check --database)."""
    if not databases or DEFAULT_DB_ALIAS not in databases:
        return []
    problem = cloning_problem()
    if problem is None:
        return []
    return [
        checks.Warning(
            CLONING_UNAVAILABLE.format(problem=problem),
            hint="Install a PostgreSQL client of the server's major version or newer "
            "(infra/Dockerfile, POSTGRES_MAJOR), or set PG_DUMP to such a pg_dump.",
            id="tenants.W001",
        )
    ]
