"""API keys: made, revoked, checked and counted. The only place that writes ApiKey rows."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from platform_.accounts.permissions import require_permission
from platform_.api.enums import ApiEvent, ApiKeyScope
from platform_.api.models import ApiKey
from platform_.audit.services import record_event

TOKEN_PREFIX = "cck"  # noqa: S105 (the public start of every key, not a secret)
# last_used_at is written at most this often per key, not on every request.
LAST_USED_RESOLUTION_SECONDS = 60


@dataclass(frozen=True)
class IssuedKey:
    """A new key and its token, which exists only here: it is shown once and never stored."""

    key: ApiKey
    token: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_token(token: str) -> tuple[str, str] | None:
    """(prefix, secret) of ``cck_<prefix>_<secret>``, or None if it is not shaped like one."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


@transaction.atomic
def create_api_key(*, name: str, scope: ApiKeyScope, acting_user) -> IssuedKey:
    """Make a key for the council's systems, acting as ``acting_user`` (a council officer).

    Side effects, in order: the ApiKey row (the secret's hash only); audit event
    ``api.key.created`` with the name and scope.
    """
    require_permission(
        acting_user, "tenant.manage", message="Only council officers can make API keys."
    )
    # token_hex, not token_urlsafe: a secret with no "_" keeps the token's three parts apart.
    prefix, secret = secrets.token_hex(6), secrets.token_hex(32)
    key = ApiKey.objects.create(
        name=name.strip(),
        prefix=prefix,
        secret_hash=hash_secret(secret),
        scope=scope,
        created_by=acting_user,
    )
    record_event(
        ApiEvent.KEY_CREATED, key, actor=acting_user, new={"name": key.name, "scope": key.scope}
    )
    return IssuedKey(key=key, token=f"{TOKEN_PREFIX}_{prefix}_{secret}")


@transaction.atomic
def revoke_api_key(key: ApiKey, *, acting_user) -> ApiKey:
    """Stop ``key`` working at once. Revoking a revoked key changes nothing.

    Side effects, in order: revoked_at and revoked_by written; audit event ``api.key.revoked``.
    """
    require_permission(
        acting_user, "tenant.manage", message="Only council officers can revoke API keys."
    )
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is not None:
        return key
    key.revoked_at = timezone.now()
    key.revoked_by = acting_user
    key.save(update_fields=["revoked_at", "revoked_by"])
    record_event(ApiEvent.KEY_REVOKED, key, actor=acting_user, old={"name": key.name})
    return key


def key_for_token(token: str) -> ApiKey | None:
    """The active key whose token this is, with its maker, or None. One query.

    The secret's hash is compared in constant time, so the time taken tells nothing about how
    much of a guess was right.
    """
    parsed = parse_token(token)
    if parsed is None:
        return None
    prefix, secret = parsed
    key = (
        ApiKey.objects.select_related("created_by")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .first()
    )
    if key is None or not hmac.compare_digest(key.secret_hash, hash_secret(secret)):
        return None
    return key


def record_use(key: ApiKey, *, method: str, path: str, status: int) -> None:
    """Count one request made with ``key``: the day's usage row (one upsert), last_used_at (at
    most once a minute) and, for a write that succeeded, an audit event.

    Reads are counted, not logged one by one: an integration polling the register would write
    thousands of audit rows a day that say nothing the counter does not.
    """
    now = timezone.now()
    refused = status >= 400
    write = method not in ("GET", "HEAD", "OPTIONS")
    with connection.cursor() as cursor:
        # One statement, safe against simultaneous requests: the row is made or counted up.
        cursor.execute(
            "INSERT INTO api_apikeyusage (key_id, day, reads, writes, refused)"
            " VALUES (%s, %s, %s, %s, %s)"
            " ON CONFLICT (key_id, day) DO UPDATE SET"
            " reads = api_apikeyusage.reads + EXCLUDED.reads,"
            " writes = api_apikeyusage.writes + EXCLUDED.writes,"
            " refused = api_apikeyusage.refused + EXCLUDED.refused",
            [
                key.pk,
                timezone.localdate(now),
                int(not write and not refused),
                int(write and not refused),
                int(refused),
            ],
        )
    if (
        key.last_used_at is None
        or (now - key.last_used_at).total_seconds() >= LAST_USED_RESOLUTION_SECONDS
    ):
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    if write and not refused:
        record_event(
            ApiEvent.KEY_WROTE,
            key,
            actor=key.created_by,
            new={"method": method, "path": path, "status": status},
        )
