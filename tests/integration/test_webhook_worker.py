"""A real Celery worker delivers a council's webhooks to a local receiver: an event caused by a
real service, signed, in that council's schema; a failure recorded, then recovered by the sweep."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from platform_ import celery_app
from platform_.webhooks import signing
from platform_.webhooks import tasks as webhook_tasks
from platform_.webhooks.enums import DeliveryStatus
from platform_.webhooks.models import WebhookDelivery
from tenants.services import provision_tenant
from tests.fixtures.charters import publish_current_draft, register, sign
from tests.fixtures.webhooks import make_endpoint
from tests.helpers import make_user
from tests.processes import start_worker, stop, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def worker(django_db_setup, django_db_blocker, tmp_path):
    with django_db_blocker.unblock():
        process = start_worker(tmp_path / "worker.log")
    celery_app.conf.task_always_eager = False
    yield process
    celery_app.conf.task_always_eager = True
    stop(process)
    print((tmp_path / "worker.log").read_text())  # shown by pytest when the test fails


@pytest.fixture
def council(django_db_setup, django_db_blocker):
    """Hookton Council, committed (the worker cannot see a test transaction)."""
    with django_db_blocker.unblock():
        tenant = provision_tenant(name="Hookton Council", slug="hookton", officer_email=None)
        yield tenant
        connection.set_schema_to_public()
        tenant.delete(force_drop=True)


def test_a_real_worker_delivers_a_signed_event_and_recovers_after_a_failure(
    worker, council, receiver, django_db_blocker
):
    receiver.answers[:] = [(500, "not yet")]
    with django_db_blocker.unblock():
        endpoint = make_endpoint(council, f"{receiver.url}/hookton")
        officer = make_user(council, "officer@hookton.test", is_council_officer=True)
        lead = make_user(council, "head@hookton.test")
        publish_current_draft(council, officer)
        organisation = register(council, lead)
        sign(council, organisation, lead)  # committed: the delivery is queued to Redis

        def attempted() -> bool:
            with tenant_context(council):
                return WebhookDelivery.objects.filter(attempts__gte=1, claimed_at=None).exists()

        assert wait_for(attempted, timeout=60), "the worker did not try the delivery"
        with tenant_context(council):
            delivery = WebhookDelivery.objects.get()
            assert (delivery.status, delivery.last_status_code) == (DeliveryStatus.PENDING, 500)
            # The retry is a minute away; as if that minute had passed and its task were lost,
            # beat's sweep queues it again, and the worker sends it.
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                next_attempt_at=timezone.now() - timedelta(minutes=2)
            )
            webhook_tasks.sweep_due_deliveries.apply_async(
                headers={"_schema_name": council.schema_name}
            )

        def delivered() -> bool:
            with tenant_context(council):
                delivery.refresh_from_db()
                return delivery.status == DeliveryStatus.SUCCEEDED

        assert wait_for(delivered, timeout=60), "the sweep's retry was not delivered"
        assert delivery.attempts == 2
    first, second = receiver.requests
    assert first.body == second.body
    assert first.headers["CoCharter-Delivery"] == second.headers["CoCharter-Delivery"]
    assert signing.verify(endpoint.secret, second.body, second.headers["CoCharter-Signature"])
    body = json.loads(second.body)
    assert body["type"] == "organisation.signed"
    assert body["data"]["organisation"]["name"] == "Oakfield Primary School"
    assert body["data"]["organisation"]["register_url"] == (
        "http://hookton.localhost/register/oakfield-primary-school/"
    )
