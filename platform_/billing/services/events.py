"""Stripe's webhook events: verified, stored once by their id, then processed by a task.

The webhook answers Stripe at once; the work is done after commit by ``process_event``, which
takes the event's row lock, so two workers never handle one event together, and which reads
what it needs from Stripe rather than from the event (see ``sync_subscription``). An event the
broker never received is queued again by ``requeue_unprocessed_events`` (beat).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import timedelta

import stripe
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from platform_.background import enqueue_on_commit
from platform_.billing import tasks
from platform_.billing.models import StripeEvent
from platform_.billing.services import portal, provisioning, subscriptions
from platform_.integrity import AlreadyExists, unique_field_constraint, unique_or_raise

logger = logging.getLogger(__name__)

# An event still unprocessed after this long lost its task (broker down at commit, worker gone).
REQUEUE_AFTER = timedelta(minutes=5)
# After this many failed attempts an event waits for a person (last_error says why).
MAX_ATTEMPTS = 10


class InvalidWebhook(Exception):
    """The body is not a Stripe event signed with our secret, recently: refused, not stored."""


class EventFailed(Exception):
    """Handling the event raised; the attempt is recorded and the task tries again later."""


@transaction.atomic
def receive_webhook(payload: bytes, signature: str | None) -> StripeEvent | None:
    """Verify a webhook's signature (and its age) and store the event once, by Stripe's id.

    Returns the new row, or None for an event already received (a retry or a replay: nothing
    changes). Raises InvalidWebhook for a missing, wrong or stale signature. Side effects: the
    StripeEvent row; ``process_event`` queued on commit.
    """
    try:
        stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
        data = json.loads(payload)
        stripe_id, event_type = data["id"], data["type"]
    except (stripe.SignatureVerificationError, ValueError, KeyError, TypeError) as error:
        raise InvalidWebhook(str(error)) from error
    refusals = {unique_field_constraint(StripeEvent, "stripe_id"): AlreadyExists("stripe_id")}
    try:
        with unique_or_raise(refusals):
            event = StripeEvent.objects.create(
                stripe_id=stripe_id,
                type=event_type,
                livemode=bool(data.get("livemode")),
                payload=data,
            )
    except AlreadyExists:
        logger.info("Stripe event %s received again; ignored", stripe_id)
        return None
    enqueue_on_commit(tasks.process_event, event.pk)
    return event


def _object_id(event: StripeEvent) -> str:
    return event.payload["data"]["object"]["id"]


def _invoice_paid(event: StripeEvent) -> None:
    subscription_id = subscriptions.subscription_id_of_invoice(event.payload["data"]["object"])
    if subscription_id:
        subscriptions.sync_subscription(subscription_id)


def _checkout_completed(event: StripeEvent) -> None:
    """A paid checkout is either a new council's sign up or a cancelled council subscribing
    again; each service reads the session from Stripe and ignores one that is not its own. The
    reactivation must not wait for the officer's browser to come back to the billing page.
    Stripe is asked about a reactivation only when the event names one of our councils (the
    metadata we set); a checkout of another site on the same account costs no request."""
    session_id = _object_id(event)
    if provisioning.complete_checkout(session_id) is not None:
        return
    metadata = event.payload["data"]["object"].get("metadata") or {}
    if metadata.get(portal.REACTIVATE_METADATA_KEY):
        portal.complete_reactivation(session_id)


def _trial_will_end(event: StripeEvent) -> None:
    subscription_id = _object_id(event)
    subscriptions.sync_subscription(subscription_id)
    subscriptions.notify_trial_ending(subscription_id)


# Each takes the stored event and reads from Stripe what it acts on; only ids come from the event.
HANDLERS: dict[str, Callable[[StripeEvent], object]] = {
    "checkout.session.completed": _checkout_completed,
    "checkout.session.expired": lambda event: provisioning.record_checkout_expired(
        _object_id(event)
    ),
    "customer.subscription.created": lambda e: subscriptions.sync_subscription(_object_id(e)),
    "customer.subscription.updated": lambda e: subscriptions.sync_subscription(_object_id(e)),
    "customer.subscription.deleted": lambda e: subscriptions.sync_subscription(_object_id(e)),
    "customer.subscription.trial_will_end": _trial_will_end,
    "invoice.paid": _invoice_paid,
    "invoice.payment_failed": lambda e: subscriptions.record_payment_failed(_object_id(e)),
}


def process_event(event_id: int) -> bool:
    """Handle one stored event, once: whether it was handled now (False if it was before).

    Events of types not handled are marked processed and otherwise ignored. Side effects: those
    of the event's handler, in the same transaction as the event marked processed; on failure,
    the attempt and its error recorded (committed) and EventFailed raised, so the task retries.
    """
    with transaction.atomic():
        event = StripeEvent.objects.select_for_update().get(pk=event_id)
        if event.processed_at is not None:
            return False
        event.attempts += 1
        handler = HANDLERS.get(event.type)
        try:
            with transaction.atomic():  # a savepoint: the attempt is recorded even if it fails
                if handler is not None:
                    handler(event)
        except Exception as error:
            event.last_error = f"{type(error).__name__}: {error}"[:2000]
            event.save(update_fields=["attempts", "last_error"])
            failure = error
        else:
            event.processed_at = timezone.now()
            event.last_error = ""
            event.save(update_fields=["attempts", "last_error", "processed_at"])
            return True
    logger.warning("Stripe event %s (%s) failed: %s", event.stripe_id, event.type, failure)
    raise EventFailed(event.last_error) from failure


def requeue_unprocessed_events() -> int:
    """Queue again every event stored more than REQUEUE_AFTER ago and still unprocessed (its
    task was lost), unless it has failed MAX_ATTEMPTS times. How many were queued."""
    stale = StripeEvent.objects.filter(
        processed_at__isnull=True,
        received_at__lt=timezone.now() - REQUEUE_AFTER,
        attempts__lt=MAX_ATTEMPTS,
    ).values_list("pk", flat=True)
    queued = 0
    for event_id in stale:
        enqueue_on_commit(tasks.process_event, event_id)
        queued += 1
    return queued
