"""The officers' pages at /manage/webhooks/: who may use them, what they change and record."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from platform_.audit.models import AuditEvent
from platform_.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.fixtures.webhooks import make_endpoint
from tests.helpers import login, make_user


@pytest.fixture
def officer_client(client_a, tenant_a, officer_a):
    return login(client_a, tenant_a, officer_a)


def keys(tenant) -> list[str]:
    with tenant_context(tenant):
        return list(
            AuditEvent.objects.filter(key__startswith="webhooks.")
            .order_by("pk")
            .values_list("key", flat=True)
        )


def test_only_officers_reach_the_webhook_pages(client_a, tenant_a):
    assert client_a.get("/manage/webhooks/").status_code == 302  # to sign in
    lead = make_user(tenant_a, "someone@alpha.test")
    login(client_a, tenant_a, lead)
    assert client_a.get("/manage/webhooks/").status_code == 403
    assert client_a.get("/manage/webhooks/add/").status_code == 403


def test_an_officer_adds_an_endpoint_and_sees_its_secret(officer_client, tenant_a):
    response = officer_client.post(
        "/manage/webhooks/add/",
        {
            "url": "https://crm.alpha.example/hooks",
            "description": "Our CRM",
            "events": ["organisation.signed", "award.granted"],
        },
    )
    with tenant_context(tenant_a):
        endpoint = WebhookEndpoint.objects.get()
    assert response["Location"] == f"/manage/webhooks/{endpoint.pk}/"
    assert endpoint.events == ["organisation.signed", "award.granted"]
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) > 40
    page = officer_client.get(response["Location"]).content.decode()
    assert endpoint.secret in page
    assert keys(tenant_a) == ["webhooks.endpoint.created"]


def test_the_form_shows_errors_in_a_summary(officer_client, tenant_a, settings):
    settings.WEBHOOKS_ALLOW_HTTP = False
    response = officer_client.post(
        "/manage/webhooks/add/", {"url": "http://crm.alpha.example/hooks", "events": []}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "Choose at least one event to send." in page
    response = officer_client.post(
        "/manage/webhooks/add/",
        {"url": "http://crm.alpha.example/hooks", "events": ["award.granted"]},
    )
    assert "Enter an address that starts with https://" in response.content.decode()
    with tenant_context(tenant_a):
        assert WebhookEndpoint.objects.count() == 0


def test_edit_disable_enable_rotate_and_delete_are_audited(
    officer_client, tenant_a, receiver, officer_a
):
    endpoint = make_endpoint(tenant_a, f"{receiver.url}/alpha")
    base = f"/manage/webhooks/{endpoint.pk}/"
    old_secret = endpoint.secret
    officer_client.post(f"{base}edit/", {"url": endpoint.url, "events": ["award.revoked"]})
    officer_client.post(f"{base}disable/")
    officer_client.post(f"{base}enable/")
    officer_client.post(f"{base}rotate-secret/")
    with tenant_context(tenant_a):
        endpoint.refresh_from_db()
        assert (endpoint.events, endpoint.is_active) == (["award.revoked"], True)
        assert endpoint.secret != old_secret
        rotated = AuditEvent.objects.get(key="webhooks.endpoint.secret_rotated")
        assert old_secret not in str(rotated.new_value) + str(rotated.old_value)
    assert officer_client.get(f"{base}delete/").status_code == 200
    assert officer_client.post(f"{base}delete/")["Location"] == "/manage/webhooks/"
    with tenant_context(tenant_a):
        assert WebhookEndpoint.objects.count() == 0
    assert keys(tenant_a) == [
        "webhooks.endpoint.updated",
        "webhooks.endpoint.disabled",
        "webhooks.endpoint.enabled",
        "webhooks.endpoint.secret_rotated",
        "webhooks.endpoint.deleted",
    ]


def test_a_test_event_reaches_the_receiver_signed(
    officer_client, tenant_a, receiver, django_capture_on_commit_callbacks
):
    endpoint = make_endpoint(tenant_a, f"{receiver.url}/alpha")
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(f"/manage/webhooks/{endpoint.pk}/ping/")
    [request] = receiver.requests
    assert request.headers["CoCharter-Event"] == "ping"
    page = officer_client.get(f"/manage/webhooks/{endpoint.pk}/").content.decode()
    assert "Delivered" in page
    assert keys(tenant_a) == ["webhooks.endpoint.pinged"]


def test_another_councils_endpoint_is_not_found(client_a, tenant_a, tenant_b, officer_a, receiver):
    make_endpoint(tenant_b, f"{receiver.url}/beta")
    beta = make_endpoint(tenant_b, f"{receiver.url}/beta-second")
    with tenant_context(tenant_a):
        assert not WebhookEndpoint.objects.filter(pk=beta.pk).exists()
    login(client_a, tenant_a, officer_a)
    for path in ("", "edit/", "delete/"):
        assert client_a.get(f"/manage/webhooks/{beta.pk}/{path}").status_code == 404
    for path in ("ping/", "disable/", "rotate-secret/", "delete/"):
        assert client_a.post(f"/manage/webhooks/{beta.pk}/{path}").status_code == 404
    with tenant_context(tenant_b):
        assert WebhookEndpoint.objects.get(pk=beta.pk).is_active is True


def deliveries(tenant, endpoint, count):
    with tenant_context(tenant):
        WebhookDelivery.objects.bulk_create(
            WebhookDelivery(endpoint=endpoint, event_type="ping", payload={}) for _ in range(count)
        )


@pytest.mark.parametrize("count", [1, 20])
def test_the_list_page_costs_the_same_queries_for_one_row_or_many(
    officer_client, tenant_a, receiver, django_assert_num_queries, count
):
    for number in range(count):
        endpoint = make_endpoint(tenant_a, f"{receiver.url}/{number}")
        deliveries(tenant_a, endpoint, 2)
    officer_client.get("/manage/webhooks/")  # warm the session and tenant caches
    # The same three for 1 or 20 endpoints: the signed-in person (the
    # project's middleware), the endpoints with their failure counts, the deliveries with their
    # endpoint.
    with django_assert_num_queries(3, connection=connection):
        response = officer_client.get("/manage/webhooks/")
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 20])
def test_the_endpoint_page_costs_the_same_queries_for_one_delivery_or_many(
    officer_client, tenant_a, receiver, django_assert_num_queries, count
):
    endpoint = make_endpoint(tenant_a, f"{receiver.url}/alpha")
    deliveries(tenant_a, endpoint, count)
    path = f"/manage/webhooks/{endpoint.pk}/"
    officer_client.get(path)
    with django_assert_num_queries(3, connection=connection):
        assert officer_client.get(path).status_code == 200
