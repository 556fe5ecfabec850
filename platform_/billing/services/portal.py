"""Officers reach Stripe's customer portal to change their card or plan, or to cancel."""

from __future__ import annotations

import logging

import stripe

from platform_.billing.errors import PortalUnavailable
from platform_.billing.models import Subscription
from platform_.billing.stripe_api import billing_enabled, stripe_client
from tenants.models import Tenant

logger = logging.getLogger(__name__)

RETURN_PATH = "/manage/billing/"


def open_billing_portal(tenant: Tenant, *, acting_user) -> str:
    """A Stripe billing portal session for ``tenant``'s customer; returns its address.

    ``acting_user`` is the council officer asking (the view checked tenant.manage). Side
    effects: one Stripe API call. The way back is built from the council's own domain, never
    from the request. Raises PortalUnavailable when there is no subscription or Stripe fails.
    """
    subscription = Subscription.objects.filter(tenant=tenant).first()
    if not billing_enabled() or subscription is None or not subscription.stripe_customer_id:
        raise PortalUnavailable("Billing for your council is handled by the platform team.")
    try:
        session = stripe_client().v1.billing_portal.sessions.create(
            params={
                "customer": subscription.stripe_customer_id,
                "return_url": tenant.build_url(RETURN_PATH),
            }
        )
    except stripe.StripeError as error:
        logger.warning("Billing portal for %s failed: %s", tenant.schema_name, error)
        raise PortalUnavailable(
            "We could not reach our payment provider. Try again in a few minutes."
        ) from error
    logger.info("Billing portal opened for %s by user %s", tenant.schema_name, acting_user.pk)
    return session.url
