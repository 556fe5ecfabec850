"""/signup/ on the platform host: every rule for the subdomain, the plans offered, and the
Stripe Checkout session it opens (read back from the fake Stripe server)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from platform_.billing.enums import SignupStatus
from platform_.billing.forms import SignupForm
from platform_.billing.models import CouncilSignup
from tenants.models import Plan
from tests.fixtures.signups import make_signup


def slug_errors(data: dict, slug: str) -> list[str]:
    form = SignupForm({**data, "slug": slug})
    form.is_valid()
    return list(form.errors.get("slug", []))


def test_a_valid_form_is_accepted(fake_stripe, signup_form_data):
    form = SignupForm(signup_form_data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["slug"] == "gamma"


@pytest.mark.parametrize("slug", ["ab", "Gamma!", "gamma_city", "9gamma", "gamma-", "a" * 41, "é"])
def test_a_subdomain_with_bad_characters_or_length_is_refused(fake_stripe, signup_form_data, slug):
    assert slug_errors(signup_form_data, slug) == [
        "Enter a subdomain of 3 to 40 lower-case letters, numbers and hyphens, starting with a"
        " letter and not ending with a hyphen"
    ]


def test_capitals_and_spaces_around_a_subdomain_are_forgiven(fake_stripe, signup_form_data):
    form = SignupForm({**signup_form_data, "slug": "  Gamma "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["slug"] == "gamma"


@pytest.mark.parametrize("slug", ["www", "admin", "api", "static", "template"])
def test_a_reserved_subdomain_is_refused(fake_stripe, signup_form_data, slug):
    assert slug_errors(signup_form_data, slug) == [
        f"{slug}.localhost is reserved. Choose another subdomain"
    ]


def test_a_subdomain_of_an_existing_council_is_refused(fake_stripe, signup_form_data, tenant_a):
    assert slug_errors(signup_form_data, "alpha") == [
        "alpha.localhost is already taken. Choose another subdomain"
    ]


def test_the_platform_and_template_rows_hold_their_slugs(fake_stripe, signup_form_data):
    assert slug_errors(signup_form_data, "platform") == [
        "platform.localhost is already taken. Choose another subdomain"
    ]
    assert slug_errors(signup_form_data, "cocharter-template") == [
        "cocharter-template.localhost is already taken. Choose another subdomain"
    ]


@pytest.mark.parametrize("status", [SignupStatus.CHECKOUT, SignupStatus.PAID])
def test_a_subdomain_held_by_an_open_sign_up_is_refused(
    fake_stripe, signup_form_data, annual_plan, status
):
    make_signup(annual_plan, status=status)
    assert slug_errors(signup_form_data, "gamma") == [
        "gamma.localhost is already taken. Choose another subdomain"
    ]


def test_a_paid_sign_up_holds_its_subdomain_however_late(
    fake_stripe, signup_form_data, annual_plan
):
    make_signup(
        annual_plan, status=SignupStatus.PAID, expires_at=timezone.now() - timedelta(days=3)
    )
    assert slug_errors(signup_form_data, "gamma") != []


def test_an_unpaid_checkout_holds_its_subdomain_for_an_hour_after_it_expires(
    fake_stripe, signup_form_data, annual_plan
):
    signup = make_signup(annual_plan, expires_at=timezone.now() - timedelta(minutes=50))
    assert slug_errors(signup_form_data, "gamma") != []

    signup.expires_at = timezone.now() - timedelta(minutes=61)
    signup.save(update_fields=["expires_at"])
    assert slug_errors(signup_form_data, "gamma") == []


@pytest.mark.parametrize("status", [SignupStatus.EXPIRED, SignupStatus.FAILED])
def test_an_expired_or_failed_sign_up_frees_its_subdomain(
    fake_stripe, signup_form_data, annual_plan, status
):
    make_signup(annual_plan, status=status)
    assert slug_errors(signup_form_data, "gamma") == []


def test_a_plan_without_a_stripe_price_cannot_be_chosen(fake_stripe, signup_form_data):
    unpriced = Plan.objects.create(name="Unpriced", price_pence=100, stripe_price_id="")
    form = SignupForm({**signup_form_data, "plan": str(unpriced.pk)})

    assert not form.is_valid()
    assert form.errors["plan"] == ["Select one of the plans shown"]
    assert unpriced not in form.fields["plan"].queryset


def test_an_unavailable_plan_cannot_be_chosen(fake_stripe, signup_form_data, annual_plan):
    annual_plan.is_available = False
    annual_plan.save(update_fields=["is_available"])
    form = SignupForm(signup_form_data)
    assert form.errors["plan"] == ["Select one of the plans shown"]


def test_every_missing_field_is_named(fake_stripe, annual_plan):
    form = SignupForm({})
    assert form.errors == {
        "council_name": ["Enter the name of your council or board"],
        "kind": ["Select what kind of organisation it is"],
        "slug": ["Enter the subdomain you want for your site"],
        "officer_name": ["Enter your full name"],
        "officer_email": ["Enter your work email address"],
        "plan": ["Select a plan"],
    }


# --- The page ---------------------------------------------------------------------------------


def test_the_form_shows_the_subdomain_suffix_and_the_priced_plans(
    fake_stripe, platform_client, annual_plan, trial_plan
):
    Plan.objects.create(name="Unpriced", price_pence=100, stripe_price_id="")
    html = platform_client.get("/signup/").content.decode()

    assert '<div class="govuk-input__suffix" aria-hidden="true">.localhost</div>' in html
    assert "Starter: £40 a month" in html
    assert "Council: £1,200 a year" in html
    assert "Unpriced" not in html
    assert "30 days free" in html


def test_errors_show_a_summary_and_keep_everything_typed(
    fake_stripe, platform_client, signup_form_data, tenant_a
):
    response = platform_client.post("/signup/", {**signup_form_data, "slug": "alpha"})
    html = response.content.decode()

    assert response.status_code == 200
    assert '<h2 class="govuk-error-summary__title">There is a problem</h2>' in html
    assert (
        '<a href="#id_slug">alpha.localhost is already taken. Choose another subdomain</a>' in html
    )
    assert "<title>Error: Sign up your council \u2013 CoCharter</title>" in html
    assert 'value="Gamma District Council"' in html
    assert 'value="gita@gamma.example"' in html
    assert 'value="alpha"' in html
    assert f'value="{signup_form_data["plan"]}" checked' in html
    assert CouncilSignup.objects.count() == 0


def test_a_sign_up_opens_a_checkout_with_the_plans_price_and_the_way_back(
    fake_stripe, platform_client, signup_form_data, annual_plan
):
    response = platform_client.post("/signup/", signup_form_data)

    signup = CouncilSignup.objects.get()
    session = fake_stripe.checkout_sessions[signup.checkout_session_id]
    assert response.status_code == 303
    assert response["Location"] == f"{fake_stripe.url}/checkout/{session['id']}"
    assert (signup.council_name, signup.slug, signup.officer_email, signup.plan) == (
        "Gamma District Council",
        "gamma",
        "gita@gamma.example",
        annual_plan,
    )
    assert signup.status == SignupStatus.CHECKOUT
    assert session["mode"] == "subscription"
    assert session["_line_items"] == [{"price": annual_plan.stripe_price_id, "quantity": 1}]
    assert session["_subscription_data"] == {
        "trial_period_days": None,
        "metadata": {"signup": str(signup.public_id)},
    }
    assert session["customer_email"] == "gita@gamma.example"
    assert session["client_reference_id"] == str(signup.public_id)
    assert session["metadata"] == {"signup": str(signup.public_id)}
    assert session["success_url"] == (
        f"http://localhost/signup/{signup.public_id}/?session_id={{CHECKOUT_SESSION_ID}}"
    )
    assert session["cancel_url"] == f"http://localhost/signup/?again={signup.public_id}"
    assert abs(session["expires_at"] - (timezone.now() + timedelta(hours=1)).timestamp()) < 60
    assert int(signup.expires_at.timestamp()) == session["expires_at"]


def test_a_plan_with_a_trial_asks_stripe_for_the_trial(
    fake_stripe, platform_client, signup_form_data, trial_plan
):
    platform_client.post("/signup/", {**signup_form_data, "plan": str(trial_plan.pk)})

    session = fake_stripe.checkout_sessions[CouncilSignup.objects.get().checkout_session_id]
    assert session["_subscription_data"]["trial_period_days"] == 30


@override_settings(SITE_SCHEME="https", SITE_PORT_SUFFIX=":8443")
def test_the_way_back_from_stripe_is_built_from_settings_not_the_host_header(
    fake_stripe, signup_form_data, client, annual_plan
):
    # ALLOWED_HOSTS admits any port; a link built from the Host header could point anywhere.
    response = client.post("/signup/", signup_form_data, HTTP_HOST="localhost:9999")

    assert response.status_code == 303
    session = fake_stripe.checkout_sessions[CouncilSignup.objects.get().checkout_session_id]
    assert session["success_url"].startswith("https://localhost:8443/signup/")
    assert session["cancel_url"].startswith("https://localhost:8443/signup/?again=")


def test_the_form_lets_its_redirect_reach_stripe_and_nothing_else(fake_stripe, platform_client):
    policy = platform_client.get("/signup/")["Content-Security-Policy"]
    assert f"form-action 'self' {fake_stripe.url};" in policy
    assert "script-src 'self';" in policy


def test_a_stripe_failure_keeps_the_form_and_frees_the_subdomain(
    fake_stripe, platform_client, signup_form_data, annual_plan
):
    fake_stripe.prices.clear()  # Stripe no longer knows the plan's price
    response = platform_client.post("/signup/", signup_form_data)
    html = response.content.decode()

    assert response.status_code == 200
    assert "We could not reach our payment provider, so nothing has been charged." in html
    assert 'value="Gamma District Council"' in html
    signup = CouncilSignup.objects.get()
    assert signup.status == SignupStatus.EXPIRED
    assert signup.failure_reason.startswith("Stripe Checkout could not be opened: ")
    fake_stripe.add_price(id=annual_plan.stripe_price_id, unit_amount=120000)
    assert platform_client.post("/signup/", signup_form_data).status_code == 303


def test_sign_ups_are_rate_limited_per_client_address(
    fake_stripe, platform_client, signup_form_data, settings
):
    settings.RATE_LIMITS = {"billing.signup": "2/h/ip"}
    # Invalid on purpose: every attempt counts, valid or not.
    data = {**signup_form_data, "slug": "www"}
    statuses = [platform_client.post("/signup/", data).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_coming_back_from_checkout_without_paying_keeps_the_details(
    fake_stripe, platform_client, signup_form_data
):
    platform_client.post("/signup/", signup_form_data)
    signup = CouncilSignup.objects.get()

    html = platform_client.get(f"/signup/?again={signup.public_id}").content.decode()

    assert "You left the payment page before paying, so nothing has been charged." in html
    assert 'value="Gamma District Council"' in html
    assert 'value="gamma"' in html
    assert f'name="previous" value="{signup.public_id}"' in html


def test_starting_again_closes_the_old_checkout_and_reuses_the_subdomain(
    fake_stripe, platform_client, signup_form_data
):
    platform_client.post("/signup/", signup_form_data)
    first = CouncilSignup.objects.get()
    # Expiring through the API makes the fake send an event from its own thread, where the test
    # client would commit it on another connection: keep it to the fake.
    fake_stripe.webhook_target = None

    response = platform_client.post(
        "/signup/", {**signup_form_data, "previous": str(first.public_id)}
    )

    first.refresh_from_db()
    second = CouncilSignup.objects.exclude(pk=first.pk).get()
    assert response.status_code == 303
    assert first.status == SignupStatus.EXPIRED
    assert fake_stripe.checkout_sessions[first.checkout_session_id]["status"] == "expired"
    assert (second.slug, second.status) == ("gamma", SignupStatus.CHECKOUT)


def test_without_the_old_checkout_closed_the_subdomain_stays_held(
    fake_stripe, platform_client, signup_form_data
):
    platform_client.post("/signup/", signup_form_data)
    response = platform_client.post("/signup/", signup_form_data)
    assert "gamma.localhost is already taken" in response.content.decode()


def test_an_unpaid_sign_up_starting_again_after_paying_elsewhere_goes_to_its_progress(
    fake_stripe, platform_client, annual_plan
):
    signup = make_signup(annual_plan, status=SignupStatus.PAID)
    response = platform_client.get(f"/signup/?again={signup.public_id}")
    assert response.status_code == 302
    assert response["Location"] == f"/signup/{signup.public_id}/"


def test_with_no_plan_priced_the_form_says_whom_to_ask(fake_stripe, platform_client, settings):
    settings.PLATFORM_CONTACT_EMAIL = "councils@cocharter.example"
    Plan.objects.create(name="Unpriced", price_pence=100, stripe_price_id="")
    html = platform_client.get("/signup/").content.decode()
    assert "No plan can be bought online at the moment." in html
    assert 'href="mailto:councils@cocharter.example"' in html
