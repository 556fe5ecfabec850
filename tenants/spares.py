"""Spare council schemas, cloned ahead of need, so that a sign up's schema is a rename.

Cloning the template creates about 281 files and 184 fsynced index builds, and slows as the
database directory grows with the councils (infra/SCALING.md: 0.60 s a council at 10 councils,
2.14 s at 1,000). A background task (``tenants.tasks.refill_spare_schemas``) keeps
``SPARE_SCHEMAS`` clones ready as ``spare_<hex>`` schemas; ``provision_tenant`` takes one with
``ALTER SCHEMA ... RENAME``, which creates no file, and clones only when none is ready.

Why a rename gives the same schema as a clone:
- column defaults, foreign keys, indexes, views and triggers refer to relations and sequences by
  OID, so they follow the schema's new name;
- text that could name a schema (function bodies, a function's ``SET search_path``) is not
  renamed by cloning either (``tenants.sql_script`` leaves bodies and literals as they are), so a
  spare's is the same as a fresh clone's; tests/tenants/test_spares.py compares the two catalogs;
- a spare holds only what cloning writes (the migration-filled rows), no council's data: the
  ``schema_provisioned`` defaults are added after the rename, for the council it becomes.

A spare is handed out only while its fingerprint (``template_fingerprint``: the template's
migration state) is current; stale ones, left by a deploy that brought migrations, are dropped by
the refill task and by ``migrate_tenants``. Spares have no Tenant row, so nothing that lists
councils (deploys, the console, beat, exports) ever sees them.
"""

from __future__ import annotations

import logging
import secrets

from django.conf import settings
from django.db import connection, transaction

from tenants.models import SpareSchema
from tenants.schema_cloning import (
    SCHEMA_NAME_PATTERN,
    clone_template_schema,
    template_fingerprint,
    template_is_migrated,
)

logger = logging.getLogger(__name__)

SPARE_PREFIX = "spare_"
# Key of the session-level advisory lock held by a refill, so two workers never fill at once
# (an arbitrary fixed bigint: "spares!!" in ASCII).
REFILL_LOCK_KEY = 0x7370617265732121


def make_spare() -> str:
    """Clone the template into a new ``spare_<hex>`` schema and record it; returns its name.

    One transaction of its own (a clone takes about 1,070 locks: never several in one). No Tenant
    row, no ``schema_provisioned``: a spare belongs to no council until it is handed out.
    Raises SchemaCloneUnavailable when the template cannot be cloned.
    """
    schema_name = f"{SPARE_PREFIX}{secrets.token_hex(8)}"
    connection.set_schema_to_public()
    with transaction.atomic():
        snapshot = clone_template_schema(schema_name)
        SpareSchema.objects.create(schema_name=schema_name, fingerprint=snapshot.fingerprint)
    logger.info("Spare schema %s made", schema_name)
    return schema_name


def take_spare(schema_name: str) -> bool:
    """Rename a current spare to ``schema_name`` inside the caller's transaction; False if none.

    The spare's row is locked ``FOR UPDATE SKIP LOCKED``, so two provisionings at once never take
    the same one, and deleted: if the caller's transaction rolls back, the rename and the delete
    roll back with it and the spare is there for the next sign up. Off when SPARE_SCHEMAS is 0.
    """
    if settings.SPARE_SCHEMAS <= 0:
        return False
    if not SCHEMA_NAME_PATTERN.match(schema_name):
        raise ValueError(f"Not a safe schema name: {schema_name!r}")
    if not connection.in_atomic_block:
        raise RuntimeError("take_spare must run inside the provisioning's transaction.")
    fingerprint = template_fingerprint()
    quote = connection.ops.quote_name
    while True:
        spare = (
            SpareSchema.objects.select_for_update(skip_locked=True)
            .filter(fingerprint=fingerprint)
            .order_by("created_at", "pk")
            .first()
        )
        if spare is None:
            return False
        spare.delete()
        if _schema_exists(spare.schema_name):
            break
        # Dropped by hand behind the row's back: forget it and look for another.
        logger.warning("Spare schema %s has a row but no schema; row deleted", spare.schema_name)
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER SCHEMA {quote(spare.schema_name)} RENAME TO {quote(schema_name)}")
    logger.info("Spare schema %s handed out as %s", spare.schema_name, schema_name)
    return True


def refill_spares() -> dict[str, int]:
    """Drop stale (and surplus) spares, then make spares up to SPARE_SCHEMAS; run by beat.

    Idempotent. Does nothing if another refill holds the advisory lock. One spare made or dropped
    per transaction. Makes none while the template lacks a migration on disk (mid-deploy): they
    would be stale as soon as it is migrated. Returns {"made": n, "dropped": n}.
    """
    connection.set_schema_to_public()
    counts = {"made": 0, "dropped": 0}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [REFILL_LOCK_KEY])
        if not cursor.fetchone()[0]:
            logger.info("Spare schemas: another refill is running")
            return counts
    try:
        counts["dropped"] = drop_stale_spares()
        target = max(settings.SPARE_SCHEMAS, 0)
        fingerprint = template_fingerprint()
        current = SpareSchema.objects.filter(fingerprint=fingerprint)
        # Surplus (the setting lowered): the newest go first.
        for pk in list(current.order_by("-created_at", "-pk").values_list("pk", flat=True))[
            target:
        ]:
            counts["dropped"] += _drop_spare(pk)
        if target and template_is_migrated():
            for _ in range(target - current.count()):
                make_spare()
                counts["made"] += 1
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [REFILL_LOCK_KEY])
    if counts["made"] or counts["dropped"]:
        logger.info("Spare schemas: %(made)d made, %(dropped)d dropped", counts)
    return counts


def drop_stale_spares() -> int:
    """Drop every spare cloned at another template state than today's; returns how many."""
    connection.set_schema_to_public()
    fingerprint = template_fingerprint()
    stale = SpareSchema.objects.exclude(fingerprint=fingerprint).values_list("pk", flat=True)
    return sum(_drop_spare(pk) for pk in list(stale))


def _drop_spare(pk: int) -> int:
    """Drop one spare's schema and row in a transaction of its own; 0 if it was taken meanwhile."""
    with transaction.atomic():
        spare = SpareSchema.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
        if spare is None:
            return 0  # being handed out (locked) or gone
        with connection.cursor() as cursor:
            cursor.execute(
                f"DROP SCHEMA IF EXISTS {connection.ops.quote_name(spare.schema_name)} CASCADE"
            )
        spare.delete()
    logger.info("Spare schema %s dropped", spare.schema_name)
    return 1


def _schema_exists(schema_name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = %s)", [schema_name]
        )
        return cursor.fetchone()[0]
