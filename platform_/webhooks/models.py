"""Endpoints a council's systems listen on, and every delivery made to them (an outbox)."""

from __future__ import annotations

import json
import secrets
import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from platform_.domain_events import DomainEvent
from platform_.webhooks.enums import DeliveryStatus


def new_secret() -> str:
    # 32 random bytes; the prefix makes a leaked secret recognisable to secret scanners and people.
    return f"whsec_{secrets.token_urlsafe(32)}"


class WebhookEndpoint(models.Model):
    url = models.URLField("URL", max_length=500)
    description = models.CharField(max_length=200, blank=True)
    events = ArrayField(models.CharField(max_length=40, choices=DomainEvent.choices))
    # Kept readable: every delivery is signed with it, and officers may show it again on the
    # endpoint's page (as Stripe does), which is only open to council officers.
    secret = models.CharField(max_length=80, default=new_secret)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["is_active"], name="webhook_endpoint_active")]

    def __str__(self) -> str:
        return self.url

    def event_labels(self) -> list[str]:
        return [DomainEvent(event).label for event in self.events if event in DomainEvent.values]


class WebhookDelivery(models.Model):
    """One event for one endpoint: sent, retried with backoff, and kept with its attempts."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    # The event's id (the body's ``id``: the same for every endpoint that receives the event)
    # and this delivery's own (the ``CoCharter-Delivery`` header, constant across retries).
    event_id = models.UUIDField(default=uuid.uuid4, editable=False)
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField(max_length=40)
    payload = models.JSONField(encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    # Set by the sender that is talking to the endpoint now; nobody else sends it meanwhile.
    claimed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="webhook_delivery_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} to {self.endpoint_id} ({self.delivery_id})"

    def body(self) -> bytes:
        """The exact bytes POSTed (and signed): the same on every attempt."""
        document = {
            "id": str(self.event_id),
            "type": self.event_type,
            "created": self.created_at.isoformat(),
            "data": self.payload,
        }
        return json.dumps(document, cls=DjangoJSONEncoder, separators=(",", ":")).encode()


class WebhookAttempt(models.Model):
    """What happened on one try: the officer's page shows these, newest first."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="tries")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    # The first RESPONSE_EXCERPT characters of what the endpoint answered.
    response_body = models.TextField(blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-number", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="one_attempt_per_number")
        ]

    def __str__(self) -> str:
        return f"Attempt {self.number} of {self.delivery_id}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
