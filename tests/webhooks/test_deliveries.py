"""Webhooks caused through the real services, delivered to a local receiver, signed, retried,
refused where they must be, and kept per council."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tenants.utils import tenant_context

from accreditation import services as accreditation
from accreditation.models import Award
from charters import services as charters
from platform_.audit.models import AuditEvent
from platform_.webhooks import services, signing, transport
from platform_.webhooks.enums import DeliveryStatus
from platform_.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.factories import AwardFactory
from tests.fixtures.accreditation import assessed, submitted
from tests.fixtures.charters import sign
from tests.fixtures.webhooks import make_endpoint
from tests.helpers import committed, login


def sign_now(organisation, lead):
    """Sign through the service without committing (the caller decides)."""
    return charters.sign_charter(
        organisation,
        acting_user=lead,
        signatory_name="Pat Head",
        signatory_job_title="Headteacher",
        commitment="We will listen.",
        consent_to_publish=True,
    )


def received(receiver, path="/hooks/alpha"):
    return [json.loads(r.body) for r in receiver.requests if r.path == path]


def test_signing_sends_a_signed_organisation_signed_event(
    tenant_a, endpoint_a, receiver, published_a, organisation_a, lead_a
):
    signature = sign(tenant_a, organisation_a, lead_a)
    [request] = receiver.requests
    assert request.path == "/hooks/alpha"
    assert request.headers["CoCharter-Event"] == "organisation.signed"
    assert request.headers["Content-Type"] == "application/json"
    assert signing.verify(endpoint_a.secret, request.body, request.headers["CoCharter-Signature"])
    assert not signing.verify("whsec_wrong", request.body, request.headers["CoCharter-Signature"])
    body = json.loads(request.body)
    assert set(body) == {"id", "type", "created", "data"}
    assert body["type"] == "organisation.signed"
    assert body["data"] == {
        "organisation": {
            "id": organisation_a.pk,
            "name": "Oakfield Primary School",
            "slug": "oakfield-primary-school",
            "kind": "school",
            "listed": True,
            "register_url": "http://alpha.localhost/register/oakfield-primary-school/",
        },
        "signature": {
            "id": signature.pk,
            "charter_version": signature.version.number,
            "signed_at": signature.recorded_at.isoformat(),
        },
    }
    assert "Pat Head" not in request.body.decode()  # the signatory is a person: not sent
    with tenant_context(tenant_a):
        delivery = WebhookDelivery.objects.get()
        assert request.headers["CoCharter-Delivery"] == str(delivery.delivery_id)
        assert body["id"] == str(delivery.event_id)
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
            DeliveryStatus.SUCCEEDED,
            1,
            200,
        )
        [attempt] = delivery.tries.all()
        assert (attempt.number, attempt.status_code, attempt.response_body) == (1, 200, "ok")


def test_nothing_is_recorded_or_sent_when_the_change_rolls_back(
    tenant_a, endpoint_a, receiver, published_a, organisation_a, lead_a
):
    class Undo(Exception):
        pass

    with tenant_context(tenant_a), committed(), pytest.raises(Undo), transaction.atomic():
        sign_now(organisation_a, lead_a)
        assert WebhookDelivery.objects.count() == 1  # recorded inside the transaction
        raise Undo
    with tenant_context(tenant_a):
        assert WebhookDelivery.objects.count() == 0
    assert receiver.requests == []


def test_only_endpoints_subscribed_and_on_receive_an_event(
    tenant_a, receiver, published_a, organisation_a, lead_a
):
    make_endpoint(tenant_a, f"{receiver.url}/awards", events=["award.granted"])
    make_endpoint(tenant_a, f"{receiver.url}/off", is_active=False)
    make_endpoint(tenant_a, f"{receiver.url}/signed", events=["organisation.signed"])
    sign(tenant_a, organisation_a, lead_a)
    assert [r.path for r in receiver.requests] == ["/hooks/signed"]


def test_submitting_an_application_sends_application_submitted(
    tenant_a, endpoint_a, receiver, application, lead_a, criteria_a
):
    with committed():
        submitted(tenant_a, application, lead_a, criteria_a)
    [body] = received(receiver)
    assert body["type"] == "application.submitted"
    assert body["data"]["application"]["id"] == application.pk
    assert body["data"]["application"]["round"] == application.round.name
    assert body["data"]["organisation"]["slug"] == "oakfield-primary-school"


def test_an_award_decided_in_an_open_round_is_granted_at_once(
    tenant_a, officer_a, application, lead_a, criteria_a, assessor_a, endpoint_a, receiver
):
    assessed(tenant_a, application, lead_a, criteria_a, officer_a, assessor_a)
    receiver.reset()
    with tenant_context(tenant_a), committed():
        accreditation.decide_application(
            application, acting_user=officer_a, outcome="award", reasons="Yes"
        )
    with tenant_context(tenant_a):
        award = Award.objects.get()
    [body] = received(receiver)
    assert body["type"] == "award.granted"
    assert body["data"]["award"]["certificate_number"] == award.certificate_number
    assert body["data"]["award"]["level"] == "Charter Status"
    assert body["data"]["award"]["verification_url"] == (
        f"http://alpha.localhost/verify/{award.verification_code}/"
    )


def test_an_embargoed_award_is_granted_only_at_its_ceremony(
    tenant_a, application, endpoint_a, receiver
):
    ceremony = timezone.now() + timedelta(days=1)
    with tenant_context(tenant_a):
        application.status = "awarded"
        application.save(update_fields=["status"])
        award = AwardFactory(application=application, public_from=ceremony, released_at=None)
        with committed():
            assert accreditation.release_due_awards(now=ceremony - timedelta(minutes=1)) == 0
        assert receiver.requests == []
        with committed():
            assert accreditation.release_due_awards(now=ceremony) == 1
    [body] = received(receiver)
    assert (body["type"], body["data"]["award"]["id"]) == ("award.granted", award.pk)
    assert body["data"]["award"]["released_at"] == ceremony.isoformat()


def test_revoking_sends_award_revoked_but_not_for_an_award_never_made_public(
    tenant_a, application, officer_a, endpoint_a, receiver
):
    with tenant_context(tenant_a):
        application.status = "awarded"
        application.save(update_fields=["status"])
        award = AwardFactory(application=application)
        with committed():
            accreditation.revoke_award(award, acting_user=officer_a, reason="Untrue evidence")
    [body] = received(receiver)
    assert body["type"] == "award.revoked"
    assert body["data"]["award"]["revoked_at"] == award.revoked_at.isoformat()
    assert "Untrue evidence" not in json.dumps(body)


def test_an_embargoed_award_revoked_before_its_ceremony_sends_nothing(
    tenant_a, application, officer_a, endpoint_a, receiver
):
    with tenant_context(tenant_a):
        application.status = "awarded"
        application.save(update_fields=["status"])
        award = AwardFactory(
            application=application,
            public_from=timezone.now() + timedelta(days=1),
            released_at=None,
        )
        with committed():
            accreditation.revoke_award(award, acting_user=officer_a, reason="Withdrawn")
    assert receiver.requests == []


def test_expiry_is_announced_once_the_day_after_the_end_date(
    tenant_a, application, endpoint_a, receiver
):
    today = timezone.localdate()
    with tenant_context(tenant_a):
        application.status = "awarded"
        application.save(update_fields=["status"])
        award = AwardFactory(application=application, expires_on=today - timedelta(days=1))
        with committed():
            assert accreditation.announce_expired_awards(today=today - timedelta(days=1)) == 0
            assert accreditation.announce_expired_awards(today=today) == 1
            assert accreditation.announce_expired_awards(today=today) == 0
        assert AuditEvent.objects.filter(key="accreditation.award.expired").count() == 1
    [body] = received(receiver)
    assert (body["type"], body["data"]["award"]["id"]) == ("award.expired", award.pk)
    assert body["data"]["award"]["expires_on"] == award.expires_on.isoformat()


# --- Failing and recovering -------------------------------------------------------------------


def make_due(delivery: WebhookDelivery) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def test_a_failing_receiver_is_retried_with_backoff_until_it_recovers(
    tenant_a, endpoint_a, receiver, published_a, organisation_a, lead_a, client_a, officer_a
):
    receiver.answers[:] = [(500, "database down"), "timeout"]
    sign(tenant_a, organisation_a, lead_a)
    with tenant_context(tenant_a):
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
            DeliveryStatus.PENDING,
            1,
            500,
        )
        wait = delivery.next_attempt_at - timezone.now()
        assert timedelta(seconds=50) < wait < timedelta(seconds=67)  # 1 minute, jittered
        assert services.deliver(delivery.pk) is False  # not due yet: nothing sent
        assert len(receiver.requests) == 1
        make_due(delivery)
        assert services.deliver(delivery.pk) is False  # the receiver times out
        delivery.refresh_from_db()
        assert (delivery.attempts, delivery.last_status_code) == (2, None)
        assert "timed out" in delivery.last_error
        wait = delivery.next_attempt_at - timezone.now()
        assert timedelta(minutes=4) < wait < timedelta(minutes=6)  # 5 minutes, jittered
        make_due(delivery)
        assert services.deliver(delivery.pk) is True  # recovered
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (
            DeliveryStatus.SUCCEEDED,
            3,
            None,
        )
        tries = [(t.number, t.status_code, t.response_body) for t in delivery.tries.all()]
        assert tries == [(3, 200, "ok"), (2, None, ""), (1, 500, "database down")]
    # Every attempt carries the same delivery id, so the receiver can drop repeats.
    ids = {r.headers["CoCharter-Delivery"] for r in receiver.wait_for(3)}
    assert ids == {str(delivery.delivery_id)}
    login(client_a, tenant_a, officer_a)
    page = client_a.get(f"/manage/webhooks/deliveries/{delivery.pk}/").content.decode()
    assert "Attempt 3: delivered" in page
    assert "Attempt 1: HTTP 500" in page
    assert "database down" in page
    assert "Attempt 2: no answer" in page


def test_a_delivery_fails_for_good_after_the_last_attempt_and_can_be_sent_again(
    tenant_a, endpoint_a, receiver, published_a, organisation_a, lead_a, officer_a
):
    receiver.answers[:] = [(503, "no")] * services.MAX_ATTEMPTS
    sign(tenant_a, organisation_a, lead_a)
    with tenant_context(tenant_a):
        delivery = WebhookDelivery.objects.get()
        for _ in range(services.MAX_ATTEMPTS - 1):
            make_due(delivery)
            services.deliver(delivery.pk)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 7)
        assert delivery.next_attempt_at is None
        with committed():
            services.redeliver(delivery, acting_user=officer_a)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.SUCCEEDED, 8)


def test_redirects_are_recorded_never_followed(
    tenant_a, endpoint_a, receiver, published_a, organisation_a, lead_a
):
    receiver.answers[:] = [(302, "moved")]
    sign(tenant_a, organisation_a, lead_a)
    assert len(receiver.requests) == 1
    with tenant_context(tenant_a):
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, delivery.last_status_code) == (DeliveryStatus.PENDING, 302)


def test_a_claimed_delivery_is_not_sent_by_a_second_worker(
    tenant_a, endpoint_a, receiver, published_a, organisation_a, lead_a
):
    receiver.answers[:] = [(500, "x")]
    sign(tenant_a, organisation_a, lead_a)
    with tenant_context(tenant_a):
        delivery = WebhookDelivery.objects.get()
        make_due(delivery)
        claimed = services._claim(delivery.pk)
        assert claimed is not None
        assert services.deliver(delivery.pk) is False  # another sender holds it
        assert len(receiver.requests) == 1
        # A claim older than the timeout is a sender that died: taken over.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            claimed_at=timezone.now() - services.CLAIM_TIMEOUT - timedelta(seconds=1)
        )
        assert services.deliver(delivery.pk) is True


def test_the_sweep_sends_deliveries_whose_task_was_lost(
    tenant_a, endpoint_a, receiver, published_a, organisation_a, lead_a
):
    with tenant_context(tenant_a):
        # Recorded, but the send queued on commit never ran (the broker was down): the test's
        # transaction never commits, so its on-commit callbacks are not run.
        sign_now(organisation_a, lead_a)
        delivery = WebhookDelivery.objects.get()
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            next_attempt_at=timezone.now() - timedelta(minutes=2)
        )
        assert services.sweep_due_deliveries() == 1
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.SUCCEEDED
        assert services.sweep_due_deliveries() == 0
    assert len(receiver.requests) == 1


# --- Refusals (server-side request forgery) ---------------------------------------------------


@override_settings(WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=False)
@pytest.mark.parametrize(
    "url",
    [
        "https://10.1.2.3/hook",
        "https://127.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://localhost/hook",  # a name that resolves to loopback
    ],
)
def test_private_and_local_addresses_are_refused(url):
    with pytest.raises(transport.AddressRefused):
        transport.post(url, b"{}", {})


@override_settings(WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=False)
def test_a_delivery_to_a_private_address_is_recorded_as_refused_not_sent(
    tenant_a, receiver, published_a, organisation_a, lead_a
):
    make_endpoint(tenant_a, receiver.url)  # 127.0.0.1, not allowed here
    sign(tenant_a, organisation_a, lead_a)
    assert receiver.requests == []
    with tenant_context(tenant_a):
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == DeliveryStatus.PENDING
        assert "private or local address" in delivery.last_error


@override_settings(WEBHOOKS_ALLOW_HTTP=False)
def test_plain_http_endpoints_are_refused_in_production(tenant_a, officer_a):
    with tenant_context(tenant_a), pytest.raises(Exception) as refused:
        services.create_endpoint(
            acting_user=officer_a, url="http://crm.example.org/hook", events=["award.granted"]
        )
    assert refused.value.message_dict == {"url": ["Enter an address that starts with https://"]}


# --- Isolation ----------------------------------------------------------------------------------


def test_one_councils_endpoints_never_receive_anothers_events(
    tenant_a, tenant_b, endpoint_a, endpoint_b, receiver, published_a, organisation_a, lead_a
):
    sign(tenant_a, organisation_a, lead_a)
    assert [r.path for r in receiver.requests] == ["/hooks/alpha"]
    with tenant_context(tenant_b):
        assert WebhookDelivery.objects.count() == 0


def test_an_endpoint_failing_for_days_is_turned_off_and_the_officers_told(
    tenant_a, endpoint_a, receiver, published_a, organisation_a, lead_a, officer_a
):
    receiver.answers[:] = [(500, "gone"), (500, "gone")]
    with tenant_context(tenant_a):
        WebhookEndpoint.objects.filter(pk=endpoint_a.pk).update(
            created_at=timezone.now() - timedelta(days=4)
        )
    sign(tenant_a, organisation_a, lead_a)
    with tenant_context(tenant_a):
        delivery = WebhookDelivery.objects.get()
        WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=services.MAX_ATTEMPTS - 1)
        make_due(delivery)
        mail.outbox.clear()
        with committed():
            assert services.deliver(delivery.pk) is False
        delivery.refresh_from_db()
        endpoint_a.refresh_from_db()
        assert (delivery.status, endpoint_a.is_active) == (DeliveryStatus.FAILED, False)
        assert AuditEvent.objects.filter(key="webhooks.endpoint.auto_disabled").count() == 1
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (
            [officer_a.email],
            "A webhook endpoint was turned off: it has not answered for 3 days",
        )
    ]
    assert f"http://alpha.localhost/manage/webhooks/{endpoint_a.pk}/" in mail.outbox[0].body


def test_an_endpoint_that_succeeded_recently_stays_on_when_one_delivery_fails_for_good(
    tenant_a, endpoint_a, receiver, published_a, organisation_a, lead_a
):
    with tenant_context(tenant_a):
        WebhookEndpoint.objects.filter(pk=endpoint_a.pk).update(
            created_at=timezone.now() - timedelta(days=4)
        )
    sign(tenant_a, organisation_a, lead_a)  # delivered: a success today
    with tenant_context(tenant_a):
        failing = WebhookDelivery.objects.create(
            endpoint=endpoint_a, event_type="ping", payload={}, attempts=services.MAX_ATTEMPTS - 1
        )
    receiver.answers[:] = [(500, "blip")]
    with tenant_context(tenant_a):
        services.deliver(failing.pk)
        failing.refresh_from_db()
        endpoint_a.refresh_from_db()
        assert (failing.status, endpoint_a.is_active) == (DeliveryStatus.FAILED, True)
