"""/manage/billing/ on a council's site: officers only, the plan and the subscription in words,
the way to Stripe's portal (also while suspended), and nothing of another council's billing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from platform_.billing.enums import StripeStatus
from platform_.billing.models import Subscription
from tenants.enums import LifecycleStatus
from tests.helpers import committed, login, make_user

NOW = timezone.now()


def subscribe(fake_stripe, tenant, plan, **fields) -> Subscription:
    """A subscription of ``tenant`` whose customer the fake server knows."""
    customer = fake_stripe._add_customer(email=f"billing@{tenant.slug}.test", name=tenant.name)
    tenant.plan = plan
    tenant.save(update_fields=["plan"])
    values = {
        "stripe_customer_id": customer["id"],
        "stripe_subscription_id": f"sub_{tenant.slug}",
        "stripe_status": StripeStatus.ACTIVE,
        "stripe_price_id": plan.stripe_price_id,
        "current_period_end": NOW + timedelta(days=200),
        **fields,
    }
    return Subscription.objects.create(tenant=tenant, **values)


@pytest.fixture
def officer_client(client_a, tenant_a, officer_a):
    return login(client_a, tenant_a, officer_a)


def test_anonymous_visitors_are_sent_to_sign_in(client_a):
    response = client_a.get("/manage/billing/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/manage/billing/"
    assert client_a.post("/manage/billing/portal/").status_code == 302


@pytest.mark.parametrize(
    "roles", [{"is_assessor": True}, {"is_organisation_member": True}, {}], ids=str
)
def test_people_who_are_not_officers_are_refused(fake_stripe, client_a, tenant_a, roles):
    login(client_a, tenant_a, make_user(tenant_a, "person@alpha.test", **roles))
    assert client_a.get("/manage/billing/").status_code == 403
    assert client_a.post("/manage/billing/portal/").status_code == 403
    assert fake_stripe.portal_sessions == {}


def test_a_council_without_a_subscription_is_told_the_platform_team_handles_billing(
    officer_client,
):
    html = officer_client.get("/manage/billing/").content.decode()
    assert "Billing for Alpha City Council is handled by the platform team." in html
    assert "Manage payment and plan" not in html


def test_the_manage_hub_links_to_billing(officer_client):
    assert 'href="/manage/billing/"' in officer_client.get("/manage/").content.decode()


def test_an_active_subscription_shows_its_plan_and_next_payment(
    fake_stripe, officer_client, tenant_a, annual_plan
):
    subscribe(fake_stripe, tenant_a, annual_plan, current_period_end=NOW + timedelta(days=200))
    html = officer_client.get("/manage/billing/").content.decode()

    day = timezone.localtime(NOW + timedelta(days=200)).strftime("%-d %B %Y")
    assert (
        '<dt class="govuk-summary-list__key">Plan</dt>'
        '<dd class="govuk-summary-list__value">Council</dd>' in html
    )
    assert '>Status</dt><dd class="govuk-summary-list__value">Active</dd>' in html
    assert f'>Next payment</dt><dd class="govuk-summary-list__value">{day}</dd>' in html
    assert "Manage payment and plan" in html
    assert (
        f"form-action 'self' {fake_stripe.url};"
        in officer_client.get("/manage/billing/")["Content-Security-Policy"]
    )


def test_a_trial_shows_when_it_ends(fake_stripe, officer_client, tenant_a, trial_plan):
    trial_end = NOW + timedelta(days=30)
    subscribe(
        fake_stripe, tenant_a, trial_plan, stripe_status=StripeStatus.TRIALING, trial_end=trial_end
    )
    html = officer_client.get("/manage/billing/").content.decode()

    day = timezone.localtime(trial_end).strftime("%-d %B %Y")
    assert ">Free trial</dd>" in html
    assert f'>Trial ends</dt><dd class="govuk-summary-list__value">{day}</dd>' in html


def test_past_due_warns_when_the_site_becomes_read_only(
    fake_stripe, officer_client, tenant_a, annual_plan, settings
):
    settings.BILLING_PAST_DUE_GRACE_DAYS = 14
    since = NOW - timedelta(days=2)
    subscribe(
        fake_stripe,
        tenant_a,
        annual_plan,
        stripe_status=StripeStatus.PAST_DUE,
        past_due_since=since,
    )
    html = officer_client.get("/manage/billing/").content.decode()

    deadline = timezone.localtime(since + timedelta(days=14)).strftime("%-d %B %Y")
    assert ">Payment overdue</dd>" in html
    assert f"Update your payment details by {deadline}, or your site will become read-only." in html


def test_a_cancelled_plan_shows_when_it_ends(fake_stripe, officer_client, tenant_a, annual_plan):
    end = NOW + timedelta(days=20)
    subscribe(fake_stripe, tenant_a, annual_plan, cancel_at_period_end=True, current_period_end=end)
    html = officer_client.get("/manage/billing/").content.decode()

    day = timezone.localtime(end).strftime("%-d %B %Y")
    assert f"Cancelled: your plan ends on {day}" in html
    assert "Next payment" not in html


def test_the_portal_button_opens_stripes_portal_with_the_way_back_to_this_council(
    fake_stripe, officer_client, tenant_a, annual_plan
):
    subscription = subscribe(fake_stripe, tenant_a, annual_plan)
    response = officer_client.post("/manage/billing/portal/", HTTP_HOST="alpha.localhost:9999")

    (session,) = fake_stripe.portal_sessions.values()
    assert response.status_code == 303
    assert response["Location"] == session["url"]
    assert session["customer"] == subscription.stripe_customer_id
    assert session["return_url"] == "http://alpha.localhost/manage/billing/"


def test_a_suspended_council_can_still_reach_the_portal_to_pay(
    fake_stripe, officer_client, tenant_a, annual_plan
):
    subscribe(
        fake_stripe,
        tenant_a,
        annual_plan,
        stripe_status=StripeStatus.PAST_DUE,
        past_due_since=NOW - timedelta(days=20),
    )
    tenant_a.status = LifecycleStatus.SUSPENDED
    tenant_a.save(update_fields=["status"])

    page = officer_client.get("/manage/billing/")
    portal = officer_client.post("/manage/billing/portal/")
    other_write = officer_client.post("/manage/people/invite/", {"email": "x@alpha.test"})

    assert page.status_code == 200
    assert "Your site is read-only" in page.content.decode()
    assert portal.status_code == 303
    assert other_write.status_code == 403  # still read-only everywhere else
    assert officer_client.post("/manage/billing/portal/extra").status_code == 403


def test_a_stripe_failure_is_explained_on_the_billing_page(
    fake_stripe, officer_client, tenant_a, annual_plan
):
    subscription = subscribe(fake_stripe, tenant_a, annual_plan)
    fake_stripe.customers.pop(subscription.stripe_customer_id)

    response = officer_client.post("/manage/billing/portal/")

    assert response.status_code == 200
    assert (
        "We could not reach our payment provider. Try again in a few minutes."
        in response.content.decode()
    )


def test_an_officer_of_alpha_reaches_nothing_of_betas_billing(
    fake_stripe, officer_client, client_b, tenant_a, tenant_b, officer_b, annual_plan, trial_plan
):
    beta = subscribe(fake_stripe, tenant_b, trial_plan, stripe_status=StripeStatus.TRIALING)
    html = officer_client.get("/manage/billing/").content.decode()

    assert "handled by the platform team" in html  # Alpha has no subscription of its own
    assert "Starter" not in html and "Free trial" not in html
    officer_client.post("/manage/billing/portal/")
    assert fake_stripe.portal_sessions == {}  # no portal opened on Beta's customer
    # Alpha's officer's session means nothing on Beta's host.
    client_b.cookies = officer_client.cookies
    assert client_b.get("/manage/billing/").status_code == 302
    login(client_b, tenant_b, officer_b)
    response = client_b.post("/manage/billing/portal/")
    (session,) = fake_stripe.portal_sessions.values()
    assert session["customer"] == beta.stripe_customer_id
    assert session["return_url"] == "http://beta.localhost/manage/billing/"
    assert response.status_code == 303


def cancelled_and_suspended(fake_stripe, tenant, plan) -> Subscription:
    subscription = subscribe(
        fake_stripe, tenant, plan, stripe_status=StripeStatus.CANCELED, canceled_at=NOW
    )
    tenant.status = LifecycleStatus.SUSPENDED
    tenant.save(update_fields=["status"])
    return subscription


def test_a_council_whose_subscription_ended_subscribes_again_and_opens(
    fake_stripe, officer_client, tenant_a, annual_plan
):
    old = cancelled_and_suspended(fake_stripe, tenant_a, annual_plan)
    fake_stripe.webhook_target = None  # the billing page's way back does the work
    page = officer_client.get("/manage/billing/").content.decode()
    assert "Subscribe again to the Council plan" in page

    response = officer_client.post("/manage/billing/reactivate/")

    (session,) = fake_stripe.checkout_sessions.values()
    assert response.status_code == 303
    assert response["Location"] == session["url"]
    assert session["customer"] == old.stripe_customer_id
    assert session["metadata"] == {"reactivate_tenant": str(tenant_a.pk)}
    assert session["_line_items"] == [{"price": annual_plan.stripe_price_id, "quantity": 1}]
    assert session["success_url"] == (
        "http://alpha.localhost/manage/billing/?session_id={CHECKOUT_SESSION_ID}"
    )

    fake_stripe.pay_checkout(session["id"])
    back = officer_client.get(f"/manage/billing/?session_id={session['id']}")

    assert (back.status_code, back["Location"]) == (302, "/manage/billing/")
    tenant_a.refresh_from_db()
    subscription = Subscription.objects.get(tenant=tenant_a)
    assert tenant_a.status == LifecycleStatus.ACTIVE
    assert subscription.stripe_subscription_id == session["subscription"]
    assert subscription.stripe_status == StripeStatus.ACTIVE
    assert ">Active</dd>" in officer_client.get("/manage/billing/").content.decode()


def test_a_reactivation_paid_after_the_officer_closed_the_tab_opens_the_site_by_webhook(
    fake_stripe, officer_client, tenant_a, annual_plan
):
    """The officer pays and never comes back to the billing page: the webhook alone reopens."""
    cancelled_and_suspended(fake_stripe, tenant_a, annual_plan)
    officer_client.post("/manage/billing/reactivate/")
    (session,) = fake_stripe.checkout_sessions.values()

    with committed():
        fake_stripe.pay_checkout(session["id"])
        fake_stripe.deliver_pending()

    tenant_a.refresh_from_db()
    subscription = Subscription.objects.get(tenant=tenant_a)
    assert tenant_a.status == LifecycleStatus.ACTIVE
    assert subscription.stripe_subscription_id == session["subscription"]
    assert subscription.stripe_status == StripeStatus.ACTIVE


def test_subscribing_again_is_not_offered_while_a_subscription_lives(
    fake_stripe, officer_client, tenant_a, annual_plan
):
    subscribe(fake_stripe, tenant_a, annual_plan)
    assert "Subscribe again" not in officer_client.get("/manage/billing/").content.decode()
    response = officer_client.post("/manage/billing/reactivate/")
    assert response.status_code == 200
    assert fake_stripe.checkout_sessions == {}


def test_a_reactivation_of_beta_cannot_be_claimed_on_alphas_host(
    fake_stripe, officer_client, client_b, tenant_a, tenant_b, officer_b, annual_plan
):
    cancelled_and_suspended(fake_stripe, tenant_a, annual_plan)
    cancelled_and_suspended(fake_stripe, tenant_b, annual_plan)
    fake_stripe.webhook_target = None
    login(client_b, tenant_b, officer_b).post("/manage/billing/reactivate/")
    (session,) = fake_stripe.checkout_sessions.values()
    fake_stripe.pay_checkout(session["id"])

    officer_client.get(f"/manage/billing/?session_id={session['id']}")

    tenant_a.refresh_from_db()
    tenant_b.refresh_from_db()
    assert (tenant_a.status, tenant_b.status) == (LifecycleStatus.SUSPENDED,) * 2
    assert Subscription.objects.get(tenant=tenant_a).stripe_status == StripeStatus.CANCELED
