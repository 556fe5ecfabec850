"""/stripe/webhook/: only Stripe's signed, recent events are stored, each once; the work is done
after commit by a task."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from platform_.billing.models import StripeEvent
from platform_.billing.services.events import (
    EventFailed,
    InvalidWebhook,
    process_event,
    receive_webhook,
    requeue_unprocessed_events,
)
from tests.fixtures.billing import open_checkout, post_webhook
from tests.helpers import committed


@pytest.fixture
def expired_event(fake_stripe, trial_plan) -> dict:
    """A real event from the fake server (an abandoned checkout), not yet delivered."""
    fake_stripe.webhook_target = None
    signup = open_checkout(trial_plan)
    return fake_stripe.expire_checkout(signup.checkout_session_id)[0]


def test_webhook_with_a_good_signature_is_stored_and_processed(fake_stripe, expired_event):
    payload, header = fake_stripe.signed(expired_event)
    with committed():
        response = post_webhook(payload, header)
    event = StripeEvent.objects.get()
    assert (response.status_code, response.content) == (200, b"Stored.")
    assert (event.stripe_id, event.type, event.livemode) == (
        expired_event["id"],
        "checkout.session.expired",
        False,
    )
    assert event.payload == expired_event
    assert event.processed_at is not None
    assert event.attempts == 1


def test_webhook_is_processed_only_after_commit(fake_stripe, expired_event):
    response = post_webhook(*fake_stripe.signed(expired_event))
    assert response.status_code == 200
    assert StripeEvent.objects.get().processed_at is None


def test_webhook_with_a_wrong_signature_is_refused_and_not_stored(fake_stripe, expired_event):
    payload, header = fake_stripe.signed(expired_event)
    tampered = payload.replace("checkout.session.expired", "checkout.session.completed")
    response = post_webhook(tampered, header)
    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0


def test_webhook_signed_with_another_secret_is_refused(fake_stripe, expired_event):
    fake_stripe.webhook_secret = "whsec_someone_else"
    response = post_webhook(*fake_stripe.signed(expired_event))
    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0


def test_webhook_without_a_signature_is_refused(fake_stripe, expired_event):
    payload, _ = fake_stripe.signed(expired_event)
    response = post_webhook(payload, None)
    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0


def test_webhook_with_a_stale_signature_is_refused(fake_stripe, expired_event):
    # Stripe's tolerance is five minutes: a body captured earlier cannot be replayed later.
    payload, header = fake_stripe.signed(expired_event, timestamp=int(time.time()) - 301)
    response = post_webhook(payload, header)
    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0


def test_webhook_answers_not_found_when_billing_is_off(fake_stripe, expired_event, settings):
    payload, header = fake_stripe.signed(expired_event)
    settings.STRIPE_SECRET_KEY = ""
    response = post_webhook(payload, header)
    assert response.status_code == 404
    assert StripeEvent.objects.count() == 0


def test_webhook_refuses_get(fake_stripe, platform_client):
    assert platform_client.get("/stripe/webhook/").status_code == 405


def test_webhook_is_not_served_on_a_tenant_host(fake_stripe, expired_event, client_a):
    payload, header = fake_stripe.signed(expired_event)
    response = client_a.post(
        "/stripe/webhook/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )
    assert response.status_code == 404
    assert StripeEvent.objects.count() == 0


def test_replayed_event_changes_nothing(fake_stripe, expired_event):
    with committed():
        first = post_webhook(*fake_stripe.signed(expired_event))
    processed_at = StripeEvent.objects.get().processed_at
    with committed():
        again = post_webhook(*fake_stripe.signed(expired_event))  # signed anew: a Stripe retry
    event = StripeEvent.objects.get()
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.content == b"Already received."
    assert (event.processed_at, event.attempts) == (processed_at, 1)


def test_receive_webhook_stores_an_event_id_once(fake_stripe, expired_event):
    payload, header = fake_stripe.signed(expired_event)
    assert receive_webhook(payload.encode(), header) is not None
    assert receive_webhook(payload.encode(), header) is None
    assert StripeEvent.objects.filter(stripe_id=expired_event["id"]).count() == 1


def test_receive_webhook_refuses_a_body_that_is_not_an_event(fake_stripe):
    payload, header = "[]", fake_stripe.signed({"id": "evt_x"})[1]
    with pytest.raises(InvalidWebhook):
        receive_webhook(payload.encode(), header)


def test_event_of_an_unhandled_type_is_marked_processed(fake_stripe):
    event = StripeEvent.objects.create(
        stripe_id="evt_unhandled", type="charge.refunded", payload={"data": {"object": {}}}
    )
    assert process_event(event.pk) is True
    assert process_event(event.pk) is False
    event.refresh_from_db()
    assert (event.attempts, event.last_error) == (1, "")


def test_failed_event_records_its_attempt_and_error(fake_stripe):
    event = StripeEvent.objects.create(
        stripe_id="evt_broken",
        type="invoice.payment_failed",
        payload={"data": {"object": {"id": "in_missing"}}},
    )
    with pytest.raises(EventFailed):
        process_event(event.pk)
    event.refresh_from_db()
    assert (event.attempts, event.processed_at) == (1, None)
    assert event.last_error.startswith("InvalidRequestError: ")
    assert event.last_error.endswith("No such invoice: 'in_missing'")


def test_lost_events_are_queued_again_by_beat(fake_stripe, expired_event):
    payload, header = fake_stripe.signed(expired_event)
    receive_webhook(payload.encode(), header)  # its task never ran: no commit here
    StripeEvent.objects.update(received_at=timezone.now() - timedelta(minutes=6))
    with committed():
        assert requeue_unprocessed_events() == 1
    assert StripeEvent.objects.get().processed_at is not None


def test_recent_unprocessed_events_are_left_to_their_task(fake_stripe, expired_event):
    payload, header = fake_stripe.signed(expired_event)
    receive_webhook(payload.encode(), header)
    with committed():
        assert requeue_unprocessed_events() == 0


def test_event_of_a_checkout_that_is_not_ours_is_processed_without_asking_stripe(fake_stripe):
    event = StripeEvent.objects.create(
        stripe_id="evt_other_site",
        type="checkout.session.completed",
        payload={"data": {"object": {"id": "cs_test_of_another_site"}}},
    )
    asked = len(fake_stripe.requests)
    assert process_event(event.pk) is True
    assert len(fake_stripe.requests) == asked
