from django.db import models


class SignupStatus(models.TextChoices):
    """A council's sign up, from the form to its working site."""

    CHECKOUT = "checkout", "Waiting for payment"
    PAID = "paid", "Paid; making the site"
    READY = "ready", "Site ready"
    EXPIRED = "expired", "Checkout abandoned"
    FAILED = "failed", "Could not make the site"

    @classmethod
    def open(cls) -> list[str]:
        """Sign ups that still hold their subdomain."""
        return [cls.CHECKOUT, cls.PAID]


class StripeStatus(models.TextChoices):
    """A Stripe subscription's own status, as Stripe names it."""

    INCOMPLETE = "incomplete", "Incomplete"
    INCOMPLETE_EXPIRED = "incomplete_expired", "Incomplete, expired"
    TRIALING = "trialing", "Trialing"
    ACTIVE = "active", "Active"
    PAST_DUE = "past_due", "Past due"
    CANCELED = "canceled", "Cancelled"
    UNPAID = "unpaid", "Unpaid"
    PAUSED = "paused", "Paused"
