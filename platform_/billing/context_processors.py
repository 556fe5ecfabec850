"""What every page says about billing: the council's trial, overdue payment or suspension, and
the test-mode label.

The notice is lazy: worked out only when base.html shows it, and without a query unless it has
something to say to this person. A council without a plan (made by platform staff) has no
subscription, so only a council on a plan, in trial, overdue or suspended, and only for someone
who sees the notice, costs the one query for its Subscription. Everyone else's pages keep their
query count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.functional import SimpleLazyObject

from platform_.billing.enums import StripeStatus
from platform_.billing.models import Subscription
from platform_.billing.stripe_api import is_test_mode
from platform_.plan_limits import BILLING_PAGE_PATH
from tenants.enums import LifecycleStatus


@dataclass(frozen=True)
class BillingNotice:
    """A GOV.UK notification banner: ``text`` for everyone it is shown to, and a link to the
    billing page (``link_text``) for council officers only."""

    kind: str  # "trial", "past_due", "suspended"
    text: str
    link_text: str = ""
    link_url: str = BILLING_PAGE_PATH


def billing(request) -> dict:
    return {
        "billing_test_mode": is_test_mode(),
        "billing_notice": SimpleLazyObject(lambda: billing_notice(request)),
    }


def billing_notice(request) -> BillingNotice | None:
    """The notice this person should see on this council's pages, or None."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or connection.schema_name == "public":
        return None
    status = tenant.status
    if status not in (LifecycleStatus.TRIAL, LifecycleStatus.PAST_DUE, LifecycleStatus.SUSPENDED):
        return None
    user = request.user
    is_officer = user.has_perm("tenant.manage")
    # Trial and overdue are the officers' business; a suspension concerns everyone signed in,
    # since nobody can change anything (anonymous visitors only read, which still works).
    if not (is_officer or (status == LifecycleStatus.SUSPENDED and user.is_authenticated)):
        return None
    subscription = (
        Subscription.objects.filter(tenant_id=tenant.pk).first() if tenant.plan_id else None
    )
    if status == LifecycleStatus.TRIAL:
        notice = _trial(subscription)
    elif status == LifecycleStatus.PAST_DUE:
        notice = _past_due(subscription, tenant)
    else:
        notice = _suspended(subscription)
    if notice is not None and not is_officer:
        notice = BillingNotice(kind=notice.kind, text=notice.text)
    return notice


def _day(when: datetime) -> date:
    return timezone.localtime(when).date()


def _words(day: date) -> str:
    return format_date(day, "j F Y")  # 3 January 2027


def _trial(subscription: Subscription | None) -> BillingNotice | None:
    if subscription is None or subscription.trial_end is None:
        return None  # no date to give: nothing useful to say
    return BillingNotice(
        kind="trial",
        text=f"Your free trial ends on {_words(_day(subscription.trial_end))}.",
        link_text="Choose how to pay",
    )


def _past_due(subscription: Subscription | None, tenant) -> BillingNotice:
    since = (subscription.past_due_since if subscription else None) or tenant.status_changed_at
    deadline = ""
    if since is not None:
        grace = timedelta(days=settings.BILLING_PAST_DUE_GRACE_DAYS)
        deadline = f" by {_words(_day(since + grace))}"
    return BillingNotice(
        kind="past_due",
        text=(
            f"We could not take your last payment. Update your card{deadline} to keep full access."
        ),
        link_text="Update your card",
    )


def _suspended(subscription: Subscription | None) -> BillingNotice:
    readers = "Everyone can still read it, and certificates can still be checked."
    if subscription is not None and (
        subscription.canceled_at is not None or subscription.stripe_status == StripeStatus.CANCELED
    ):
        closes = ""
        if subscription.canceled_at is not None:
            after = timedelta(days=settings.BILLING_CANCELLED_CLOSE_AFTER_DAYS)
            closes = f" It closes on {_words(_day(subscription.canceled_at + after))}."
        return BillingNotice(
            kind="suspended",
            text=(
                "This site is read-only because the council's subscription was cancelled."
                f"{closes} {readers}"
            ),
            link_text="Subscribe again or download your data",
        )
    if subscription is not None and (
        subscription.past_due_since is not None
        or subscription.stripe_status in (StripeStatus.PAST_DUE, StripeStatus.UNPAID)
    ):
        return BillingNotice(
            kind="suspended",
            text=f"This site is read-only because a payment is overdue. {readers}",
            link_text="Update your card to restore full access",
        )
    return BillingNotice(
        kind="suspended",
        text=f"This site is read-only for now, so nothing can be changed. {readers}",
    )
