"""From a paid checkout to a council's working site, once, however often it is asked for.

``complete_checkout`` is called by the ``checkout.session.completed`` webhook and by the sign up's
success page (when the webhook is late); both may come any number of times, at the same moment.
It reads the session from Stripe, marks the sign up paid and queues ``provision_signup``, which
makes the site under the sign up's row lock and skips a sign up that already has one.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from platform_.background import enqueue_on_commit
from platform_.billing import tasks
from platform_.billing.enums import SignupStatus
from platform_.billing.models import CouncilSignup, Subscription
from platform_.billing.services.subscriptions import (
    lifecycle_status_for,
    record_subscription,
    retrieve_subscription,
)
from platform_.billing.stripe_api import stripe_client
from tenants.services import provision_tenant

logger = logging.getLogger(__name__)


def retrieve_checkout_session(session_id: str) -> dict:
    return stripe_client().v1.checkout.sessions.retrieve(session_id).to_dict()


def _subscription_id(session: dict) -> str:
    subscription = session.get("subscription") or ""
    return subscription["id"] if isinstance(subscription, dict) else subscription


def _customer_id(session: dict) -> str:
    customer = session.get("customer") or ""
    return customer["id"] if isinstance(customer, dict) else customer


@transaction.atomic
def complete_checkout(session_id: str) -> CouncilSignup | None:
    """Turn a completed Checkout Session into its council's site (queued), once.

    Reads the session from Stripe (an event's copy may be stale or forged in a replay); does
    nothing for a session that is not complete, or that no sign up of ours made. Safe to call
    any number of times, concurrently. Side effects: the sign up marked paid with its Stripe
    customer and subscription; ``provision_signup`` queued on commit while it has no site.
    """
    if not CouncilSignup.objects.filter(checkout_session_id=session_id).exists():
        # Another site's checkout on the same Stripe account: not ours to ask Stripe about.
        logger.warning("Checkout session %s belongs to no sign up", session_id)
        return None
    session = retrieve_checkout_session(session_id)
    signup = CouncilSignup.objects.select_for_update().get(checkout_session_id=session_id)
    if session["status"] != "complete":
        return signup
    if str(signup.public_id) != (session.get("client_reference_id") or str(signup.public_id)):
        # The session names another sign up than the one that stored its id: never provision.
        logger.error(
            "Checkout session %s names sign up %s, not %s",
            session_id,
            session.get("client_reference_id"),
            signup.public_id,
        )
        return signup
    if signup.status in (SignupStatus.CHECKOUT, SignupStatus.EXPIRED):
        signup.status = SignupStatus.PAID
        signup.stripe_customer_id = _customer_id(session)
        signup.stripe_subscription_id = _subscription_id(session)
        signup.save(update_fields=["status", "stripe_customer_id", "stripe_subscription_id"])
    if signup.status == SignupStatus.PAID and signup.tenant_id is None:
        enqueue_on_commit(tasks.provision_signup, signup.pk)
    return signup


def _plain_reason(signup: CouncilSignup, error: ValidationError) -> str:
    """Why the site could not be made, in words for the sign up's page and platform staff."""
    fields = set(getattr(error, "message_dict", {}))
    if fields & {"slug", "schema_name", "domain"}:
        return (
            f"The address {signup.slug}.{settings.PLATFORM_DOMAIN} was taken by another council "
            "before this one's site could be made."
        )
    return " ".join(error.messages)


@transaction.atomic
def provision_signup(signup_id: int) -> CouncilSignup:
    """Make the council's site for a paid sign up, unless it has one already.

    Holds the sign up's row lock throughout, so a second call (a second worker, the success
    page) waits and then finds the site made. Side effects, in order: the subscription read from
    Stripe; the site provisioned (``provision_tenant``: schema, domain, the first officer's
    invitation, emailed on commit) in the state the subscription calls for (trial, active...);
    its plan; its Subscription row; the sign up ready (or failed, with a plain reason, when the
    site cannot be made, e.g. its address was taken meanwhile).
    """
    signup = CouncilSignup.objects.select_for_update().select_related("plan").get(pk=signup_id)
    if signup.tenant_id is not None or signup.status != SignupStatus.PAID:
        return signup
    data = retrieve_subscription(signup.stripe_subscription_id)
    status = lifecycle_status_for(Subscription(stripe_status=data["status"]))
    try:
        tenant = provision_tenant(
            name=signup.council_name,
            slug=signup.slug,
            kind=signup.kind,
            officer_email=signup.officer_email,
            status=status,
        )
    except ValidationError as error:
        signup.status = SignupStatus.FAILED
        signup.failure_reason = _plain_reason(signup, error)
        signup.save(update_fields=["status", "failure_reason"])
        logger.error(
            "Could not make the site for sign up %s: %s", signup.public_id, signup.failure_reason
        )
        return signup
    tenant.plan = signup.plan
    tenant.save(update_fields=["plan"])
    record_subscription(tenant, data)
    signup.tenant = tenant
    signup.status = SignupStatus.READY
    signup.completed_at = timezone.now()
    signup.save(update_fields=["tenant", "status", "completed_at"])
    logger.info("Made %s for sign up %s", tenant.schema_name, signup.public_id)
    return signup


@transaction.atomic
def record_checkout_expired(session_id: str) -> CouncilSignup | None:
    """An abandoned checkout: its sign up stays as a record (expired), and nothing else is made.

    Reads the session from Stripe. Side effects: the sign up's status set to expired.
    """
    signup = (
        CouncilSignup.objects.select_for_update().filter(checkout_session_id=session_id).first()
    )
    if signup is None or signup.status != SignupStatus.CHECKOUT:
        return signup
    if retrieve_checkout_session(session_id)["status"] != "expired":
        return signup
    signup.status = SignupStatus.EXPIRED
    signup.save(update_fields=["status"])
    return signup
