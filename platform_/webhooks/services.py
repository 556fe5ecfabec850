"""Outgoing webhooks: endpoints officers manage, and deliveries recorded with the change that
caused them, sent by a task, retried with backoff, swept up by beat (DESIGN section 7).

A delivery is sent at most once at a time: the sender first *claims* the row (a committed
``claimed_at``, taken under ``SELECT ... FOR UPDATE SKIP LOCKED``), then talks to the endpoint
outside any transaction, then records the attempt. A second worker, the retry's own task and
the sweep all find the row claimed, or no longer due, and do nothing. A sender killed mid-send
leaves its claim, which the sweep ignores until it is older than CLAIM_TIMEOUT.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tenants.utils import get_public_schema_name

from platform_.accounts.permissions import require_permission
from platform_.accounts.selectors import officer_emails
from platform_.audit.services import record_event
from platform_.background import PUBLISH_ERRORS, enqueue_on_commit
from platform_.domain_events import DomainEvent
from platform_.outbox.services import queue_email
from platform_.webhooks import signing, tasks, transport
from platform_.webhooks.enums import PING, DeliveryStatus, WebhookAuditEvent
from platform_.webhooks.errors import WebhookError
from platform_.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, new_secret

logger = logging.getLogger(__name__)

# Waits after each failed attempt (seconds), then the delivery is marked failed: 1 min, 5 min,
# 30 min, 2 h, 6 h, 12 h, about 21 hours in all over 7 attempts. Each wait is jittered by up to
# a tenth either way, so endpoints that failed together do not all come back at one instant.
RETRY_DELAYS = (60, 5 * 60, 30 * 60, 2 * 3600, 6 * 3600, 12 * 3600)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# Longer than any one attempt can take (connect + read timeouts), so a live claim is never taken.
CLAIM_TIMEOUT = timedelta(minutes=5)
# The sweep leaves a due delivery this long to its own queued task before sending it again.
SWEEP_GRACE = timedelta(minutes=1)
# An endpoint with no success for this long, when another delivery to it fails for good, is
# turned off and the officers are told: a system that has gone away is not sent to for ever.
DISABLE_AFTER = timedelta(days=3)

PERMISSION = "tenant.manage"
REFUSAL = gettext_lazy("Only council officers can manage webhooks.")


# --- Recording deliveries (inside the transaction of the change) ------------------------------


def record_deliveries(sender, *, event_type: DomainEvent, payload: dict, **kwargs) -> int:
    """Answer platform_.domain_events.emit: one delivery per active endpoint that wants the event.

    Runs inside the caller's transaction, so the rows commit (and the sends are queued) with the
    change, or vanish with it. Returns how many deliveries were recorded.
    """
    if connection.schema_name == get_public_schema_name():
        return 0
    endpoints = list(
        WebhookEndpoint.objects.filter(is_active=True, events__contains=[str(event_type)])
    )
    if not endpoints:
        return 0
    event_id = uuid.uuid4()
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint=endpoint,
            event_id=event_id,
            event_type=str(event_type),
            payload=payload,
            created_at=now,
            next_attempt_at=now,
        )
        for endpoint in endpoints
    )
    for delivery in deliveries:
        enqueue_on_commit(tasks.deliver_webhook, delivery.pk)
    return len(deliveries)


# --- Sending ---------------------------------------------------------------------------------


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt, jittered."""
    base = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]
    return timedelta(seconds=base * random.uniform(0.9, 1.1))  # noqa: S311 -- jitter, not secrets


def deliver(delivery_id: int) -> bool:
    """Make one attempt at a due delivery, unless another sender has it. Whether it succeeded.

    Side effects: the claim (committed on its own); the POST; a WebhookAttempt; the delivery's
    status, attempts and next attempt; on failure with attempts left, the retry queued with its
    countdown (the sweep sends it if that is lost).
    """
    delivery = _claim(delivery_id)
    if delivery is None:
        return False
    endpoint = delivery.endpoint
    started = timezone.now()
    clock = time.monotonic()
    status_code, body, error = None, "", ""
    if not endpoint.is_active:
        error = "Not sent: the endpoint was turned off."
    else:
        payload = delivery.body()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "CoCharter-Webhooks/1",
            "CoCharter-Event": delivery.event_type,
            "CoCharter-Delivery": str(delivery.delivery_id),
            "CoCharter-Signature": signing.header(endpoint.secret, payload),
        }
        try:
            response = transport.post(endpoint.url, payload, headers)
        except transport.DeliveryError as failure:
            error = str(failure)[:500]
        else:
            status_code, body = response.status, response.body
    duration_ms = int((time.monotonic() - clock) * 1000)
    succeeded = status_code is not None and 200 <= status_code < 300
    retry_in = None
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            started_at=started,
            duration_ms=duration_ms,
            status_code=status_code,
            response_body=body,
            error=error,
        )
        delivery.claimed_at = None
        delivery.last_status_code = status_code
        delivery.last_error = error or ("" if succeeded else f"HTTP {status_code}")
        if succeeded:
            delivery.status = DeliveryStatus.SUCCEEDED
            delivery.delivered_at = timezone.now()
            delivery.next_attempt_at = None
        elif delivery.attempts >= MAX_ATTEMPTS or not endpoint.is_active:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
            if endpoint.is_active:
                _disable_if_failing(endpoint)
        else:
            retry_in = retry_delay(delivery.attempts)
            delivery.next_attempt_at = timezone.now() + retry_in
        delivery.save(
            update_fields=[
                "claimed_at",
                "last_status_code",
                "last_error",
                "status",
                "delivered_at",
                "next_attempt_at",
            ]
        )
    if retry_in is not None:
        _queue(delivery.pk, countdown=retry_in.total_seconds())
    return succeeded


def _disable_if_failing(endpoint: WebhookEndpoint) -> bool:
    """Turn ``endpoint`` off if nothing has reached it for DISABLE_AFTER. Whether it did.

    Side effects: ``is_active`` off; an audit event (no actor); an email to every officer
    (outbox, once a day per endpoint).
    """
    since = timezone.now() - DISABLE_AFTER
    if endpoint.created_at > since:
        return False
    last_success = endpoint.deliveries.filter(status=DeliveryStatus.SUCCEEDED).aggregate(
        last=Max("delivered_at")
    )["last"]
    if last_success is not None and last_success > since:
        return False
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if not locked.is_active:
        return False
    locked.is_active = False
    locked.save(update_fields=["is_active", "updated_at"])
    record_event(
        WebhookAuditEvent.ENDPOINT_AUTO_DISABLED,
        locked,
        old={"active": True},
        new={"active": False, "last_success": last_success.isoformat() if last_success else None},
    )
    url = connection.tenant.build_url(reverse("webhooks:endpoint", args=[locked.pk]))
    for email in officer_emails():
        queue_email(
            email,
            subject=gettext_lazy(
                "A webhook endpoint was turned off: it has not answered for 3 days"
            ),
            template="webhooks/email/disabled.txt",
            context={"endpoint": locked, "url": url, "last_success": last_success},
            dedup_key=f"webhook-disabled-{locked.pk}-{timezone.localdate():%Y-%m-%d}",
        )
    return True


def _claim(delivery_id: int) -> WebhookDelivery | None:
    """Take a due, unclaimed (or abandoned) pending delivery for this sender; None otherwise."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
            .select_related("endpoint")
            .first()
        )
        if delivery is None:
            return None
        delivery.claimed_at = now
        delivery.attempts += 1
        delivery.save(update_fields=["claimed_at", "attempts"])
    return delivery


def _queue(delivery_id: int, *, countdown: float = 0) -> None:
    """Queue a send now (outside a transaction); a broker that is away leaves it to the sweep."""
    try:
        tasks.deliver_webhook.apply_async(
            args=(delivery_id,),
            countdown=countdown,
            headers={"_schema_name": connection.schema_name},
        )
    except PUBLISH_ERRORS as error:
        if tasks.deliver_webhook.app.conf.task_always_eager:
            raise
        logger.warning("Webhook delivery %s left to the sweep: %s", delivery_id, error)


def sweep_due_deliveries() -> int:
    """Queue every pending delivery that is due and nobody is sending (beat, every minute).

    Catches sends lost with the broker, and retries whose countdown task was lost. Returns how
    many were queued.
    """
    now = timezone.now()
    due = WebhookDelivery.objects.filter(
        status=DeliveryStatus.PENDING, next_attempt_at__lte=now - SWEEP_GRACE
    ).filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
    ids = list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:500])
    for delivery_id in ids:
        _queue(delivery_id)
    return len(ids)


# --- Endpoints (officers) --------------------------------------------------------------------


def _clean_events(events) -> list[str]:
    chosen = [DomainEvent(event).value for event in events]
    if not chosen:
        raise WebhookError({"events": _("Choose at least one event to send.")})
    return sorted(set(chosen), key=DomainEvent.values.index)


def _clean_url(url: str) -> str:
    problem = transport.check_url(url)
    if problem:
        raise WebhookError({"url": problem})
    return url


@transaction.atomic
def create_endpoint(
    *, acting_user, url: str, events: list[str], description: str = ""
) -> WebhookEndpoint:
    """Register an endpoint. Side effects: the endpoint (with a new signing secret); an audit
    event ``webhooks.endpoint.created``."""
    require_permission(acting_user, PERMISSION, message=REFUSAL)
    endpoint = WebhookEndpoint.objects.create(
        url=_clean_url(url),
        events=_clean_events(events),
        description=description.strip(),
        created_by=acting_user,
    )
    record_event(
        WebhookAuditEvent.ENDPOINT_CREATED,
        endpoint,
        actor=acting_user,
        new={"url": endpoint.url, "events": endpoint.events},
    )
    return endpoint


@transaction.atomic
def update_endpoint(
    endpoint: WebhookEndpoint, *, acting_user, url: str, events: list[str], description: str = ""
) -> WebhookEndpoint:
    """Change an endpoint's URL, events or description. Side effects: the endpoint; an audit
    event with the old and new values. Deliveries already recorded keep going to the new URL."""
    require_permission(acting_user, PERMISSION, message=REFUSAL)
    old = {"url": endpoint.url, "events": endpoint.events, "description": endpoint.description}
    endpoint.url = _clean_url(url)
    endpoint.events = _clean_events(events)
    endpoint.description = description.strip()
    endpoint.save(update_fields=["url", "events", "description", "updated_at"])
    new = {"url": endpoint.url, "events": endpoint.events, "description": endpoint.description}
    record_event(WebhookAuditEvent.ENDPOINT_UPDATED, endpoint, actor=acting_user, old=old, new=new)
    return endpoint


@transaction.atomic
def set_endpoint_active(endpoint: WebhookEndpoint, *, acting_user, active: bool) -> WebhookEndpoint:
    """Turn an endpoint off (no new deliveries; those waiting fail at their next attempt) or on.
    Side effects: ``is_active``; an audit event."""
    require_permission(acting_user, PERMISSION, message=REFUSAL)
    if endpoint.is_active == active:
        return endpoint
    endpoint.is_active = active
    endpoint.save(update_fields=["is_active", "updated_at"])
    key = WebhookAuditEvent.ENDPOINT_ENABLED if active else WebhookAuditEvent.ENDPOINT_DISABLED
    record_event(
        key, endpoint, actor=acting_user, old={"active": not active}, new={"active": active}
    )
    return endpoint


@transaction.atomic
def rotate_secret(endpoint: WebhookEndpoint, *, acting_user) -> WebhookEndpoint:
    """Replace the signing secret; every later attempt (retries too) is signed with the new one.
    Side effects: the secret; an audit event (without either secret)."""
    require_permission(acting_user, PERMISSION, message=REFUSAL)
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "updated_at"])
    record_event(WebhookAuditEvent.SECRET_ROTATED, endpoint, actor=acting_user)
    return endpoint


@transaction.atomic
def delete_endpoint(endpoint: WebhookEndpoint, *, acting_user) -> None:
    """Delete an endpoint and its delivery history. Side effects: an audit event first (the
    record outlives the endpoint), then the rows."""
    require_permission(acting_user, PERMISSION, message=REFUSAL)
    record_event(
        WebhookAuditEvent.ENDPOINT_DELETED,
        endpoint,
        actor=acting_user,
        old={"url": endpoint.url, "events": endpoint.events},
    )
    endpoint.delete()


@transaction.atomic
def send_ping(endpoint: WebhookEndpoint, *, acting_user) -> WebhookDelivery:
    """A test event to this endpoint alone, signed and recorded like any other. Side effects:
    the delivery; an audit event; the send queued after commit."""
    require_permission(acting_user, PERMISSION, message=REFUSAL)
    if not endpoint.is_active:
        raise WebhookError(_("Turn the endpoint on before sending it a test event."))
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_type=PING,
        payload={
            "endpoint": {"id": endpoint.pk, "url": endpoint.url},
            "message": "Hello from CoCharter",
        },
    )
    record_event(WebhookAuditEvent.PING_SENT, endpoint, actor=acting_user)
    enqueue_on_commit(tasks.deliver_webhook, delivery.pk)
    return delivery


@transaction.atomic
def redeliver(delivery: WebhookDelivery, *, acting_user) -> WebhookDelivery:
    """Send a failed delivery again now, with its attempts so far kept (the receiver sees the same
    ``CoCharter-Delivery`` id, so it can recognise a repeat). Once it has used MAX_ATTEMPTS, this
    is one more try, not a new schedule. Side effects: the delivery pending again; an audit
    event; the send queued after commit."""
    require_permission(acting_user, PERMISSION, message=REFUSAL)
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status != DeliveryStatus.FAILED:
        raise WebhookError(_("Only a delivery that failed can be sent again."))
    if not delivery.endpoint.is_active:
        raise WebhookError(_("Turn the endpoint on before sending to it again."))
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "next_attempt_at"])
    record_event(WebhookAuditEvent.DELIVERY_RETRIED, delivery, actor=acting_user)
    enqueue_on_commit(tasks.deliver_webhook, delivery.pk)
    return delivery
