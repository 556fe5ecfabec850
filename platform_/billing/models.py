"""Billing rows, in the public schema: sign ups, subscriptions and the Stripe events received."""

import uuid

from django.db import models

from platform_.billing.enums import SignupStatus, StripeStatus
from tenants.enums import TenantKind
from tenants.models import Plan, Tenant


class CouncilSignup(models.Model):
    """A council's request for a site, kept whatever happens: the record of an abandoned checkout,
    and the link from a paid checkout to the tenant made for it."""

    # In the success page's address: unguessable, so one council cannot watch another's sign up.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    council_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=TenantKind.choices, default=TenantKind.COUNCIL)
    slug = models.CharField(max_length=40)
    officer_name = models.CharField(max_length=200)
    officer_email = models.EmailField()
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="signups")
    status = models.CharField(
        max_length=16, choices=SignupStatus.choices, default=SignupStatus.CHECKOUT
    )
    checkout_session_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    stripe_customer_id = models.CharField(max_length=255, blank=True)
    stripe_subscription_id = models.CharField(max_length=255, blank=True)
    tenant = models.OneToOneField(
        Tenant, null=True, blank=True, on_delete=models.SET_NULL, related_name="signup"
    )
    failure_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The checkout's own expiry: until then the subdomain is held for this sign up.
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["slug", "status"])]

    def __str__(self) -> str:
        return f"{self.council_name} ({self.slug}): {self.get_status_display()}"


class Subscription(models.Model):
    """A tenant's Stripe subscription, as last read from Stripe (never from an event's payload,
    so events arriving twice or out of order leave the same final state)."""

    tenant = models.OneToOneField(Tenant, on_delete=models.PROTECT, related_name="subscription")
    stripe_customer_id = models.CharField(max_length=255, unique=True)
    stripe_subscription_id = models.CharField(max_length=255, unique=True)
    stripe_status = models.CharField(max_length=24, choices=StripeStatus.choices)
    stripe_price_id = models.CharField(max_length=100, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    trial_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    # When the subscription was first seen overdue; the grace period runs from here.
    past_due_since = models.DateTimeField(null=True, blank=True)
    # When it was first seen cancelled; the council closes a while after.
    canceled_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.tenant}: {self.stripe_status}"


class StripeEvent(models.Model):
    """A verified webhook event, stored once by Stripe's event id, then processed by a task."""

    stripe_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    livemode = models.BooleanField(default=False)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["processed_at", "received_at"])]

    def __str__(self) -> str:
        return f"{self.type} {self.stripe_id}"
