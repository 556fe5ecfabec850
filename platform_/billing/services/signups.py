"""A council's sign up: the subdomain it holds, its Stripe Checkout session, and its progress.

The subdomain is held from the moment the form is accepted until the checkout expires (and a
while after, since a payment made in the last minute may be reported late), so two councils
cannot pay for the same address. Two sign ups for one subdomain at the same moment are
serialised by a transaction-scoped advisory lock on the subdomain: the second waits for the
first to commit and then sees its row. A unique constraint cannot express the rule, as the hold
ends with time rather than with a write.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import stripe
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tenants.utils import schema_exists

from platform_.billing.enums import SignupStatus
from platform_.billing.errors import CheckoutUnavailable, SubdomainUnavailable
from platform_.billing.models import CouncilSignup
from platform_.billing.services.provisioning import complete_checkout
from platform_.billing.stripe_api import billing_enabled, stripe_client
from tenants.enums import LifecycleStatus
from tenants.models import Plan, Tenant, slug_validator
from tenants.services import RESERVED_SLUGS, schema_name_for

logger = logging.getLogger(__name__)

# Stripe accepts 30 minutes to 24 hours; an hour is long enough to find a card.
CHECKOUT_LIFETIME = timedelta(hours=1)
# A payment made just before the checkout expired may reach us later: keep the subdomain.
SLUG_HOLD_AFTER_EXPIRY = timedelta(hours=1)
# The progress page asks Stripe about a checkout at most this often (each sign up).
STRIPE_CHECK_INTERVAL_SECONDS = 10


SUBDOMAIN_RULES = gettext_lazy(
    "Enter a subdomain of 3 to 40 lower-case letters, numbers and hyphens, starting with a letter"
    " and not ending with a hyphen"
)


def normalise_slug(value: str) -> str:
    return value.strip().lower()


def holding_signups(now: datetime | None = None) -> QuerySet[CouncilSignup]:
    """Sign ups that hold their subdomain now: paid ones until their site exists (or fails),
    unpaid ones until a while after their checkout expires."""
    now = now or timezone.now()
    return CouncilSignup.objects.filter(
        Q(status=SignupStatus.PAID)
        | Q(status=SignupStatus.CHECKOUT, expires_at__gt=now - SLUG_HOLD_AFTER_EXPIRY)
    )


def subdomain_problem(slug: str, *, platform_domain: str | None = None) -> str | None:
    """Why ``slug`` cannot be a new council's subdomain, in words for the form; None if free.

    Taken and held read the same, so the form does not tell strangers who is signing up.
    """
    address = f"{slug}.{platform_domain or settings.PLATFORM_DOMAIN}"
    try:
        slug_validator(slug)
    except ValidationError:
        return str(SUBDOMAIN_RULES)
    if slug in RESERVED_SLUGS:
        return _("%(address)s is reserved. Choose another subdomain") % {"address": address}
    if (
        Tenant.objects.filter(slug=slug).exists()
        or schema_exists(schema_name_for(slug))
        or holding_signups().filter(slug=slug).exists()
    ):
        return _("%(address)s is already taken. Choose another subdomain") % {"address": address}
    return None


def offered_plans() -> QuerySet[Plan]:
    """Plans a council may choose at sign up: available, and with a Stripe price to charge."""
    return Plan.objects.filter(is_available=True).exclude(stripe_price_id="")


def _lock_subdomain(slug: str) -> None:
    # Held until the transaction ends; every sign up for this subdomain queues behind it.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"cocharter.signup:{slug}"]
        )


@transaction.atomic
def start_signup(
    *,
    council_name: str,
    kind: str,
    slug: str,
    officer_name: str,
    officer_email: str,
    plan: Plan,
) -> CouncilSignup:
    """Record a sign up that holds ``slug`` until its checkout expires.

    Side effects: the subdomain's advisory lock for the transaction; a CouncilSignup row in
    CHECKOUT. Raises SubdomainUnavailable if the subdomain is taken or held meanwhile.
    """
    slug = normalise_slug(slug)
    _lock_subdomain(slug)
    problem = subdomain_problem(slug)
    if problem:
        raise SubdomainUnavailable(problem)
    return CouncilSignup.objects.create(
        council_name=council_name,
        kind=kind,
        slug=slug,
        officer_name=officer_name,
        officer_email=officer_email,
        plan=plan,
        status=SignupStatus.CHECKOUT,
        expires_at=timezone.now() + CHECKOUT_LIFETIME,
    )


def platform_url(path: str) -> str:
    """``path`` on the platform host, from settings: never from a request's Host header."""
    return f"{settings.SITE_SCHEME}://{settings.PLATFORM_DOMAIN}{settings.SITE_PORT_SUFFIX}{path}"


def progress_path(signup: CouncilSignup) -> str:
    return f"/signup/{signup.public_id}/"


def checkout_params(signup: CouncilSignup) -> dict:
    """What Stripe Checkout is asked for: the plan's price as a subscription, its trial, and the
    way back to this sign up (Stripe fills in {CHECKOUT_SESSION_ID})."""
    public_id = str(signup.public_id)
    subscription_data: dict = {"metadata": {"signup": public_id}}
    if signup.plan.trial_days:
        subscription_data["trial_period_days"] = signup.plan.trial_days
    return {
        "mode": "subscription",
        "line_items": [{"price": signup.plan.stripe_price_id, "quantity": 1}],
        "subscription_data": subscription_data,
        "customer_email": signup.officer_email,
        "client_reference_id": public_id,
        "metadata": {"signup": public_id},
        "success_url": platform_url(progress_path(signup)) + "?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": platform_url(f"/signup/?again={public_id}"),
        "expires_at": int(signup.expires_at.timestamp()),
    }


def open_checkout(signup: CouncilSignup) -> str:
    """Open the Stripe Checkout session for ``signup``; return the address to send the person to.

    Side effects: one Stripe API call (idempotent by the sign up's id, so a retry cannot open
    two checkouts); the session id and its expiry saved on the sign up. If Stripe fails, the
    sign up is marked expired with the reason (its subdomain is free again) and
    CheckoutUnavailable raised.
    """
    try:
        session = stripe_client().v1.checkout.sessions.create(
            params=checkout_params(signup),
            options={"idempotency_key": f"cocharter-signup-{signup.public_id}"},
        )
    except stripe.StripeError as error:
        logger.warning("Stripe Checkout for sign up %s failed: %s", signup.public_id, error)
        signup.status = SignupStatus.EXPIRED
        signup.failure_reason = f"Stripe Checkout could not be opened: {error}"
        signup.save(update_fields=["status", "failure_reason"])
        raise CheckoutUnavailable(
            _(
                "We could not reach our payment provider, so nothing has been charged. "
                "Try again in a few minutes."
            )
        ) from error
    signup.checkout_session_id = session.id
    if getattr(session, "expires_at", None):
        signup.expires_at = datetime.fromtimestamp(session.expires_at, tz=UTC)
    signup.save(update_fields=["checkout_session_id", "expires_at"])
    return session.url


def sign_up_council(
    *,
    council_name: str,
    kind: str,
    slug: str,
    officer_name: str,
    officer_email: str,
    plan: Plan,
) -> tuple[CouncilSignup, str]:
    """The whole of a form's submission: hold the subdomain (committed first, so the hold stands
    while Stripe is asked), then open the checkout. Returns the sign up and the checkout address.
    Raises SubdomainUnavailable or CheckoutUnavailable."""
    signup = start_signup(
        council_name=council_name,
        kind=kind,
        slug=slug,
        officer_name=officer_name,
        officer_email=officer_email,
        plan=plan,
    )
    return signup, open_checkout(signup)


# --- Progress ---------------------------------------------------------------------------------


@dataclass
class Step:
    name: str
    state: str  # "done", "in progress", "not started"


@dataclass
class Progress:
    """What the progress page and its JSON say about a sign up, in words."""

    state: str  # waiting, making, ready, expired, failed
    heading: str
    message: str
    steps: list[Step] = field(default_factory=list)
    # What the person can do next: (text, address), shown as links.
    links: list[tuple[str, str]] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.state in {"ready", "expired", "failed"}

    def as_json(self) -> dict:
        return {
            "state": self.state,
            "heading": self.heading,
            "message": self.message,
            "finished": self.finished,
            "steps": [{"name": step.name, "state": step.state} for step in self.steps],
            "links": [{"text": text, "href": href} for text, href in self.links],
        }


STEP_NAMES = ("Payment received", "Making your site", "Ready")


def _steps(done: int) -> list[Step]:
    """The three steps with the first ``done`` finished and the next one under way."""
    return [
        Step(name, "done" if index < done else "in progress" if index == done else "not started")
        for index, name in enumerate(STEP_NAMES)
    ]


def site_answers(tenant: Tenant | None) -> bool:
    """The council's site serves requests: its row is committed in a serving state, with its
    domain and its schema."""
    return (
        tenant is not None
        and tenant.status in LifecycleStatus.serving()
        and bool(tenant.primary_domain)
        and schema_exists(tenant.schema_name)
    )


def signup_progress(signup: CouncilSignup, *, now: datetime | None = None) -> Progress:
    now = now or timezone.now()
    contact = settings.PLATFORM_CONTACT_EMAIL
    if signup.status == SignupStatus.READY and site_answers(signup.tenant):
        return Progress(
            state="ready",
            heading=_("Your site is ready"),
            message=(
                _(
                    "We have emailed %(officer_email)s an invitation. Open it to choose a "
                    "password and sign in as the council's first officer."
                )
                % {"officer_email": signup.officer_email}
            ),
            steps=_steps(3),
            links=[("Go to your new site", signup.tenant.build_url("/"))],
        )
    if signup.status in (SignupStatus.PAID, SignupStatus.READY):
        return Progress(
            state="making",
            heading=_("Payment received. We are making your site"),
            message=_("This usually takes less than a minute. You can keep this page open."),
            steps=_steps(1),
        )
    if signup.status == SignupStatus.FAILED:
        return Progress(
            state="failed",
            heading=_("We could not make your site"),
            message=(
                _(
                    "Your payment is safe. Email %(contact)s and quote reference %(public_id)s: "
                    "the platform team will finish setting up your site."
                )
                % {"contact": contact, "public_id": signup.public_id}
            ),
            steps=_steps(1),
            links=[(f"Email {contact}", f"mailto:{contact}")],
        )
    if signup.status == SignupStatus.EXPIRED or signup.expires_at <= now:
        return Progress(
            state="expired",
            heading=_("This sign up was not completed"),
            message=(
                _(
                    "The payment page was closed or timed out, so nothing has been charged and no"
                    " site was made. You can start again."
                )
            ),
            links=[("Start again", f"/signup/?again={signup.public_id}")],
        )
    return Progress(
        state="waiting",
        heading=_("Waiting for your payment to be confirmed"),
        message=_("This page will update when the payment is confirmed."),
        steps=_steps(0),
    )


def check_checkout(signup: CouncilSignup, *, session_id: str = "") -> CouncilSignup:
    """If Stripe's webhook is late, ask Stripe about the checkout directly.

    Only for a sign up still waiting (CHECKOUT), only for its own session (a ``session_id``
    from the address bar that is not the sign up's own is ignored), and at most once every
    STRIPE_CHECK_INTERVAL_SECONDS per sign up, as the page polls. Side effects: one Stripe API
    call; a completed checkout handed to complete_checkout, exactly as the webhook would
    (idempotent: it marks the sign up paid and queues the site's provisioning); an expired
    checkout marks the sign up EXPIRED. Stripe errors are logged and
    the sign up returned unchanged: the webhook will come.
    """
    if signup.status != SignupStatus.CHECKOUT or not signup.checkout_session_id:
        return signup
    if not billing_enabled():
        return signup
    if session_id and session_id != signup.checkout_session_id:
        return signup
    if not cache.add(
        f"billing:check-checkout:{signup.public_id}", 1, STRIPE_CHECK_INTERVAL_SECONDS
    ):
        return signup
    try:
        session = stripe_client().v1.checkout.sessions.retrieve(signup.checkout_session_id)
    except stripe.StripeError as error:
        logger.warning("Could not read checkout %s: %s", signup.checkout_session_id, error)
        return signup
    if session.status == "complete":
        complete_checkout(session.id)
    elif session.status == "expired":
        expire_signup(signup)
    signup.refresh_from_db()
    return signup


@transaction.atomic
def expire_signup(signup: CouncilSignup) -> CouncilSignup:
    """Mark an unpaid sign up's checkout as over: its subdomain is free again.

    Side effects: the row's status, only if still CHECKOUT (locked, so a payment being recorded
    at this moment wins).
    """
    locked = CouncilSignup.objects.select_for_update().get(pk=signup.pk)
    if locked.status == SignupStatus.CHECKOUT:
        locked.status = SignupStatus.EXPIRED
        locked.save(update_fields=["status"])
    return locked


def abandon_signup(signup: CouncilSignup) -> bool:
    """The person left the payment page and is starting again: close the old checkout, so it
    cannot be paid as well, and free its subdomain. Returns whether the sign up is now closed.

    Side effects: one or two Stripe API calls (expire; if that fails, read the session); the
    sign up marked EXPIRED. A checkout Stripe reports paid, or cannot report on, is left alone.
    """
    if signup.status != SignupStatus.CHECKOUT:
        return signup.status == SignupStatus.EXPIRED
    if signup.checkout_session_id:
        sessions = stripe_client().v1.checkout.sessions
        try:
            sessions.expire(signup.checkout_session_id)
        except stripe.StripeError as error:
            # Already expired, or paid meanwhile: Stripe refuses to expire either. Look.
            logger.info("Could not expire checkout %s: %s", signup.checkout_session_id, error)
            try:
                session = sessions.retrieve(signup.checkout_session_id)
            except stripe.StripeError:
                return False
            if session.status != "expired":
                return False
    return expire_signup(signup).status == SignupStatus.EXPIRED
