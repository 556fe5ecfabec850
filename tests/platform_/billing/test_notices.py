"""Billing notices on a council's pages (trial, overdue, suspended) and the test-mode label.

Alpha is on the small plan; the notices need its Subscription, read with one query, and only for
the people who see them.
"""

from datetime import UTC, datetime
from html import unescape

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from platform_.billing.models import Subscription
from tenants.enums import LifecycleStatus
from tests.helpers import login, make_user

TRIAL_END = datetime(2027, 1, 3, 10, 0, tzinfo=UTC)
DECEMBER_1 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
LINK = 'href="/manage/billing/"'


def page(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return unescape(response.content.decode())


def set_status(tenant, status: str) -> None:
    tenant.status = status
    tenant.save(update_fields=["status"])  # forgets the cached tenant, as the services do


@pytest.fixture
def subscription_a(tenant_a_on_small_plan) -> Subscription:
    return Subscription.objects.create(
        tenant=tenant_a_on_small_plan,
        stripe_customer_id="cus_alpha",
        stripe_subscription_id="sub_alpha",
        stripe_status="trialing",
        trial_end=TRIAL_END,
    )


@pytest.fixture
def member_a(tenant_a):
    return make_user(tenant_a, "member@alpha.test", is_organisation_member=True)


def test_officers_see_when_the_trial_ends_with_a_link_to_billing(
    subscription_a, officer_a, client_a
):
    html = page(login(client_a, subscription_a.tenant, officer_a))

    assert "Your free trial ends on 3 January 2027." in html
    assert f'<a class="govuk-notification-banner__link" {LINK}>Choose how to pay</a>' in html
    assert 'role="region" aria-labelledby="billing-notice-title"' in html


def test_others_see_no_trial_notice(subscription_a, member_a, client_a):
    assert "free trial" not in page(login(client_a, subscription_a.tenant, member_a))
    client_a.logout()
    assert "free trial" not in page(client_a)


def test_a_council_without_a_plan_shows_officers_no_trial_notice(tenant_a, officer_a, client_a):
    html = page(login(client_a, tenant_a, officer_a))

    assert "billing-notice-title" not in html


def test_officers_of_an_overdue_council_see_the_date_to_pay_by(
    subscription_a, officer_a, member_a, client_a
):
    Subscription.objects.filter(pk=subscription_a.pk).update(
        stripe_status="past_due", past_due_since=DECEMBER_1
    )
    set_status(subscription_a.tenant, LifecycleStatus.PAST_DUE)

    html = page(login(client_a, subscription_a.tenant, officer_a))

    assert (
        "We could not take your last payment. Update your card by 15 December 2026 "
        "to keep full access." in html
    )
    assert f"{LINK}>Update your card</a>" in html
    assert "could not take" not in page(login(client_a, subscription_a.tenant, member_a))


def test_everyone_signed_in_sees_a_suspension_for_an_overdue_payment_and_officers_the_link(
    subscription_a, officer_a, member_a, client_a
):
    Subscription.objects.filter(pk=subscription_a.pk).update(
        stripe_status="unpaid", past_due_since=DECEMBER_1
    )
    set_status(subscription_a.tenant, LifecycleStatus.SUSPENDED)
    text = (
        "This site is read-only because a payment is overdue. "
        "Everyone can still read it, and certificates can still be checked."
    )

    as_member = page(login(client_a, subscription_a.tenant, member_a))
    as_officer = page(login(client_a, subscription_a.tenant, officer_a))
    client_a.logout()
    anonymous = page(client_a)

    assert text in as_member and LINK not in as_member
    assert (
        text in as_officer and f"{LINK}>Update your card to restore full access</a>" in as_officer
    )
    assert "read-only" not in anonymous


def test_a_cancelled_council_says_when_it_closes(subscription_a, member_a, client_a):
    Subscription.objects.filter(pk=subscription_a.pk).update(
        stripe_status="canceled", canceled_at=DECEMBER_1
    )
    set_status(subscription_a.tenant, LifecycleStatus.SUSPENDED)

    html = page(login(client_a, subscription_a.tenant, member_a))

    assert (
        "This site is read-only because the council's subscription was cancelled. "
        "It closes on 31 December 2026. Everyone can still read it" in html
    )


def test_a_council_suspended_by_platform_staff_says_read_only_without_a_reason(
    tenant_b, officer_b, client_b
):
    set_status(tenant_b, LifecycleStatus.SUSPENDED)

    html = page(login(client_b, tenant_b, officer_b))

    assert "This site is read-only for now, so nothing can be changed." in html
    assert LINK not in html


def test_the_notice_costs_officers_one_query_and_others_none(
    subscription_a, officer_a, member_a, client_a, tenant_b, client_b
):
    """Beta (no plan) is the same page without the notice."""
    officer_b = make_user(tenant_b, "officer@beta.test", is_council_officer=True)
    member_b = make_user(tenant_b, "member@beta.test", is_organisation_member=True)

    def queries(client, tenant, user) -> int:
        login(client, tenant, user)
        client.get("/")  # caches the tenant and the session's first reads
        with CaptureQueriesContext(connection) as captured:
            page(client)
        return len(captured)

    assert queries(client_a, subscription_a.tenant, officer_a) == (
        queries(client_b, tenant_b, officer_b) + 1
    )
    assert queries(client_a, subscription_a.tenant, member_a) == queries(
        client_b, tenant_b, member_b
    )


@override_settings(STRIPE_SECRET_KEY="sk_test_notreal")
def test_test_mode_is_labelled_on_council_and_platform_pages(client_a, platform_client):
    label = 'Test mode</strong><span class="govuk-phase-banner__text">Payments are simulated'

    assert label in page(client_a)
    assert label in page(platform_client)
    admin_login = platform_client.get("/admin/login/").content.decode()
    assert "<strong>Test mode</strong>: payments are simulated; no money is taken." in admin_login


@override_settings(STRIPE_SECRET_KEY="sk_live_notreal", STRIPE_API_BASE="")
def test_live_billing_has_no_test_mode_label(client_a, platform_client):
    assert "Test mode" not in page(client_a)
    assert "Test mode" not in page(platform_client)
