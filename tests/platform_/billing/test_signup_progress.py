"""/signup/<id>/: the sign up's progress in words, its JSON for the page's script, and the check
with Stripe when the webhook is late. Never a link to a site that is not ready."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from platform_.billing.enums import SignupStatus
from platform_.billing.services import signups
from tenants.enums import LifecycleStatus
from tests.fixtures.signups import make_signup


@pytest.fixture
def signup(fake_stripe, annual_plan):
    return make_signup(annual_plan)


def progress_json(client, signup) -> dict:
    response = client.get(f"/signup/{signup.public_id}/status/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    return response.json()


def test_an_unknown_sign_up_is_not_found(fake_stripe, platform_client):
    unknown = "8d3f1c1e-0000-4000-8000-000000000000"
    assert platform_client.get(f"/signup/{unknown}/").status_code == 404
    assert platform_client.get(f"/signup/{unknown}/status/").status_code == 404
    assert platform_client.get("/signup/42/").status_code == 404


def test_sign_up_pages_are_only_on_the_platform_host(signup, client_a):
    assert client_a.get(f"/signup/{signup.public_id}/").status_code == 404
    assert client_a.get("/signup/").status_code == 404


def test_waiting_for_payment(platform_client, signup):
    html = platform_client.get(f"/signup/{signup.public_id}/").content.decode()

    assert "Waiting for your payment to be confirmed" in html
    assert f'<a class="govuk-link" href="/signup/{signup.public_id}/">Check again</a>' in html
    assert 'src="/static/js/signup_progress.mjs"' in html
    assert 'aria-live="polite"' in html
    assert progress_json(platform_client, signup) == {
        "state": "waiting",
        "heading": "Waiting for your payment to be confirmed",
        "message": "This page will update when the payment is confirmed.",
        "finished": False,
        "steps": [
            {"name": "Payment received", "state": "in progress"},
            {"name": "Making your site", "state": "not started"},
            {"name": "Ready", "state": "not started"},
        ],
        "links": [],
    }


def test_paid_means_the_site_is_being_made_and_there_is_no_link_yet(platform_client, signup):
    signup.status = SignupStatus.PAID
    signup.save(update_fields=["status"])

    html = platform_client.get(f"/signup/{signup.public_id}/").content.decode()
    data = progress_json(platform_client, signup)

    assert "Payment received. We are making your site" in html
    assert "alpha.localhost" not in html and "gamma.localhost" not in html
    assert (data["state"], data["links"], data["finished"]) == ("making", [], False)
    assert [step["state"] for step in data["steps"]] == ["done", "in progress", "not started"]


def test_ready_links_to_the_site_and_says_who_was_invited(platform_client, signup, tenant_a):
    signup.status, signup.tenant = SignupStatus.READY, tenant_a
    signup.save(update_fields=["status", "tenant"])

    html = platform_client.get(f"/signup/{signup.public_id}/").content.decode()
    data = progress_json(platform_client, signup)

    assert "Your site is ready" in html
    assert "We have emailed gita@gamma.example an invitation." in html
    assert 'href="http://alpha.localhost/">Go to your new site</a>' in html
    assert "Check again" not in html
    assert "signup_progress.mjs" not in html  # nothing left to wait for
    assert data["state"] == "ready" and data["finished"] is True
    assert data["links"] == [{"text": "Go to your new site", "href": "http://alpha.localhost/"}]


def test_ready_but_the_site_not_serving_is_still_being_made(platform_client, signup, tenant_a):
    tenant_a.status = LifecycleStatus.CLOSED
    tenant_a.save(update_fields=["status"])
    signup.status, signup.tenant = SignupStatus.READY, tenant_a
    signup.save(update_fields=["status", "tenant"])

    data = progress_json(platform_client, signup)

    assert (data["state"], data["links"]) == ("making", [])


def test_an_expired_checkout_says_so_and_offers_to_start_again(platform_client, signup):
    signup.status = SignupStatus.EXPIRED
    signup.save(update_fields=["status"])

    html = platform_client.get(f"/signup/{signup.public_id}/").content.decode()

    assert "This sign up was not completed" in html
    assert "nothing has been charged" in html
    assert f'href="/signup/?again={signup.public_id}">Start again</a>' in html
    assert progress_json(platform_client, signup)["state"] == "expired"


def test_a_checkout_past_its_time_reads_as_expired(platform_client, signup):
    signup.expires_at = timezone.now() - timedelta(minutes=1)
    signup.save(update_fields=["expires_at"])
    assert progress_json(platform_client, signup)["state"] == "expired"


def test_a_failure_says_whom_to_contact(platform_client, signup, settings):
    settings.PLATFORM_CONTACT_EMAIL = "help@cocharter.example"
    signup.status = SignupStatus.FAILED
    signup.save(update_fields=["status"])

    html = platform_client.get(f"/signup/{signup.public_id}/").content.decode()

    assert "We could not make your site" in html
    assert f"Email help@cocharter.example and quote reference {signup.public_id}" in html
    assert 'href="mailto:help@cocharter.example">Email help@cocharter.example</a>' in html


def opened(fake_stripe, signup):
    """The sign up with a real checkout session on the fake server."""
    signups.open_checkout(signup)
    signup.refresh_from_db()
    fake_stripe.requests.clear()
    return signup


def test_a_checkout_stripe_expired_is_marked_expired_without_waiting_for_a_webhook(
    fake_stripe, platform_client, signup
):
    signup = opened(fake_stripe, signup)
    fake_stripe.webhook_target = None
    fake_stripe.expire_checkout(signup.checkout_session_id)

    data = progress_json(platform_client, signup)

    signup.refresh_from_db()
    assert signup.status == SignupStatus.EXPIRED
    assert data["state"] == "expired"


def test_stripe_is_asked_at_most_once_in_ten_seconds_per_sign_up(
    fake_stripe, platform_client, signup
):
    signup = opened(fake_stripe, signup)
    for _ in range(3):
        progress_json(platform_client, signup)
    path = f"/v1/checkout/sessions/{signup.checkout_session_id}"
    assert fake_stripe.requests == [("GET", path)]


def test_a_session_id_that_is_not_the_sign_ups_own_is_ignored(fake_stripe, platform_client, signup):
    signup = opened(fake_stripe, signup)
    platform_client.get(f"/signup/{signup.public_id}/?session_id=cs_test_someone_else")
    assert fake_stripe.requests == []


def test_without_billing_the_progress_page_still_answers_without_asking_stripe(
    fake_stripe, platform_client, signup, settings
):
    signup = opened(fake_stripe, signup)
    settings.STRIPE_SECRET_KEY = ""
    assert progress_json(platform_client, signup)["state"] == "waiting"
    assert fake_stripe.requests == []
