"""Which lifecycle state each Stripe subscription state puts a council's site in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from platform_.billing.models import Subscription
from platform_.billing.services.subscriptions import (
    lifecycle_status_for,
    subscription_id_of_invoice,
)
from tenants.enums import LifecycleStatus


@pytest.mark.parametrize(
    ("stripe_status", "expected"),
    [
        ("trialing", LifecycleStatus.TRIAL),
        ("active", LifecycleStatus.ACTIVE),
        ("past_due", LifecycleStatus.PAST_DUE),
        ("incomplete", LifecycleStatus.PAST_DUE),
        ("unpaid", LifecycleStatus.SUSPENDED),
        ("paused", LifecycleStatus.SUSPENDED),
        ("canceled", LifecycleStatus.SUSPENDED),
        ("incomplete_expired", LifecycleStatus.SUSPENDED),
    ],
)
def test_lifecycle_status_for_each_stripe_status(stripe_status, expected):
    assert lifecycle_status_for(Subscription(stripe_status=stripe_status)) == expected


def test_past_due_within_grace_keeps_access(settings):
    settings.BILLING_PAST_DUE_GRACE_DAYS = 14
    now = timezone.now()
    row = Subscription(stripe_status="past_due", past_due_since=now - timedelta(days=13))
    assert lifecycle_status_for(row, now=now) == LifecycleStatus.PAST_DUE


def test_past_due_beyond_grace_is_suspended(settings):
    settings.BILLING_PAST_DUE_GRACE_DAYS = 14
    now = timezone.now()
    row = Subscription(stripe_status="past_due", past_due_since=now - timedelta(days=15))
    assert lifecycle_status_for(row, now=now) == LifecycleStatus.SUSPENDED


def test_subscription_of_an_invoice_in_either_api_shape():
    newer = {"parent": {"subscription_details": {"subscription": "sub_new"}}}
    older = {"subscription": "sub_old", "parent": None}
    assert subscription_id_of_invoice(newer) == "sub_new"
    assert subscription_id_of_invoice(older) == "sub_old"
    assert subscription_id_of_invoice({"parent": None}) is None
