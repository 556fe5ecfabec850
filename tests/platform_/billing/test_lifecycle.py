"""From a paid checkout to a council's site, and its site's lifecycle following its subscription:
every step driven by the fake Stripe server's events through /stripe/webhook/."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_exists, tenant_context

from platform_.billing import tasks
from platform_.billing.enums import SignupStatus
from platform_.billing.models import CouncilSignup, StripeEvent, Subscription
from platform_.billing.services.provisioning import complete_checkout
from platform_.billing.services.subscriptions import from_timestamp
from platform_.billing.stripe_api import stripe_client
from platform_.outbox.models import OutboxEmail
from tenants.enums import LifecycleStatus
from tenants.middleware import forget_cached_hosts
from tenants.models import Domain, Tenant
from tenants.services import set_tenant_status
from tests.fixtures.billing import open_checkout, post_webhook
from tests.helpers import committed, host_of, login, make_user

GAMMA_HOST = f"gamma.{settings.PLATFORM_DOMAIN}"


@pytest.fixture(autouse=True)
def _forget_gamma():
    yield
    forget_cached_hosts([GAMMA_HOST])


def pay(fake_stripe, signup: CouncilSignup) -> CouncilSignup:
    """The council pays on the hosted page; Stripe's events reach the webhook and commit."""
    with committed():
        fake_stripe.pay_checkout(signup.checkout_session_id)
    signup.refresh_from_db()
    return signup


@pytest.fixture
def trial_signup(fake_stripe, trial_plan) -> CouncilSignup:
    """Gamma District Council, paid for on the trial plan: its site made, in trial."""
    return pay(fake_stripe, open_checkout(trial_plan))


@pytest.fixture
def annual_signup(fake_stripe, annual_plan) -> CouncilSignup:
    """Gamma District Council, paid for on the annual plan: its site made, active."""
    return pay(fake_stripe, open_checkout(annual_plan))


def tenant_of(signup: CouncilSignup) -> Tenant:
    return Tenant.objects.get(pk=signup.tenant_id)


def outbox_of(tenant: Tenant) -> list[tuple[str, str]]:
    with tenant_context(tenant):
        return list(OutboxEmail.objects.order_by("pk").values_list("recipient", "subject"))


def test_paid_trial_checkout_makes_the_council_site_in_trial(trial_signup, trial_plan):
    tenant = tenant_of(trial_signup)
    subscription = Subscription.objects.get(tenant=tenant)
    assert (trial_signup.status, trial_signup.failure_reason) == (SignupStatus.READY, "")
    assert trial_signup.completed_at is not None
    assert (tenant.name, tenant.slug, tenant.schema_name) == (
        "Gamma District Council",
        "gamma",
        "t_gamma",
    )
    assert schema_exists("t_gamma")
    assert list(Domain.objects.filter(tenant=tenant).values_list("domain", flat=True)) == [
        GAMMA_HOST
    ]
    assert (tenant.status, tenant.plan) == (LifecycleStatus.TRIAL, trial_plan)
    assert subscription.stripe_subscription_id == trial_signup.stripe_subscription_id
    assert subscription.stripe_customer_id == trial_signup.stripe_customer_id
    assert (subscription.stripe_status, subscription.stripe_price_id) == (
        "trialing",
        trial_plan.stripe_price_id,
    )
    assert subscription.trial_end - subscription.synced_at > timedelta(days=29)
    assert subscription.current_period_end == subscription.trial_end


def test_first_officer_is_invited_by_email_with_a_link_on_the_council_domain(trial_signup):
    tenant = tenant_of(trial_signup)
    with tenant_context(tenant):
        invitation = OutboxEmail.objects.get()
    assert invitation.recipient == "grace@gamma.test"
    assert invitation.sent_at is not None
    assert tenant.build_url("/accounts/invitation/") in invitation.body
    assert [message.to for message in mail.outbox] == [["grace@gamma.test"]]
    assert OutboxEmail.objects.filter(recipient="grace@gamma.test").count() == 0  # not public


def test_paid_checkout_without_trial_makes_an_active_council(annual_signup, annual_plan):
    tenant = tenant_of(annual_signup)
    assert (tenant.status, tenant.plan) == (LifecycleStatus.ACTIVE, annual_plan)
    assert Subscription.objects.get(tenant=tenant).stripe_status == "active"


def test_complete_checkout_again_makes_no_second_council(fake_stripe, trial_signup):
    with committed():
        assert complete_checkout(trial_signup.checkout_session_id) == trial_signup
        complete_checkout(trial_signup.checkout_session_id)
        for event in fake_stripe.events:
            post_webhook(*fake_stripe.signed(event))
    assert Tenant.objects.filter(slug="gamma").count() == 1
    assert CouncilSignup.objects.get().tenant_id == trial_signup.tenant_id
    assert Subscription.objects.count() == 1


def test_complete_checkout_before_the_webhook_makes_the_council(fake_stripe, trial_plan):
    fake_stripe.webhook_target = None  # the webhook is late: the success page asks instead
    signup = open_checkout(trial_plan)
    fake_stripe.pay_checkout(signup.checkout_session_id)
    with committed():
        complete_checkout(signup.checkout_session_id)
    signup.refresh_from_db()
    assert signup.status == SignupStatus.READY
    assert tenant_of(signup).status == LifecycleStatus.TRIAL


def test_complete_checkout_of_an_unpaid_session_makes_nothing(fake_stripe, trial_plan):
    signup = open_checkout(trial_plan)
    with committed():
        complete_checkout(signup.checkout_session_id)
    signup.refresh_from_db()
    assert (signup.status, signup.tenant) == (SignupStatus.CHECKOUT, None)
    assert not schema_exists("t_gamma")


def test_checkout_for_an_address_taken_meanwhile_fails_with_a_reason(fake_stripe, trial_plan):
    signup = pay(fake_stripe, open_checkout(trial_plan, slug="alpha"))
    assert (signup.status, signup.tenant) == (SignupStatus.FAILED, None)
    assert signup.failure_reason == (
        f"The address alpha.{settings.PLATFORM_DOMAIN} was taken by another council before this "
        "one's site could be made."
    )
    assert Tenant.objects.filter(slug="alpha").count() == 1


def test_abandoned_checkout_leaves_only_its_signup_record(fake_stripe, trial_plan):
    signup = open_checkout(trial_plan)
    with committed():
        fake_stripe.expire_checkout(signup.checkout_session_id)
    signup.refresh_from_db()
    assert (signup.status, signup.tenant) == (SignupStatus.EXPIRED, None)
    assert not Tenant.objects.filter(slug="gamma").exists()
    assert not schema_exists("t_gamma")
    assert Subscription.objects.count() == 0


def test_trial_ending_emails_the_date_once(fake_stripe, trial_signup):
    tenant = tenant_of(trial_signup)
    make_user(tenant, "officer@gamma.test", is_council_officer=True)
    with committed():
        fake_stripe.trial_will_end(trial_signup.stripe_subscription_id)
        post_webhook(*fake_stripe.signed(fake_stripe.events[-1]))  # a replay
    trial_end = Subscription.objects.get(tenant=tenant).trial_end
    with tenant_context(tenant):
        email = OutboxEmail.objects.get(subject="Your CoCharter free trial ends soon")
    assert email.recipient == "officer@gamma.test"
    assert f"ends on {trial_end:%-d %B %Y}" in email.body
    assert tenant.build_url("/manage/billing/") in email.body


def test_events_out_of_order_leave_stripes_state(fake_stripe, annual_signup):
    """A failed payment's events arriving after the payment that settled it: still active."""
    subscription_id = annual_signup.stripe_subscription_id
    fake_stripe.webhook_target = None
    failed = fake_stripe.fail_payment(subscription_id)
    paid = fake_stripe.pay(subscription_id)
    with committed():
        for event in [*paid, *failed]:
            post_webhook(*fake_stripe.signed(event))
    tenant = tenant_of(annual_signup)
    assert tenant.status == LifecycleStatus.ACTIVE
    assert Subscription.objects.get(tenant=tenant).stripe_status == "active"
    assert Subscription.objects.get(tenant=tenant).past_due_since is None
    assert not [s for _, s in outbox_of(tenant) if "payment did not go through" in s]


def test_council_lifecycle_from_payment_failure_to_closure(fake_stripe, annual_signup):
    tenant = tenant_of(annual_signup)
    subscription_id = annual_signup.stripe_subscription_id
    officer = make_user(tenant, "officer@gamma.test", is_council_officer=True)
    client = login(Client(HTTP_HOST=host_of(tenant)), tenant, officer)

    # The renewal fails: overdue, still open, and the officers are told until when.
    with committed():
        fake_stripe.fail_payment(subscription_id)
    tenant.refresh_from_db()
    subscription = Subscription.objects.get(tenant=tenant)
    assert (tenant.status, subscription.stripe_status) == (LifecycleStatus.PAST_DUE, "past_due")
    read_only_from = subscription.past_due_since + timedelta(days=14)
    with tenant_context(tenant):
        failed_email = OutboxEmail.objects.get(subject="Your CoCharter payment did not go through")
    assert failed_email.recipient == "officer@gamma.test"
    assert f"overdue on {read_only_from:%-d %B %Y}" in failed_email.body
    assert tenant.build_url("/manage/billing/") in failed_email.body

    # Beyond the grace period the daily task makes the site read-only.
    Subscription.objects.filter(pk=subscription.pk).update(
        past_due_since=timezone.now() - timedelta(days=15)
    )
    with committed():
        assert tasks.suspend_overdue_tenants() == 1
    tenant.refresh_from_db()
    assert tenant.status == LifecycleStatus.SUSPENDED
    refused = client.post("/manage/people/invite/", {"email": "x@gamma.test", "role": "assessor"})
    assert refused.status_code == 403
    assert "Changes are paused" in refused.content.decode()

    # Paying reactivates it.
    with committed():
        fake_stripe.pay(subscription_id)
    tenant.refresh_from_db()
    subscription.refresh_from_db()
    assert (tenant.status, subscription.past_due_since) == (LifecycleStatus.ACTIVE, None)
    assert client.get("/manage/people/").status_code == 200

    # Cancelled: read-only at once, and the officers told when the site closes.
    with committed():
        fake_stripe.cancel(subscription_id)
    tenant.refresh_from_db()
    subscription.refresh_from_db()
    assert (tenant.status, subscription.stripe_status) == (LifecycleStatus.SUSPENDED, "canceled")
    with tenant_context(tenant):
        cancelled_email = OutboxEmail.objects.get(subject="Your CoCharter subscription has ended")
    closes_on = subscription.canceled_at + timedelta(days=30)
    assert f"The site closes on {closes_on:%-d %B %Y}" in cancelled_email.body

    # After the close period the daily task closes it; no late event reopens it.
    Subscription.objects.filter(pk=subscription.pk).update(
        canceled_at=timezone.now() - timedelta(days=31)
    )
    with committed():
        assert tasks.close_cancelled_tenants() == 1
    tenant.refresh_from_db()
    assert tenant.status == LifecycleStatus.CLOSED
    assert Client(HTTP_HOST=host_of(tenant)).get("/").status_code == 410
    StripeEvent.objects.all().delete()
    with committed():
        for event in fake_stripe.events:
            post_webhook(*fake_stripe.signed(event))
    tenant.refresh_from_db()
    assert tenant.status == LifecycleStatus.CLOSED


def test_a_council_suspended_by_staff_stays_suspended_when_billing_says_paid(
    fake_stripe, annual_signup, admin_user
):
    """Platform staff's suspension holds against Stripe (a paid invoice, an updated
    subscription) until staff reactivate; then billing's state applies again."""
    tenant = tenant_of(annual_signup)
    subscription_id = annual_signup.stripe_subscription_id
    set_tenant_status(tenant, LifecycleStatus.SUSPENDED, acting_user=admin_user, staff_hold=True)

    with committed():
        fake_stripe.pay(subscription_id)
    tenant.refresh_from_db()
    assert (tenant.status, tenant.staff_hold) == (LifecycleStatus.SUSPENDED, True)

    set_tenant_status(tenant, LifecycleStatus.ACTIVE, acting_user=admin_user, staff_hold=False)
    with committed():
        fake_stripe.fail_payment(subscription_id)
    tenant.refresh_from_db()
    assert (tenant.status, tenant.staff_hold) == (LifecycleStatus.PAST_DUE, False)


def test_overdue_within_grace_is_not_suspended(fake_stripe, annual_signup):
    with committed():
        fake_stripe.fail_payment(annual_signup.stripe_subscription_id)
        assert tasks.suspend_overdue_tenants() == 0
    assert tenant_of(annual_signup).status == LifecycleStatus.PAST_DUE


def test_recently_cancelled_council_is_not_closed(fake_stripe, annual_signup):
    with committed():
        fake_stripe.cancel(annual_signup.stripe_subscription_id)
        assert tasks.close_cancelled_tenants() == 0
    assert tenant_of(annual_signup).status == LifecycleStatus.SUSPENDED


def expected_status(stripe_status: str) -> str:
    return {
        "trialing": LifecycleStatus.TRIAL,
        "active": LifecycleStatus.ACTIVE,
        "past_due": LifecycleStatus.PAST_DUE,
        "canceled": LifecycleStatus.SUSPENDED,
    }[stripe_status]


@pytest.mark.parametrize("last_step", ["pay", "cancel"])
def test_every_event_of_a_subscription_five_times_shuffled_ends_in_stripes_state(
    fake_stripe, trial_plan, last_step
):
    """A whole subscription's life (checkout, trial, trial ending, active, payment failed, paid
    again, and cancelled or not), each event delivered five times in a shuffled order."""
    fake_stripe.webhook_target = None
    signup = open_checkout(trial_plan)
    fake_stripe.pay_checkout(signup.checkout_session_id)
    subscription_id = fake_stripe.checkout_sessions[signup.checkout_session_id]["subscription"]
    fake_stripe.trial_will_end(subscription_id)
    fake_stripe.end_trial(subscription_id)
    fake_stripe.fail_payment(subscription_id)
    fake_stripe.pay(subscription_id)
    if last_step == "cancel":
        fake_stripe.cancel(subscription_id)
    deliveries = [event for event in fake_stripe.events for _ in range(5)]
    seed = 20261130
    print(f"shuffled with random.Random({seed})")
    random.Random(seed).shuffle(deliveries)

    for event in deliveries:
        with committed():
            assert post_webhook(*fake_stripe.signed(event)).status_code == 200

    stripe_subscription = fake_stripe.subscriptions[subscription_id]
    item = stripe_subscription["items"]["data"][0]
    signup.refresh_from_db()
    tenant = tenant_of(signup)
    row = Subscription.objects.get(tenant=tenant)
    assert Tenant.objects.filter(slug="gamma").count() == 1
    assert tenant.status == expected_status(stripe_subscription["status"])
    assert (
        row.stripe_subscription_id,
        row.stripe_customer_id,
        row.stripe_status,
        row.stripe_price_id,
        row.current_period_end,
        row.trial_end,
        row.cancel_at_period_end,
    ) == (
        subscription_id,
        stripe_subscription["customer"],
        stripe_subscription["status"],
        item["price"]["id"],
        from_timestamp(item["current_period_end"]),
        from_timestamp(stripe_subscription["trial_end"]),
        False,
    )
    assert (row.canceled_at is not None) == (last_step == "cancel")
    assert StripeEvent.objects.count() == len(fake_stripe.events)
    assert not StripeEvent.objects.filter(processed_at__isnull=True).exists()


def test_payment_failed_emails_the_council_once_and_no_other(fake_stripe, annual_signup, tenant_a):
    tenant = tenant_of(annual_signup)
    with committed():
        events = fake_stripe.fail_payment(annual_signup.stripe_subscription_id)
        for event in events:  # Stripe's retries
            post_webhook(*fake_stripe.signed(event))
    # Before any officer has accepted, the person who signed the council up is told.
    assert [
        recipient for recipient, subject in outbox_of(tenant) if "did not go through" in subject
    ] == ["grace@gamma.test"]
    assert outbox_of(tenant_a) == []


def test_plan_changed_in_the_portal_changes_the_council_plan(
    fake_stripe, trial_signup, annual_plan
):
    client = stripe_client()
    subscription_id = trial_signup.stripe_subscription_id
    item_id = client.v1.subscriptions.retrieve(subscription_id)["items"].data[0].id
    with committed():
        client.v1.subscriptions.update(
            subscription_id,
            params={
                "items": [{"id": item_id, "price": annual_plan.stripe_price_id}],
                "cancel_at_period_end": True,
            },
        )
        assert [event["type"] for event in fake_stripe.deliver_pending()] == [
            "customer.subscription.updated"
        ]
    tenant = tenant_of(trial_signup)
    row = Subscription.objects.get(tenant=tenant)
    assert tenant.plan == annual_plan
    assert (row.stripe_price_id, row.cancel_at_period_end) == (annual_plan.stripe_price_id, True)
