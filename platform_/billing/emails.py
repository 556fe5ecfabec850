"""The emails billing owes a council's officers, written to the outbox of the council's own schema
(a leaf module; the services call it inside ``tenant_context``).

Each is owed once per occurrence (``dedup_key``), however often Stripe sends the event behind it,
and links to the council's own site.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection

from platform_.accounts.selectors import officer_emails
from platform_.billing.models import CouncilSignup
from platform_.outbox.services import queue_email

BILLING_PATH = "/manage/billing/"


def _recipients() -> list[str]:
    """The council's officers; before the first has accepted their invitation, the person who
    signed the council up (billing's news must reach someone)."""
    emails = officer_emails()
    if emails:
        return emails
    signup = CouncilSignup.objects.filter(tenant_id=connection.tenant.pk).first()
    return [signup.officer_email] if signup else []


def _to_officers(*, subject: str, template: str, dedup_key: str, **context) -> int:
    """One email per council officer; how many were newly owed (repeats are skipped)."""
    tenant = connection.tenant
    context = {
        "billing_url": tenant.build_url(BILLING_PATH),
        "manage_url": tenant.build_url("/manage/"),
        **context,
    }
    queued = 0
    for email in _recipients():
        queued += bool(
            queue_email(
                email, subject=subject, template=template, context=context, dedup_key=dedup_key
            )
        )
    return queued


def payment_failed(*, invoice_id: str, read_only_from: datetime) -> int:
    return _to_officers(
        subject="Your CoCharter payment did not go through",
        template="billing/email/payment_failed.txt",
        dedup_key=f"billing.payment_failed:{invoice_id}",
        read_only_from=read_only_from,
    )


def trial_ending(*, subscription_id: str, trial_end: datetime) -> int:
    return _to_officers(
        subject="Your CoCharter free trial ends soon",
        template="billing/email/trial_ending.txt",
        dedup_key=f"billing.trial_ending:{subscription_id}:{trial_end:%Y-%m-%d}",
        trial_end=trial_end,
    )


def subscription_cancelled(*, subscription_id: str, closes_on: datetime) -> int:
    return _to_officers(
        subject="Your CoCharter subscription has ended",
        template="billing/email/cancelled.txt",
        dedup_key=f"billing.cancelled:{subscription_id}",
        closes_on=closes_on,
    )
