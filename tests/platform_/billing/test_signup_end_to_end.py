"""A council signs itself up: the home page, the form, the fake Stripe's hosted checkout, the
webhook, the site made, the progress page saying ready, and the officer's invitation on the new
site's own domain. Everything real but Stripe's servers (the fake) and mail delivery."""

from __future__ import annotations

import re
import urllib.request

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django_tenants.utils import tenant_context

from platform_.billing.enums import SignupStatus
from platform_.billing.models import CouncilSignup
from platform_.outbox.models import OutboxEmail
from tenants.enums import LifecycleStatus
from tenants.middleware import forget_cached_hosts
from tenants.models import Tenant
from tests.helpers import committed

GAMMA_HOST = f"gamma.{settings.PLATFORM_DOMAIN}"


@pytest.fixture(autouse=True)
def _forget_gamma():
    yield
    forget_cached_hosts([GAMMA_HOST])


def sign_up(platform_client, data) -> tuple[CouncilSignup, str]:
    """Home page -> Start now -> the form, filled in; the sign up and Stripe's checkout page."""
    home = platform_client.get("/").content.decode()
    start = re.search(r'href="([^"]+)" role="button"[^>]*govuk-button--start', home).group(1)
    assert platform_client.get(start).status_code == 200
    response = platform_client.post(start, data)
    assert response.status_code == 303
    return CouncilSignup.objects.get(), response["Location"]


def test_a_council_signs_up_pays_and_is_invited_to_its_new_site(
    fake_stripe, platform_client, signup_form_data, annual_plan
):
    signup, checkout_url = sign_up(platform_client, signup_form_data)

    # Stripe's hosted page (the fake's) shows the plan and the officer's email.
    with urllib.request.urlopen(checkout_url, timeout=10) as page:  # noqa: S310 (the fake)
        checkout = page.read().decode()
    assert "Pay for CoCharter" in checkout and "gita@gamma.example" in checkout

    # Pay: Stripe's events reach /stripe/webhook/, which provisions the site after commit.
    with committed():
        fake_stripe.pay_checkout(signup.checkout_session_id)
    signup.refresh_from_db()
    assert signup.status == SignupStatus.READY

    # Stripe sends the council back to the progress page.
    session = fake_stripe.checkout_sessions[signup.checkout_session_id]
    back = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])
    assert back.startswith(f"http://localhost/signup/{signup.public_id}/?session_id=cs_test_")
    html = platform_client.get(back.removeprefix("http://localhost")).content.decode()
    assert "Your site is ready" in html
    assert "We have emailed gita@gamma.example an invitation." in html
    assert 'href="http://gamma.localhost/">Go to your new site</a>' in html

    tenant = Tenant.objects.get(slug="gamma")
    assert (tenant.name, tenant.status, tenant.plan) == (
        "Gamma District Council",
        LifecycleStatus.ACTIVE,
        annual_plan,
    )
    with tenant_context(tenant):
        invitation = OutboxEmail.objects.get()
    assert invitation.recipient == "gita@gamma.example"
    link = re.search(r"http://gamma\.localhost/accounts/invitation/\S+", invitation.body).group()
    assert [message.to for message in mail.outbox] == [["gita@gamma.example"]]

    # The new site answers, and its invitation opens there.
    gamma = Client(HTTP_HOST=GAMMA_HOST)
    assert gamma.get("/").status_code == 200
    assert gamma.get(link.removeprefix("http://gamma.localhost")).status_code == 200


def test_when_the_webhook_is_late_the_progress_page_asks_stripe(
    fake_stripe, platform_client, signup_form_data, trial_plan
):
    data = {**signup_form_data, "plan": str(trial_plan.pk)}
    signup, _ = sign_up(platform_client, data)
    fake_stripe.webhook_target = None  # Stripe's events do not arrive
    fake_stripe.pay_checkout(signup.checkout_session_id)
    page = f"/signup/{signup.public_id}/?session_id={signup.checkout_session_id}"

    with committed():
        first = platform_client.get(page).content.decode()
    second = platform_client.get(page).content.decode()

    assert "Payment received. We are making your site" in first
    assert "gamma.localhost" not in first  # never a link to a half-made site
    assert "Your site is ready" in second
    assert Tenant.objects.get(slug="gamma").status == LifecycleStatus.TRIAL


def test_cancelling_on_stripes_page_returns_to_the_form_with_nothing_made(
    fake_stripe, platform_client, signup_form_data
):
    signup, _ = sign_up(platform_client, signup_form_data)
    session = fake_stripe.checkout_sessions[signup.checkout_session_id]

    html = platform_client.get(session["cancel_url"].removeprefix("http://localhost")).content
    html = html.decode()

    assert "You left the payment page before paying, so nothing has been charged." in html
    assert 'value="Gamma District Council"' in html
    assert not Tenant.objects.filter(slug="gamma").exists()
