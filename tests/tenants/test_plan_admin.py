"""Platform staff manage plans in the platform admin; a plan councils are on cannot be deleted."""

from html import unescape

from django.db import connection
from django.test.utils import CaptureQueriesContext

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
    small = tenant_a_on_small_plan.plan_id
    # Alpha; Beta has no plan. The count links to the councils on the plan.
    assert f'<a href="/admin/tenants/tenant/?plan__id__exact={small}">1</a>' in html
    assert ">0</a></td>" in html
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


def test_plan_list_costs_the_same_queries_for_one_plan_and_for_many(console_client, db):
    PlanFactory(name="First")

    def queries() -> int:
        console_client.get(CHANGELIST)  # the platform host's tenant, cached as on any request
        with CaptureQueriesContext(connection) as captured:
            assert console_client.get(CHANGELIST).status_code == 200
        return len(captured)

    one = queries()
    PlanFactory.create_batch(4)

    # The same four whatever the number of plans: councils are counted in the plans query.
    assert (one, queries()) == (4, 4)
