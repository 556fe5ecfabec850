"""Billing's refusals, each with a message for the person on the page. A leaf module."""


class BillingError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SubdomainUnavailable(BillingError):
    """The subdomain is invalid, reserved, taken by a council or held by another sign up."""


class CheckoutUnavailable(BillingError):
    """Stripe could not open the checkout; nothing was charged."""


class PortalUnavailable(BillingError):
    """No subscription to manage, or Stripe could not open its portal."""
