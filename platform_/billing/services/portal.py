"""Officers reach Stripe's customer portal to change their card or plan, or to cancel; and a
council whose subscription ended subscribes again through a new Checkout."""

from __future__ import annotations

import logging

import stripe
from django.db import transaction
from django.utils.translation import gettext as _

from platform_.billing.errors import PortalUnavailable
from platform_.billing.models import Subscription
from platform_.billing.selectors import can_reactivate
from platform_.billing.services.subscriptions import record_subscription, retrieve_subscription
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
        raise PortalUnavailable(_("Billing for your council is handled by the platform team."))
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
            _("We could not reach our payment provider. Try again in a few minutes.")
        ) from error
    logger.info("Billing portal opened for %s by user %s", tenant.schema_name, acting_user.pk)
    return session.url


# --- Subscribing again after cancelling ---------------------------------------------------------

REACTIVATE_METADATA_KEY = "reactivate_tenant"


def open_reactivation_checkout(tenant: Tenant, *, acting_user) -> str:
    """A Stripe Checkout session for a new subscription to the council's plan, for its existing
    customer; returns its address. Stripe brings the officer back to the billing page with the
    session's id, where ``complete_reactivation`` reads it.

    Side effects: one Stripe API call. Raises PortalUnavailable when the council cannot
    subscribe again this way, or Stripe fails.
    """
    subscription = Subscription.objects.filter(tenant=tenant).first()
    if not can_reactivate(tenant, subscription):
        raise PortalUnavailable(_("Billing for your council is handled by the platform team."))
    try:
        session = stripe_client().v1.checkout.sessions.create(
            params={
                "mode": "subscription",
                "customer": subscription.stripe_customer_id,
                "line_items": [{"price": tenant.plan.stripe_price_id, "quantity": 1}],
                "client_reference_id": f"tenant-{tenant.pk}",
                "metadata": {REACTIVATE_METADATA_KEY: str(tenant.pk)},
                "subscription_data": {"metadata": {REACTIVATE_METADATA_KEY: str(tenant.pk)}},
                "success_url": tenant.build_url(RETURN_PATH) + "?session_id={CHECKOUT_SESSION_ID}",
                "cancel_url": tenant.build_url(RETURN_PATH),
            }
        )
    except stripe.StripeError as error:
        logger.warning("Reactivation checkout for %s failed: %s", tenant.schema_name, error)
        raise PortalUnavailable(
            _("We could not reach our payment provider. Try again in a few minutes.")
        ) from error
    logger.info(
        "Reactivation checkout for %s opened by user %s", tenant.schema_name, acting_user.pk
    )
    return session.url


@transaction.atomic
def complete_reactivation(session_id: str, *, tenant: Tenant | None = None) -> Subscription | None:
    """A paid reactivation checkout: the council's subscription row follows the new subscription,
    and its site opens again. Safe to call any number of times (the billing page on the way back,
    and the ``checkout.session.completed`` webhook once wired to it).

    Reads the session from Stripe; does nothing unless it is complete, was opened for a council
    (``tenant``, when given, must be that council) and belongs to that council's own Stripe
    customer. Side effects: those of ``record_subscription`` (the row, the plan, the site's
    lifecycle state).
    """
    try:
        session = stripe_client().v1.checkout.sessions.retrieve(session_id).to_dict()
    except stripe.StripeError as error:
        logger.warning("Could not read reactivation checkout %s: %s", session_id, error)
        return None
    tenant_pk = (session.get("metadata") or {}).get(REACTIVATE_METADATA_KEY)
    if session["status"] != "complete" or not tenant_pk or not session.get("subscription"):
        return None
    if tenant is not None and str(tenant.pk) != tenant_pk:
        logger.error("Checkout %s reactivates council %s, not %s", session_id, tenant_pk, tenant.pk)
        return None
    row = (
        Subscription.objects.select_for_update()
        .select_related("tenant")
        .filter(tenant_id=tenant_pk)
        .first()
    )
    if row is None or row.stripe_customer_id != session.get("customer"):
        logger.error("Checkout %s is not for council %s's customer", session_id, tenant_pk)
        return None
    return record_subscription(row.tenant, retrieve_subscription(session["subscription"]))
