"""The one place the Stripe client is made: the key, and the base address of the fake server that
development and the tests use instead of Stripe's."""

from __future__ import annotations

from django.conf import settings
from stripe import StripeClient


def billing_enabled() -> bool:
    """Without a secret key there is no billing: platform staff create councils by hand."""
    return bool(settings.STRIPE_SECRET_KEY)


def is_test_mode() -> bool:
    """True with a Stripe test key or the local fake server: pages then say so."""
    return billing_enabled() and (
        settings.STRIPE_SECRET_KEY.startswith("sk_test_") or bool(settings.STRIPE_API_BASE)
    )


def stripe_client() -> StripeClient:
    base_addresses = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else {}
    return StripeClient(
        settings.STRIPE_SECRET_KEY, base_addresses=base_addresses, max_network_retries=2
    )
