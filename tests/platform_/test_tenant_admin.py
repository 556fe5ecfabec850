"""Platform staff change councils only through the tenants services, never by raw row edits."""

import logging

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages

from platform_.accounts.models import User
from tenants.enums import LifecycleStatus
from tenants.models import TEMPLATE_SCHEMA_NAME, Tenant
from tests.helpers import TEST_PASSWORD

CHANGELIST = "/admin/tenants/tenant/"


@pytest.fixture
def staff_client(platform_client):
    User.objects.create_superuser("staff@platform.test", TEST_PASSWORD)
    platform_client.login(username="staff@platform.test", password=TEST_PASSWORD)
    return platform_client


def run_action(client, action: str, *tenants: Tenant):
    return client.post(
        CHANGELIST,
        {"action": action, ACTION_CHECKBOX_NAME: [tenant.pk for tenant in tenants]},
        follow=True,
    )


def test_tenant_admin_has_no_add_page(staff_client):
    assert staff_client.get(f"{CHANGELIST}add/").status_code == 403
    assert f'href="{CHANGELIST}add/"' not in staff_client.get(CHANGELIST).content.decode()


def test_tenant_admin_change_form_shows_status_slug_and_schema_read_only(staff_client, tenant_a):
    html = staff_client.get(f"{CHANGELIST}{tenant_a.pk}/change/").content.decode()

    assert 'name="name"' in html
    for field in ("status", "slug", "schema_name"):
        assert f'name="{field}"' not in html
    assert 'name="domains-0-domain"' not in html  # domains shown, not editable
    assert "alpha.localhost" in html


def test_tenant_admin_change_form_ignores_a_posted_status(staff_client, tenant_a):
    response = staff_client.post(
        f"{CHANGELIST}{tenant_a.pk}/change/",
        {
            "name": "Alpha City Council (renamed)",
            "kind": tenant_a.kind,
            "brand_colour": tenant_a.brand_colour,
            "status": LifecycleStatus.CLOSED,
            "slug": "hijack",
            "schema_name": TEMPLATE_SCHEMA_NAME,
            "domains-TOTAL_FORMS": "1",
            "domains-INITIAL_FORMS": "1",
            "domains-MIN_NUM_FORMS": "0",
            "domains-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 302
    tenant_a.refresh_from_db()
    assert (tenant_a.name, tenant_a.status, tenant_a.slug, tenant_a.schema_name) == (
        "Alpha City Council (renamed)",
        LifecycleStatus.TRIAL,
        "alpha",
        "t_alpha",
    )


def test_tenant_admin_change_form_saves_brand_colour_through_the_service(staff_client, tenant_a):
    data = {
        "name": tenant_a.name,
        "kind": tenant_a.kind,
        "brand_colour": "#ffff00",  # too light behind white text
        "domains-TOTAL_FORMS": "1",
        "domains-INITIAL_FORMS": "1",
        "domains-MIN_NUM_FORMS": "0",
        "domains-MAX_NUM_FORMS": "1000",
    }
    url = f"{CHANGELIST}{tenant_a.pk}/change/"
    assert staff_client.post(url, data).status_code == 200  # the form again, with the error

    assert staff_client.post(url, {**data, "brand_colour": "#0b5e5b"}).status_code == 302
    tenant_a.refresh_from_db()
    assert tenant_a.brand_colour == "#0b5e5b"


def test_tenant_admin_cannot_delete_a_council(staff_client, tenant_a):
    assert staff_client.get(f"{CHANGELIST}{tenant_a.pk}/delete/").status_code == 403
    assert Tenant.objects.filter(pk=tenant_a.pk).exists()


def test_tenant_admin_actions_move_status_through_the_service(staff_client, tenant_a, caplog):
    with caplog.at_level(logging.INFO, logger="tenants.services"):
        response = run_action(staff_client, "make_suspended", tenant_a)

    tenant_a.refresh_from_db()
    assert tenant_a.status == LifecycleStatus.SUSPENDED
    assert tenant_a.status_changed_at is not None
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Alpha City Council is now suspended."
    ]
    assert (
        "Tenant t_alpha status trial -> suspended by staff@platform.test (held by staff)"
        in caplog.messages
    )
    assert tenant_a.staff_hold is True  # billing cannot lift a suspension made by hand

    run_action(staff_client, "make_active", tenant_a)
    tenant_a.refresh_from_db()
    assert (tenant_a.status, tenant_a.staff_hold) == (LifecycleStatus.ACTIVE, False)

    run_action(staff_client, "make_closed", tenant_a)
    tenant_a.refresh_from_db()
    assert (tenant_a.status, tenant_a.staff_hold) == (LifecycleStatus.CLOSED, True)


def test_tenant_admin_actions_never_reach_the_template(staff_client):
    template = Tenant.objects.get(schema_name=TEMPLATE_SCHEMA_NAME)

    run_action(staff_client, "make_suspended", template)

    template.refresh_from_db()
    assert template.status == LifecycleStatus.TEMPLATE


def test_tenant_admin_actions_report_the_service_refusal(staff_client, tenant_a, monkeypatch):
    # The template is not listed at all; a council the service refuses shows its message.
    Tenant.objects.filter(pk=tenant_a.pk).update(status=LifecycleStatus.TEMPLATE)
    monkeypatch.setattr("tenants.models.TenantQuerySet.councils", lambda queryset: queryset.all())

    response = run_action(staff_client, "make_suspended", tenant_a)

    tenant_a.refresh_from_db()
    assert tenant_a.status == LifecycleStatus.TEMPLATE
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Alpha City Council: The template schema's status cannot change."
    ]
