"""Real Chromium, real server: the billing notice and a plan limit's refusal pass axe."""

import time
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from platform_.accounts.models import User
from platform_.billing.models import Subscription
from tenants.middleware import LOCAL_TIMEOUT
from tenants.models import Plan, Tenant
from tests.helpers import TEST_PASSWORD, make_user

pytestmark = pytest.mark.browser
axe = Axe()


def _settle() -> None:
    # The server's processes hold the tenant by host for LOCAL_TIMEOUT seconds.
    time.sleep(LOCAL_TIMEOUT + 0.2)


@pytest.fixture(scope="module")
def officer_on_a_full_plan(django_db_setup, django_db_blocker):
    """Alpha, committed: on a trial plan that allows no organisations, with its officer."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        alpha = Tenant.objects.get(slug="alpha")
        plan = Plan.objects.create(name="Browser plan", price_pence=100, max_organisations=0)
        alpha.plan = plan
        alpha.save(update_fields=["plan"])
        Subscription.objects.create(
            tenant=alpha,
            stripe_customer_id="cus_browser",
            stripe_subscription_id="sub_browser",
            stripe_status="trialing",
            trial_end=timezone.now() + timedelta(days=20),
        )
        user = make_user(alpha, "billing.officer@alpha.test", is_council_officer=True)
        connection.set_schema_to_public()
        _settle()
        yield user
        connection.set_schema_to_public()
        Subscription.objects.filter(tenant=alpha).delete()
        alpha.plan = None
        alpha.save(update_fields=["plan"])
        plan.delete()
        with tenant_context(alpha):
            User.objects.filter(pk=user.pk).delete()
        connection.set_schema_to_public()
        _settle()


def test_the_trial_notice_and_the_plan_limit_page_pass_axe(
    server_url, page, officer_on_a_full_plan
):
    base = server_url.format(host="alpha.localhost")
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(officer_on_a_full_plan.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(base + "/")

    notice = page.get_by_role("region", name="Important")
    assert "Your free trial ends on" in notice.inner_text()
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()

    page.goto(base + "/org/new/")
    page.get_by_label("Organisation name").fill("Willow Surgery")
    page.get_by_label("GP practice").check()
    page.get_by_label("Address line 1").fill("1 Willow Road")
    page.get_by_label("Town or city").fill("Alphaton")
    page.get_by_label("Postcode").fill("WV3 3AA")
    page.locator("main form[method=post] button[type=submit]").last.click()

    summary = page.locator(".govuk-error-summary")
    assert "Your council's plan allows 0 organisations" in summary.inner_text()
    assert page.get_by_role("link", name="move to a bigger plan").get_attribute("href") == (
        "/manage/billing/"
    )
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()
