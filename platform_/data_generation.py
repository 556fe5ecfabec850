"""Each council's data generation: a number in Redis that changes after every committed write to
the council's schema, by any code, in any process. What is built from a council's data (a signed-in
page, a signed-in person's row) can then be kept under the number read *before* it was built, and
is never served once the number has moved on: nothing has to find and delete it.

Why every write and not chosen events (as charters/public_cache.py does for public pages): a
signed-in page shows a person's roles, memberships, applications, assignments and conflicts, and
any service, task, admin action or data fix may change one of them. A list of events would be
right until the day someone forgot to add one; a council's auditor would then find an officer
acting on a page that no longer told the truth. So the connection itself reports writes: an
execute wrapper on every database connection of every process (web, worker, beat, commands),
installed when the connection is made, sees each INSERT, UPDATE, DELETE, TRUNCATE, COPY, MERGE
or DDL statement Django sends, ORM or raw, and asks for a bump of the schema it ran in.

When the bump happens, and why that is never stale:
- after the transaction commits (``on_commit``), never before: a reader who read the old number
  and then the new data stores it under the old number, which no later reader asks for; a reader
  who read the old number and the old data before the commit stores it under the old number too;
  a bump before the commit would let a reader store the old data under the new number;
- once per schema per commit: each write registers its callback (one registered earlier might be
  dropped with a savepoint rolled back), and the first of a commit's callbacks for a schema bumps
  it, the others find it done;
- outside a transaction (autocommit), at once after the statement.

Not counted: statements that changed no row; the tables in ``NOT_COUNTED`` (each with its reason;
no view that keeps pages reads them, which a test checks); and the public schema (the tenant's
own row is fingerprinted where pages are kept, charters/page_cache.py's ``tenant_fingerprint``).

A missing number (Redis restarted empty, or evicted it) starts again from the clock in
nanoseconds, never from 1, so an entry kept under an earlier number can never match again. While
Redis cannot be read nothing is served from it (``read_with`` gives None). A bump that cannot
reach Redis is kept by the process and sent before its next read; if Redis kept its data through
the outage (a network partition), other processes may serve entries of the old number until then,
for at most their TTL (a minute for a person's row, five for a page).
Writes outside Django (psql by hand) are not seen either: bump the council with ``bump(schema)``
after one, or wait out the TTL.
"""

from __future__ import annotations

import re
import time

from django.core.cache import cache
from django.db import transaction
from django.db.backends.signals import connection_created
from django_tenants.utils import get_public_schema_name, schema_context

KEY = "data-generation"
# The first word of a statement that changes data (or tables). Django writes no CTEs that modify
# data, and SELECT ... FOR UPDATE changes nothing.
_WRITE = re.compile(
    r"\s*(?:INSERT|UPDATE|DELETE|TRUNCATE|COPY|MERGE|CREATE|ALTER|DROP)\b", re.IGNORECASE
)
# Tables whose writes no kept page depends on, with why; as they are named in a statement's head.
# tests/charters/test_signed_in_page_cache.py checks that no view keeping pages reads them.
NOT_COUNTED = {
    # A row per browser, written at each sign in; read by the session engine, never by a page.
    "django_session": "sessions",
    # A council API key's daily counts, written on every API request (an integration polling the
    # register would otherwise empty the council's cache many times a minute); shown only on the
    # API keys page, which keeps no pages.
    "api_apikeyusage": "API key usage counts",
}
_NOT_COUNTED_HEADS = tuple(f'"{table}"' for table in NOT_COUNTED) + tuple(
    f" {table} " for table in NOT_COUNTED
)


class _Once:
    """Shared by the bumps one transaction registers for one schema: the first to run bumps."""

    __slots__ = ("done",)

    def __init__(self) -> None:
        self.done = False


class _Bump:
    """The on-commit callback registered for each write."""

    __slots__ = ("once", "pending", "schema")

    def __init__(self, schema: str, once: _Once, pending: dict) -> None:
        self.schema, self.once, self.pending = schema, once, pending

    def __call__(self) -> None:
        if self.once.done:
            return
        self.once.done = True
        if self.pending.get(self.schema) is self.once:
            del self.pending[self.schema]  # later writes bump again, at their own commit
        bump(self.schema)


# Schemas whose bump did not reach Redis (unreachable at the commit), tried again by this
# process before its next read: an outage that kept Redis's data (a network partition) must not
# bring old entries back with it. Other processes may serve those entries meanwhile; the TTLs
# bound that.
_unsent: set[str] = set()


def bump(schema: str) -> None:
    """Move ``schema``'s generation on (after a write committed there)."""
    with schema_context(schema):  # the cache's key function prefixes the current schema
        try:
            cache.incr(KEY)
            return
        except ValueError:  # not set (never, or Redis lost it), or Redis unreachable
            cache.add(KEY, time.time_ns(), None)
        if cache.get(KEY) is None:  # not set even now: Redis cannot be reached
            _unsent.add(schema)


def _send_unsent() -> None:
    for schema in list(_unsent):
        _unsent.discard(schema)
        bump(schema)


def read_with(key: str) -> tuple[int | None, object | None]:
    """The generation and ``key``'s entry in one round trip (None for either that is missing;
    a generation of None means Redis cannot be read)."""
    if _unsent:
        _send_unsent()
    found = cache.get_many([KEY, key])
    generation = found.get(KEY)
    if generation is None:
        generation = _start()
    return generation, found.get(key)


def _start() -> int | None:
    cache.add(KEY, time.time_ns(), None)
    return cache.get(KEY)


def _is_counted_write(sql: str) -> bool:
    head = sql[:200]
    return _WRITE.match(head) is not None and not any(t in head for t in _NOT_COUNTED_HEADS)


def _register_bump(connection, schema: str) -> None:
    """A bump of ``schema`` on commit, registered for each write (Django drops the callbacks of a
    savepoint rolled back, so one registered earlier cannot stand for a later write), run once
    per commit however many writes there were. The writes of one list of callbacks share one
    ``_Once``; Django starts a new list at each commit or rollback."""
    state = connection.__dict__.get("_data_generation_pending")
    if state is None or state[0] is not connection.run_on_commit:
        state = connection._data_generation_pending = (connection.run_on_commit, {})
    pending = state[1]
    once = pending.get(schema)
    if once is None:
        once = pending[schema] = _Once()
    transaction.on_commit(_Bump(schema, once, pending), using=connection.alias)


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    connection = context["connection"]
    schema = connection.schema_name
    # A statement that changed no row changed nothing (a periodic task's UPDATE of what is due,
    # when nothing is); DDL reports -1, and counts.
    if (
        schema != get_public_schema_name()
        and context["cursor"].rowcount != 0
        and _is_counted_write(sql if isinstance(sql, str) else str(sql))
    ):
        if connection.get_autocommit() or connection.in_atomic_block:
            _register_bump(connection, schema)
        else:  # a transaction managed by hand: no on_commit; bump now (better early than never)
            bump(schema)
    return result


def watch_writes(sender, connection, **kwargs) -> None:
    """connection_created receiver: report this connection's writes (once per wrapper object,
    which outlives the connections it reopens)."""
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def install() -> None:
    connection_created.connect(watch_writes, dispatch_uid="platform_.data_generation")
