"""A council's subscription, kept in step with Stripe, and its site's lifecycle with it.

Everything that changes a subscription goes through ``sync_subscription``, which reads the
subscription from Stripe rather than from the event that prompted it: events arrive twice, late
and out of order, but Stripe's present state is the same whichever event asks for it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import stripe
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from platform_.billing import emails
from platform_.billing.enums import StripeStatus
from platform_.billing.models import CouncilSignup, Subscription
from platform_.billing.stripe_api import stripe_client
from tenants.enums import LifecycleStatus
from tenants.models import Plan, Tenant
from tenants.services import set_tenant_status

logger = logging.getLogger(__name__)

# Stripe states in which the council has lost its access, each for a reason of its own: the
# subscription ended (canceled, or never started: incomplete_expired), Stripe gave up collecting
# (unpaid), or it is paused.
SUSPENDING = {
    StripeStatus.CANCELED,
    StripeStatus.UNPAID,
    StripeStatus.PAUSED,
    StripeStatus.INCOMPLETE_EXPIRED,
}


def from_timestamp(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(value, tz=UTC) if value else None


def grace_period() -> timedelta:
    return timedelta(days=settings.BILLING_PAST_DUE_GRACE_DAYS)


def close_after() -> timedelta:
    return timedelta(days=settings.BILLING_CANCELLED_CLOSE_AFTER_DAYS)


def retrieve_subscription(subscription_id: str) -> dict:
    """The subscription as Stripe has it now, as plain data."""
    return stripe_client().v1.subscriptions.retrieve(subscription_id).to_dict()


def lifecycle_status_for(subscription: Subscription, *, now: datetime | None = None) -> str:
    """The lifecycle state a council's site should be in, given its subscription row.

    trialing: trial; active: active; past_due: past_due, then suspended once overdue for longer
    than the grace period; ended, unpaid or paused: suspended. A subscription whose first payment
    is still being made (incomplete) counts as overdue.
    """
    now = now or timezone.now()
    status = subscription.stripe_status
    if status == StripeStatus.TRIALING:
        return LifecycleStatus.TRIAL
    if status == StripeStatus.ACTIVE:
        return LifecycleStatus.ACTIVE
    if status in SUSPENDING:
        return LifecycleStatus.SUSPENDED
    since = subscription.past_due_since or now
    return LifecycleStatus.SUSPENDED if now - since > grace_period() else LifecycleStatus.PAST_DUE


def _apply_stripe_state(row: Subscription, data: dict, *, now: datetime) -> list[str]:
    """Copy Stripe's subscription onto the row (unsaved); the fields changed."""
    item = data["items"]["data"][0]
    # Newer API versions keep the period on the item; older ones on the subscription.
    period_end = item.get("current_period_end") or data.get("current_period_end")
    values = {
        "stripe_customer_id": data["customer"],
        "stripe_status": data["status"],
        "stripe_price_id": item["price"]["id"],
        "current_period_end": from_timestamp(period_end),
        "trial_end": from_timestamp(data.get("trial_end")),
        "cancel_at_period_end": bool(data.get("cancel_at_period_end")),
    }
    if data["status"] in (StripeStatus.PAST_DUE, StripeStatus.INCOMPLETE):
        values["past_due_since"] = row.past_due_since or now
    else:
        values["past_due_since"] = None
    if data["status"] == StripeStatus.CANCELED:
        ended = from_timestamp(data.get("ended_at") or data.get("canceled_at"))
        values["canceled_at"] = row.canceled_at or ended or now
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name, value in values.items():
        setattr(row, name, value)
    return changed


def _move_tenant(row: Subscription, *, now: datetime) -> str | None:
    """Put the council's site in the state its subscription calls for; the new state, if moved.

    A closed site stays closed: its data is being exported and dropped, and no late event
    may reopen it. A council platform staff suspended or closed by hand stays as they left it
    until they reactivate it.
    """
    tenant = row.tenant
    if tenant.status == LifecycleStatus.CLOSED or tenant.staff_hold:
        return None
    wanted = lifecycle_status_for(row, now=now)
    if tenant.status == wanted:
        return None
    set_tenant_status(tenant, wanted, acting_user=None)
    return wanted


def _plan_for_price(price_id: str) -> Plan | None:
    return Plan.objects.filter(stripe_price_id=price_id).first() if price_id else None


@transaction.atomic
def record_subscription(tenant: Tenant, data: dict) -> Subscription:
    """Create or refresh ``tenant``'s Subscription row from Stripe's ``data`` (already read).

    Side effects: the row written; the tenant's plan set to the plan of Stripe's price (when one
    matches); the site's lifecycle moved to match (``set_tenant_status``); when the subscription
    has just ended, the officers told, in the council's schema, when the site closes.
    """
    now = timezone.now()
    row = Subscription.objects.select_for_update().filter(tenant=tenant).first()
    created = row is None
    if created:
        row = Subscription(tenant=tenant, stripe_subscription_id=data["id"])
    was_cancelled = row.stripe_status == StripeStatus.CANCELED
    changed = _apply_stripe_state(row, data, now=now)
    if row.stripe_subscription_id != data["id"]:
        row.stripe_subscription_id = data["id"]
        changed.append("stripe_subscription_id")
    if created:
        # Only provisioning creates the row, under its sign up's lock (which syncs wait for).
        row.save()
    elif changed:
        row.save(update_fields=[*changed, "synced_at"])
    plan = _plan_for_price(row.stripe_price_id)
    if plan is not None and tenant.plan_id != plan.pk:
        tenant.plan = plan
        tenant.save(update_fields=["plan"])
    _move_tenant(row, now=now)
    if row.stripe_status == StripeStatus.CANCELED and not was_cancelled:
        with tenant_context(tenant):
            emails.subscription_cancelled(
                subscription_id=row.stripe_subscription_id,
                closes_on=row.canceled_at + close_after(),
            )
    return row


@transaction.atomic
def sync_subscription(subscription_id: str) -> Subscription | None:
    """Bring our row for ``subscription_id`` and its council's site in line with Stripe.

    Reads the subscription from Stripe while holding the row's lock, so two syncs at once write
    Stripe's state in the order they read it. A subscription of no council yet (its checkout is
    still being turned into a site) is left alone: provisioning reads it afresh. Side effects:
    those of ``record_subscription``.
    """
    row = (
        Subscription.objects.select_for_update()
        .select_related("tenant")
        .filter(stripe_subscription_id=subscription_id)
        .first()
    )
    if row is None:
        # Provisioning may be under way: wait for it (it holds the sign up's lock), then look
        # again.
        signup = (
            CouncilSignup.objects.select_for_update()
            .filter(stripe_subscription_id=subscription_id)
            .first()
        )
        row = (
            Subscription.objects.select_related("tenant")
            .filter(stripe_subscription_id=subscription_id)
            .first()
        )
        if row is None:
            logger.info(
                "Subscription %s belongs to no council yet (sign up: %s)",
                subscription_id,
                signup.public_id if signup else "none",
            )
            return None
    return record_subscription(row.tenant, retrieve_subscription(subscription_id))


@transaction.atomic
def notify_trial_ending(subscription_id: str) -> int:
    """Tell the council's officers their trial ends soon, if Stripe still says it does.

    Side effects: one email per officer, queued in the council's schema, once per trial end.
    """
    row = (
        Subscription.objects.select_related("tenant")
        .filter(stripe_subscription_id=subscription_id)
        .first()
    )
    if row is None or row.tenant.status == LifecycleStatus.CLOSED:
        return 0
    data = retrieve_subscription(subscription_id)
    trial_end = from_timestamp(data.get("trial_end"))
    if data["status"] != StripeStatus.TRIALING or trial_end is None:
        return 0
    with tenant_context(row.tenant):
        return emails.trial_ending(subscription_id=subscription_id, trial_end=trial_end)


def subscription_id_of_invoice(invoice: dict) -> str | None:
    """The subscription an invoice bills: under ``parent`` in newer API versions."""
    parent = invoice.get("parent") or {}
    details = parent.get("subscription_details") or {}
    subscription = details.get("subscription") or invoice.get("subscription")
    if isinstance(subscription, dict):
        return subscription["id"]
    return subscription


@transaction.atomic
def record_payment_failed(invoice_id: str) -> int:
    """After a failed payment: sync the subscription, and tell the officers if the invoice is
    still unpaid (Stripe's word, not the event's) when the site becomes read-only.

    Side effects: those of ``sync_subscription``; one email per officer in the council's schema,
    once per invoice.
    """
    invoice = stripe_client().v1.invoices.retrieve(invoice_id).to_dict()
    subscription_id = subscription_id_of_invoice(invoice)
    if not subscription_id:
        return 0
    row = sync_subscription(subscription_id)
    if row is None or invoice["status"] != "open" or row.tenant.status == LifecycleStatus.CLOSED:
        return 0
    if row.stripe_status not in (StripeStatus.PAST_DUE, StripeStatus.INCOMPLETE):
        return 0
    read_only_from = (row.past_due_since or timezone.now()) + grace_period()
    with tenant_context(row.tenant):
        return emails.payment_failed(invoice_id=invoice_id, read_only_from=read_only_from)


def suspend_overdue_tenants() -> int:
    """Daily: make read-only every council overdue for longer than the grace period.

    Each is synced from Stripe first, so a payment whose webhook was lost reactivates instead.
    A council Stripe cannot be asked about now is left for the next run. Side effects: those of
    ``sync_subscription``, per council; how many councils are suspended.
    """
    deadline = timezone.now() - grace_period()
    overdue = Subscription.objects.filter(
        stripe_status__in=[StripeStatus.PAST_DUE, StripeStatus.INCOMPLETE],
        past_due_since__lt=deadline,
        tenant__status=LifecycleStatus.PAST_DUE,
    ).values_list("stripe_subscription_id", flat=True)
    suspended = 0
    for subscription_id in list(overdue):
        try:
            row = sync_subscription(subscription_id)
        except stripe.StripeError as error:
            logger.warning("Could not read subscription %s from Stripe: %s", subscription_id, error)
            continue
        suspended += bool(row and row.tenant.status == LifecycleStatus.SUSPENDED)
    return suspended


def close_cancelled_tenants() -> int:
    """Daily: close every council whose subscription ended more than
    BILLING_CANCELLED_CLOSE_AFTER_DAYS ago (its export stays available; the schema is dropped
    later). Side effects: each council's status set to closed; how many were closed."""
    deadline = timezone.now() - close_after()
    due = Tenant.objects.filter(
        subscription__stripe_status=StripeStatus.CANCELED,
        subscription__canceled_at__lt=deadline,
    ).exclude(status=LifecycleStatus.CLOSED)
    closed = 0
    for tenant in due:
        with transaction.atomic():
            set_tenant_status(tenant, LifecycleStatus.CLOSED, acting_user=None)
        closed += 1
    return closed
