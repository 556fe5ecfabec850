"""Reads for billing pages: a council's subscription, in words."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

from platform_.billing.enums import StripeStatus
from platform_.billing.models import Subscription
from platform_.billing.stripe_api import billing_enabled
from tenants.enums import LifecycleStatus
from tenants.models import Tenant


def subscription_of(tenant: Tenant) -> Subscription | None:
    return Subscription.objects.filter(tenant=tenant).first()


# Subscriptions Stripe's portal cannot bring back: the council needs a new one.
ENDED = (StripeStatus.CANCELED, StripeStatus.INCOMPLETE_EXPIRED)


def can_reactivate(tenant: Tenant, subscription: Subscription | None) -> bool:
    """A council whose subscription ended, not yet closed, with a plan that can be charged."""
    return (
        billing_enabled()
        and subscription is not None
        and bool(subscription.stripe_customer_id)
        and subscription.stripe_status in ENDED
        and tenant.status != LifecycleStatus.CLOSED
        and tenant.plan_id is not None
        and bool(tenant.plan.stripe_price_id)
    )


def _day(moment: datetime | None) -> str:
    return date_format(timezone.localtime(moment), "j F Y") if moment else ""


@dataclass
class BillingSummary:
    """The billing page's rows (label, value) and any warning, for one council."""

    rows: list[tuple[str, str]] = field(default_factory=list)
    warning: str = ""
    can_open_portal: bool = False
    # The plan a council whose subscription ended may subscribe to again ("" if it may not).
    reactivate_plan: str = ""


def billing_summary(tenant: Tenant, subscription: Subscription | None) -> BillingSummary:
    summary = BillingSummary()
    if tenant.plan_id:
        summary.rows.append(("Plan", tenant.plan.name))
    if subscription is None:
        return summary
    summary.can_open_portal = bool(subscription.stripe_customer_id)
    if can_reactivate(tenant, subscription):
        summary.reactivate_plan = tenant.plan.name
    status = subscription.stripe_status
    if status == StripeStatus.TRIALING:
        summary.rows.append(("Status", "Free trial"))
        if subscription.trial_end:
            summary.rows.append(("Trial ends", _day(subscription.trial_end)))
            if not subscription.cancel_at_period_end:
                summary.rows.append(("First payment", _day(subscription.trial_end)))
    elif status == StripeStatus.ACTIVE:
        summary.rows.append(("Status", "Active"))
        if subscription.current_period_end and not subscription.cancel_at_period_end:
            summary.rows.append(("Next payment", _day(subscription.current_period_end)))
    elif status in (StripeStatus.PAST_DUE, StripeStatus.UNPAID):
        summary.rows.append(("Status", "Payment overdue"))
        since = subscription.past_due_since
        if since:
            summary.rows.append(("Overdue since", _day(since)))
        if tenant.status != LifecycleStatus.SUSPENDED:
            deadline = (
                since + timedelta(days=settings.BILLING_PAST_DUE_GRACE_DAYS) if since else None
            )
            summary.warning = (
                "We could not take your last payment. Update your payment details"
                + (f" by {_day(deadline)}" if deadline else "")
                + ", or your site will become read-only."
            )
    elif status == StripeStatus.CANCELED:
        summary.rows.append(("Status", "Cancelled"))
        if subscription.canceled_at:
            summary.rows.append(("Ended", _day(subscription.canceled_at)))
    else:
        summary.rows.append(("Status", subscription.get_stripe_status_display()))
    if subscription.cancel_at_period_end and status != StripeStatus.CANCELED:
        end = subscription.trial_end if status == StripeStatus.TRIALING else None
        end = end or subscription.current_period_end
        summary.rows.append(
            ("Ends", f"Cancelled: your plan ends on {_day(end)}" if end else "Cancelled")
        )
    if tenant.status == LifecycleStatus.SUSPENDED:
        summary.warning = (
            "Your site is read-only: people can look but not change anything. Public pages and"
            " certificate checks still work. "
            + (
                "Subscribe again to open it."
                if summary.reactivate_plan
                else "Pay through the billing portal to open it again."
            )
        )
    return summary
