"""Platform staff manage plans in the platform admin; a plan councils are on cannot be deleted."""

from html import unescape

from tenants.models import Plan
from tests.factories import PlanFactory

CHANGELIST = "/admin/tenants/plan/"


def test_plan_list_shows_price_limits_trial_and_councils(
    console_client, tenant_a_on_small_plan, tenant_b
):
    PlanFactory(name="Large", price_pence=9950, interval="month", trial_days=0)

    html = unescape(console_client.get(CHANGELIST).content.decode())

    assert '<th class="field-name"><a href="' in html
    assert "£1,200 a year" in html and "£99.50 a month" in html
    assert "2 organisations, 2 assessors" in html and "No limits" in html
    assert '<td class="field-councils">1</td>' in html  # Alpha; Beta has no plan
    assert '<td class="field-councils">0</td>' in html
    assert '<td class="field-trial_days">30</td>' in html


def test_a_plan_in_use_offers_no_delete_and_says_why(console_client, tenant_a_on_small_plan):
    plan = tenant_a_on_small_plan.plan

    change = unescape(console_client.get(f"{CHANGELIST}{plan.pk}/change/").content.decode())

    assert "1 council is on this plan, so it cannot be deleted." in change
    assert f"{CHANGELIST}{plan.pk}/delete/" not in change
    assert console_client.get(f"{CHANGELIST}{plan.pk}/delete/").status_code == 403
    assert Plan.objects.filter(pk=plan.pk).exists()


def test_a_plan_nobody_is_on_can_be_deleted(console_client):
    plan = PlanFactory(name="Unused")

    response = console_client.post(f"{CHANGELIST}{plan.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Plan.objects.filter(pk=plan.pk).exists()


def test_new_limits_saved_in_the_admin_reach_the_council(
    console_client, tenant_a_on_small_plan, small_plan
):
    data = {
        "name": "Small",
        "description": "",
        "price_pence": "120000",
        "interval": "year",
        "stripe_price_id": "price_small",
        "max_organisations": "10",
        "max_assessors": "",
        "trial_days": "30",
        "is_available": "on",
        "position": "0",
    }

    response = console_client.post(f"{CHANGELIST}{small_plan.pk}/change/", data)

    assert response.status_code == 302
    tenant_a_on_small_plan.refresh_from_db()
    assert tenant_a_on_small_plan.plan_limit("organisations") == 10
    assert tenant_a_on_small_plan.plan_limit("assessors") is None
