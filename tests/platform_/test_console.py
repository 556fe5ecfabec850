"""The platform console lists councils with their plan and use, read from every schema at once."""

from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from accreditation.selectors import held_awards
from charters.models import Organisation
from platform_.accounts.models import User
from platform_.audit.models import AuditEvent
from platform_.billing.models import StripeEvent, Subscription
from platform_.console import usage_of
from tenants.enums import LifecycleStatus
from tenants.models import Tenant
from tests.factories import OrganisationFactory, UserFactory
from tests.fixtures.awards import make_award
from tests.helpers import TEST_PASSWORD

CHANGELIST = "/admin/tenants/tenant/"
EVENT_AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
LOGIN_AT = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)


@pytest.fixture
def twins_in_use(tenant_a_on_small_plan, published_a, tenant_b):
    """Alpha: three organisations, one award held, one revoked, one expired, an audit event
    and a sign in. Beta: one organisation, nothing else."""
    alpha = tenant_a_on_small_plan
    with tenant_context(alpha):
        first, second, third = (OrganisationFactory(postcode=f"WV7 {n}AA") for n in range(3))
    make_award(alpha, first)
    make_award(alpha, second, revoked_at=timezone.now())
    make_award(alpha, third, expires_on=timezone.localdate() - timedelta(days=1))
    with tenant_context(alpha):
        AuditEvent.objects.create(key="test.event", object_type="x", object_id="1")
        AuditEvent.objects.update(created_at=EVENT_AT)
        UserFactory(email="signed.in@alpha.test", last_login=LOGIN_AT)
    with tenant_context(tenant_b):
        OrganisationFactory(name="Beta Academy")
        AuditEvent.objects.update(created_at=EVENT_AT)  # the events of its provisioning
    return alpha


def row_of(html: str, name: str) -> str:
    start = html.index(f">{name}</a>")
    return html[start : html.index("</tr>", start)]


def test_usage_of_twin_councils_is_each_councils_own(twins_in_use, tenant_b):
    usage = usage_of([twins_in_use, tenant_b])

    with tenant_context(twins_in_use):
        held_in_alpha = held_awards(timezone.localdate()).count()
        organisations_in_alpha = Organisation.objects.count()
    assert (usage[twins_in_use.pk].organisations, usage[twins_in_use.pk].awards) == (
        organisations_in_alpha,
        held_in_alpha,
    )
    assert (organisations_in_alpha, held_in_alpha) == (3, 1)
    assert usage[twins_in_use.pk].last_activity == LOGIN_AT
    assert (usage[tenant_b.pk].organisations, usage[tenant_b.pk].awards) == (1, 0)
    assert usage[tenant_b.pk].last_activity == EVENT_AT


def test_the_console_lists_plan_status_and_use_of_each_council(console_client, twins_in_use):
    html = unescape(console_client.get(CHANGELIST).content.decode())

    alpha, beta = row_of(html, "Alpha City Council"), row_of(html, "Beta Borough Council")
    assert '<td class="field-plan nowrap">Small</td>' in alpha
    assert '<td class="field-status">Trial</td>' in alpha
    assert '<td class="field-organisations">3</td>' in alpha
    assert '<td class="field-awards">1</td>' in alpha
    assert '<td class="field-last_activity nowrap">25 Nov 2026, 2 p.m.</td>' in alpha
    assert '<td class="field-organisations">1</td>' in beta
    assert '<td class="field-awards">0</td>' in beta
    assert '<td class="field-plan nowrap">-</td>' in beta


def test_the_console_filters_by_status_and_plan(console_client, twins_in_use, small_plan):
    by_plan = console_client.get(f"{CHANGELIST}?plan__id__exact={small_plan.pk}").content
    by_status = console_client.get(f"{CHANGELIST}?status__exact=suspended").content.decode()

    assert b"Alpha City Council" in by_plan and b"Beta Borough Council" not in by_plan
    assert "Alpha City Council" not in by_status and "0 tenants" in by_status


def test_the_console_costs_the_same_queries_for_one_council_and_for_many(
    console_client, twins_in_use, tenant_b
):
    def queries() -> tuple[int, int, list[str]]:
        console_client.get(CHANGELIST)  # the platform host's tenant, cached as on any request
        with CaptureQueriesContext(connection) as captured:
            response = console_client.get(f"{CHANGELIST}?status__exact=trial")
        assert response.status_code == 200
        sql = [query["sql"] for query in captured]
        return len(captured), response.context["cl"].result_count, sql

    Tenant.objects.filter(pk=tenant_b.pk).update(status=LifecycleStatus.ACTIVE)
    one = queries()
    Tenant.objects.filter(pk=tenant_b.pk).update(status=LifecycleStatus.TRIAL)
    two = queries()

    assert (one[1], two[1]) == (1, 2)
    # Staff user, plans for the filter, two counts, the councils, their use (one).
    assert (one[0], two[0]) == (6, 6), two[2]


def test_the_console_is_for_platform_staff_only(platform_client, tenant_a):
    User.objects.create_user("not.staff@platform.test", TEST_PASSWORD)
    platform_client.login(username="not.staff@platform.test", password=TEST_PASSWORD)

    response = platform_client.get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={CHANGELIST}"


def test_subscriptions_and_stripe_events_are_shown_not_edited(console_client, tenant_a):
    subscription = Subscription.objects.create(
        tenant=tenant_a,
        stripe_customer_id="cus_alpha",
        stripe_subscription_id="sub_alpha",
        stripe_status="active",
    )
    event = StripeEvent.objects.create(
        stripe_id="evt_1", type="invoice.paid", payload={}, attempts=2, last_error="Timeout"
    )
    subscription_url = f"/admin/billing/subscription/{subscription.pk}/change/"

    tenant_page = console_client.get(f"{CHANGELIST}{tenant_a.pk}/change/").content.decode()
    listed = console_client.get(
        f"/admin/billing/subscription/?tenant__id__exact={tenant_a.pk}"
    ).content.decode()
    shown = console_client.get(subscription_url).content.decode()
    events = console_client.get("/admin/billing/stripeevent/").content.decode()

    assert f"/admin/billing/subscription/?tenant__id__exact={tenant_a.pk}" in tenant_page
    assert "Alpha City Council" in listed
    assert "cus_alpha" in shown and "sub_alpha" in shown
    assert 'name="stripe_status"' not in shown
    assert console_client.post(subscription_url, {"stripe_status": "canceled"}).status_code == 403
    assert "evt_1" in events and "invoice.paid" in events and "Timeout" in events
    assert console_client.get("/admin/billing/stripeevent/add/").status_code == 403
    assert console_client.get(f"/admin/billing/stripeevent/{event.pk}/delete/").status_code == 403
    assert console_client.get("/admin/billing/councilsignup/").status_code == 200


def test_a_council_whose_schema_was_dropped_lists_without_use(console_client, tenant_b):
    Tenant.objects.filter(pk=tenant_b.pk).update(
        status=LifecycleStatus.CLOSED, schema_dropped_at=timezone.now()
    )

    response = console_client.get(CHANGELIST)

    assert response.status_code == 200
    beta = row_of(response.content.decode(), "Beta Borough Council")
    assert '<td class="field-organisations">-</td>' in beta
