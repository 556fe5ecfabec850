from django.db import models


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SUCCEEDED = "succeeded", "Delivered"
    FAILED = "failed", "Failed"


# Not a domain event: sent only by an officer's "Send a test event" to one endpoint.
PING = "ping"


class WebhookAuditEvent(models.TextChoices):
    """Audit event keys for webhook endpoints (platform_.audit.services.record_event)."""

    ENDPOINT_CREATED = "webhooks.endpoint.created", "Webhook endpoint added"
    ENDPOINT_UPDATED = "webhooks.endpoint.updated", "Webhook endpoint changed"
    ENDPOINT_DISABLED = "webhooks.endpoint.disabled", "Webhook endpoint turned off"
    ENDPOINT_AUTO_DISABLED = (
        "webhooks.endpoint.auto_disabled",
        "Webhook endpoint turned off after failing for days",
    )
    ENDPOINT_ENABLED = "webhooks.endpoint.enabled", "Webhook endpoint turned on"
    ENDPOINT_DELETED = "webhooks.endpoint.deleted", "Webhook endpoint deleted"
    SECRET_ROTATED = "webhooks.endpoint.secret_rotated", "Webhook signing secret replaced"
    PING_SENT = "webhooks.endpoint.pinged", "Webhook test event sent"
    DELIVERY_RETRIED = "webhooks.delivery.retried", "Webhook delivery sent again"
