"""The fake Stripe server, driven through the real stripe SDK: what the billing code relies on."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import stripe

from infra.dev.fake_stripe import StripeError
from platform_.billing.stripe_api import stripe_client
from tests.fixtures.billing import STRIPE_WEBHOOK_SECRET


@pytest.fixture
def received(fake_stripe) -> list[dict]:
    """Events the fake delivers, verified with the SDK as the webhook view does."""
    events: list[dict] = []

    def receive(payload: str, header: str) -> int:
        event = stripe.Webhook.construct_event(payload, header, STRIPE_WEBHOOK_SECRET)
        events.append(event)
        return 200

    fake_stripe.webhook_target = receive
    return events


def open_session(fake_stripe, *, trial_days=None, **overrides):
    price = fake_stripe.add_price(unit_amount=4000, interval="month", nickname="Starter")
    params = {
        "mode": "subscription",
        "line_items": [{"price": price["id"], "quantity": 1}],
        "customer_email": "officer@gamma.test",
        "client_reference_id": "signup-123",
        "metadata": {"signup": "signup-123"},
        "success_url": "http://localhost:8000/signup/done/?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "http://localhost:8000/signup/",
        "expires_at": int(time.time()) + 3600,
        **overrides,
    }
    if trial_days:
        params["subscription_data"] = {
            "trial_period_days": trial_days,
            "metadata": {"signup": "signup-123"},
        }
    return stripe_client().v1.checkout.sessions.create(params=params)


def request(fake_stripe, method: str, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(urlsplit(fake_stripe.url).netloc, timeout=10)
    connection.request(method, path)
    return connection.getresponse()


def test_price_created_and_retrieved_through_the_sdk(fake_stripe):
    client = stripe_client()
    price = client.v1.prices.create(
        params={
            "currency": "gbp",
            "unit_amount": 120000,
            "recurring": {"interval": "year"},
            "product_data": {"name": "Council"},
            "metadata": {"plan": "council"},
        }
    )
    again = client.v1.prices.retrieve(price.id)
    assert price.id.startswith("price_")
    assert (again.object, again.unit_amount, again.currency) == ("price", 120000, "gbp")
    assert again.recurring.interval == "year"
    assert again.metadata.to_dict() == {"plan": "council"}
    assert again.livemode is False


def test_unknown_price_refused_like_stripe(fake_stripe):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client().v1.checkout.sessions.create(
            params={
                "mode": "subscription",
                "line_items": [{"price": "price_nope", "quantity": 1}],
                "success_url": "http://localhost:8000/done/",
            }
        )
    assert raised.value.http_status == 400
    assert raised.value.code == "resource_missing"
    assert raised.value.param == "line_items[0][price]"
    assert str(raised.value.user_message) == "No such price: 'price_nope'"


def test_unknown_subscription_answers_404(fake_stripe):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client().v1.subscriptions.retrieve("sub_nope")
    assert (raised.value.http_status, raised.value.code) == (404, "resource_missing")


def test_request_without_key_refused(fake_stripe):
    response = request(fake_stripe, "GET", "/v1/prices/price_x")
    assert response.status == 401
    assert json.loads(response.read())["error"]["type"] == "invalid_request_error"


def test_checkout_session_keeps_what_it_was_given(fake_stripe):
    session = open_session(fake_stripe, trial_days=30)
    again = stripe_client().v1.checkout.sessions.retrieve(session.id)
    assert session.id.startswith("cs_test_")
    assert again.object == "checkout.session"
    assert (again.status, again.payment_status, again.mode) == ("open", "unpaid", "subscription")
    assert again.customer_email == "officer@gamma.test"
    assert again.client_reference_id == "signup-123"
    assert again.metadata.to_dict() == {"signup": "signup-123"}
    assert again.url == f"{fake_stripe.url}/checkout/{session.id}"
    assert again.subscription is None


def test_checkout_refuses_an_expiry_beyond_a_day(fake_stripe):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        open_session(fake_stripe, expires_at=int(time.time()) + 3 * 86400)
    assert raised.value.param == "expires_at"


def test_paying_a_trial_checkout_makes_a_trialing_subscription(fake_stripe, received):
    session = open_session(fake_stripe, trial_days=30)
    fake_stripe.pay_checkout(session.id)

    client = stripe_client()
    session = client.v1.checkout.sessions.retrieve(session.id, params={"expand": ["subscription"]})
    subscription = session.subscription
    assert (session.status, session.payment_status) == ("complete", "no_payment_required")
    assert subscription.status == "trialing"
    assert subscription.trial_end - subscription.trial_start == 30 * 86400
    assert subscription.metadata.to_dict() == {"signup": "signup-123"}
    assert subscription.customer == session.customer
    item = subscription["items"].data[0]
    assert item.price.id == fake_stripe.checkout_sessions[session.id]["_line_items"][0]["price"]
    assert item.current_period_end == subscription.trial_end
    invoice = client.v1.invoices.retrieve(subscription.latest_invoice)
    assert (invoice.status, invoice.amount_paid) == ("paid", 0)
    assert client.v1.customers.retrieve(session.customer).email == "officer@gamma.test"
    assert [event.type for event in received] == [
        "customer.subscription.created",
        "invoice.paid",
        "checkout.session.completed",
    ]
    assert received[2].data.object.id == session.id
    assert received[2].id.startswith("evt_")
    assert received[2].api_version == stripe.api_version


def test_paying_a_checkout_without_trial_makes_an_active_subscription(fake_stripe, received):
    session = open_session(fake_stripe)
    fake_stripe.pay_checkout(session.id)
    subscription_id = fake_stripe.checkout_sessions[session.id]["subscription"]
    subscription = stripe_client().v1.subscriptions.retrieve(subscription_id)
    invoice = stripe_client().v1.invoices.retrieve(subscription.latest_invoice)
    assert (subscription.status, subscription.trial_end) == ("active", None)
    assert (invoice.status, invoice.amount_paid) == ("paid", 4000)
    assert subscription.current_period_end - subscription.current_period_start == 30 * 86400


def test_control_methods_move_the_subscription_and_send_events(fake_stripe, received):
    session = open_session(fake_stripe, trial_days=14)
    fake_stripe.pay_checkout(session.id)
    subscription_id = fake_stripe.checkout_sessions[session.id]["subscription"]
    retrieve = stripe_client().v1.subscriptions.retrieve

    fake_stripe.trial_will_end(subscription_id)
    assert retrieve(subscription_id).status == "trialing"
    fake_stripe.end_trial(subscription_id)
    assert retrieve(subscription_id).status == "active"
    fake_stripe.fail_payment(subscription_id)
    failed = retrieve(subscription_id)
    assert failed.status == "past_due"
    assert stripe_client().v1.invoices.retrieve(failed.latest_invoice).status == "open"
    fake_stripe.pay(subscription_id)
    assert retrieve(subscription_id).status == "active"
    assert stripe_client().v1.invoices.retrieve(failed.latest_invoice).status == "paid"
    fake_stripe.cancel(subscription_id)
    assert retrieve(subscription_id).status == "canceled"

    assert [event.type for event in received][3:] == [
        "customer.subscription.trial_will_end",
        "invoice.paid",
        "customer.subscription.updated",
        "invoice.payment_failed",
        "customer.subscription.updated",
        "invoice.paid",
        "customer.subscription.updated",
        "customer.subscription.deleted",
    ]
    assert [event["id"] for event in fake_stripe.events] == [event.id for event in received]


def test_subscription_updated_and_cancelled_through_the_api(fake_stripe, received):
    session = open_session(fake_stripe)
    fake_stripe.pay_checkout(session.id)
    subscription_id = fake_stripe.checkout_sessions[session.id]["subscription"]
    annual = fake_stripe.add_price(unit_amount=120000, interval="year")
    client = stripe_client()
    item_id = client.v1.subscriptions.retrieve(subscription_id)["items"].data[0].id

    updated = client.v1.subscriptions.update(
        subscription_id,
        params={"items": [{"id": item_id, "price": annual["id"]}], "cancel_at_period_end": True},
    )
    assert updated["items"].data[0].price.id == annual["id"]
    assert updated.cancel_at_period_end is True
    cancelled = client.v1.subscriptions.cancel(subscription_id)
    assert (cancelled.status, cancelled.canceled_at is not None) == ("canceled", True)
    assert received[-1].type == "checkout.session.completed"  # the API call's: not yet given
    fake_stripe.deliver_pending()
    assert [event.type for event in received][-2:] == [
        "customer.subscription.updated",
        "customer.subscription.deleted",
    ]


def test_expired_checkout_sends_its_event(fake_stripe, received):
    session = open_session(fake_stripe)
    stripe_client().v1.checkout.sessions.expire(session.id)
    assert stripe_client().v1.checkout.sessions.retrieve(session.id).status == "expired"
    fake_stripe.deliver_pending()
    assert [event.type for event in received] == ["checkout.session.expired"]
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client().v1.checkout.sessions.expire(session.id)


def test_signed_events_verify_and_tampering_does_not(fake_stripe):
    session = open_session(fake_stripe)
    fake_stripe.expire_checkout(session.id)
    payload, header = fake_stripe.signed(fake_stripe.events[0])
    assert stripe.Webhook.construct_event(payload, header, STRIPE_WEBHOOK_SECRET).type == (
        "checkout.session.expired"
    )
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload + " ", header, STRIPE_WEBHOOK_SECRET)
    _, stale = fake_stripe.signed(fake_stripe.events[0], timestamp=int(time.time()) - 3600)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload, stale, STRIPE_WEBHOOK_SECRET)


def test_hosted_checkout_page_pays_and_redirects(fake_stripe, received):
    session = open_session(fake_stripe, trial_days=30)
    page = request(fake_stripe, "GET", f"/checkout/{session.id}")
    text = page.read().decode()
    assert page.status == 200
    assert "Test mode: no money is taken" in text
    assert '<html lang="en">' in text
    assert f'action="/checkout/{session.id}/pay"' in text
    assert "Free for 30 days, then £40.00 a month." in text

    paid = request(fake_stripe, "POST", f"/checkout/{session.id}/pay")
    assert paid.status == 303
    assert paid.getheader("Location") == (
        f"http://localhost:8000/signup/done/?session_id={session.id}"
    )
    fake_stripe.deliver_pending()
    assert [event.type for event in received][-1] == "checkout.session.completed"


def test_hosted_checkout_cancel_goes_back(fake_stripe):
    session = open_session(fake_stripe)
    cancelled = request(fake_stripe, "POST", f"/checkout/{session.id}/cancel")
    assert (cancelled.status, cancelled.getheader("Location")) == (
        303,
        "http://localhost:8000/signup/",
    )
    assert fake_stripe.checkout_sessions[session.id]["status"] == "open"


def test_portal_page_cancels_the_subscription(fake_stripe, received):
    session = open_session(fake_stripe)
    fake_stripe.pay_checkout(session.id)
    customer = fake_stripe.checkout_sessions[session.id]["customer"]
    portal = stripe_client().v1.billing_portal.sessions.create(
        params={"customer": customer, "return_url": "http://gamma.localhost:8000/manage/billing/"}
    )
    assert portal.url == f"{fake_stripe.url}/portal/{portal.id}"
    text = request(fake_stripe, "GET", f"/portal/{portal.id}").read().decode()
    assert "Test mode: no money is taken" in text
    assert "Cancel subscription" in text
    assert 'href="http://gamma.localhost:8000/manage/billing/">Back to CoCharter' in text

    cancelled = request(fake_stripe, "POST", f"/portal/{portal.id}/cancel")
    subscription_id = fake_stripe.checkout_sessions[session.id]["subscription"]
    assert cancelled.status == 303
    assert fake_stripe.subscriptions[subscription_id]["status"] == "canceled"
    fake_stripe.deliver_pending()
    assert received[-1].type == "customer.subscription.deleted"


def test_reset_forgets_everything(fake_stripe):
    open_session(fake_stripe)
    fake_stripe.reset()
    assert (fake_stripe.checkout_sessions, fake_stripe.prices, fake_stripe.events) == ({}, {}, [])


def test_events_are_posted_signed_to_a_webhook_url(fake_stripe):
    """How `make run` receives them: a real POST with Stripe's headers."""
    posted: list[tuple[str, str, str]] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            posted.append((self.path, self.headers["Stripe-Signature"], body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    receiver = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=receiver.serve_forever, daemon=True)
    thread.start()
    try:
        fake_stripe.webhook_target = f"http://127.0.0.1:{receiver.server_port}/stripe/webhook/"
        session = open_session(fake_stripe)
        fake_stripe.expire_checkout(session.id)
    finally:
        receiver.shutdown()
        receiver.server_close()
    [(path, header, body)] = posted
    event = stripe.Webhook.construct_event(body, header, STRIPE_WEBHOOK_SECRET)
    assert (path, event.type) == ("/stripe/webhook/", "checkout.session.expired")
    assert fake_stripe.deliveries == [(event.id, 204)]


def test_an_unreachable_webhook_url_is_recorded_not_raised(fake_stripe):
    fake_stripe.webhook_target = "http://127.0.0.1:9/stripe/webhook/"
    session = open_session(fake_stripe)
    fake_stripe.expire_checkout(session.id)
    [(event_id, answer)] = fake_stripe.deliveries
    assert event_id == fake_stripe.events[0]["id"]
    assert isinstance(answer, str)


def test_checkout_expires_by_itself_once_its_time_has_passed(fake_stripe, received):
    session = open_session(fake_stripe)
    fake_stripe.advance(seconds=3601)
    with pytest.raises(StripeError):
        fake_stripe.pay_checkout(session.id)
    assert stripe_client().v1.checkout.sessions.retrieve(session.id).status == "expired"
    assert [event.type for event in received] == ["checkout.session.expired"]
    assert fake_stripe.expire_due_sessions() == []


@pytest.mark.integration
def test_command_line_server_serves_its_prices(settings):
    """What `make run` starts: the prices it was given, refusing others."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [
            sys.executable,
            "infra/dev/fake_stripe.py",
            "--port",
            str(port),
            "--secret",
            "whsec_cli",
            "--price",
            "price_dev_annual:120000:year",
        ],
        cwd=Path(__file__).resolve().parents[3],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline().startswith("Fake Stripe (test mode, no money taken)")
        settings.STRIPE_SECRET_KEY = "sk_test_cli"
        settings.STRIPE_API_BASE = f"http://127.0.0.1:{port}"
        price = stripe_client().v1.prices.retrieve("price_dev_annual")
        assert (price.unit_amount, price.recurring.interval) == (120000, "year")
        with pytest.raises(stripe.InvalidRequestError):
            stripe_client().v1.prices.retrieve("price_other")
    finally:
        process.terminate()
        process.wait(timeout=10)
