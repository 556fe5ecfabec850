"""The platform home: what CoCharter is, the plans from the Plan table, and the way to sign up;
and both pages when billing is off (no STRIPE_SECRET_KEY)."""

from __future__ import annotations

import pytest

from platform_.billing.models import CouncilSignup
from tenants.models import Plan, PlanInterval


@pytest.fixture
def plans(db) -> list[Plan]:
    return [
        Plan.objects.create(
            name="Small board",
            description="For a partnership board starting out.",
            price_pence=45000,
            interval=PlanInterval.YEAR,
            stripe_price_id="price_small",
            max_organisations=30,
            max_assessors=3,
            trial_days=30,
            position=1,
        ),
        Plan.objects.create(
            name="Large council",
            price_pence=9950,
            interval=PlanInterval.MONTH,
            stripe_price_id="price_large",
            position=3,
        ),
    ]


def test_the_home_page_shows_each_available_plan_in_words(platform_client, plans):
    Plan.objects.create(name="Retired plan", price_pence=1, is_available=False)
    html = platform_client.get("/").content.decode()

    assert '<h3 class="govuk-summary-card__title">Small board</h3>' in html
    assert "For a partnership board starting out." in html
    assert "£450 a year, before VAT" in html
    assert "Up to 30</dd>" in html and "Up to 3</dd>" in html
    assert "30 days free: you pay nothing until the trial ends" in html
    assert "£99.50 a month, before VAT" in html
    assert html.count("No limit</dd>") == 2  # the large council's organisations and assessors
    assert "No free trial</dd>" in html
    assert html.index("Small board") < html.index("Large council")  # by position
    assert "Retired plan" not in html


def test_the_home_page_explains_the_service_and_leads_to_sign_up(platform_client, plans):
    html = platform_client.get("/").content.decode()

    assert "What co-production means" in html
    assert "What Charter Status is" in html
    assert "certificates with a QR code that anyone can check" in html
    assert "your data kept apart" in html
    assert "an easy read version of your charter" in html
    assert (
        'href="/signup/" role="button" draggable="false" class="govuk-button govuk-button--start"'
        in html
    )


@pytest.mark.parametrize("count", [1, 6])
def test_the_home_page_reads_the_plans_in_one_query_however_many(
    platform_client, django_assert_num_queries, count
):
    for number in range(count):
        Plan.objects.create(name=f"Plan {number}", price_pence=100 * number)
    platform_client.get("/")  # the platform's tenant row, cached by host
    # The plans alone (the connection is already on the public schema): one plan or six.
    with django_assert_num_queries(1):
        response = platform_client.get("/")
    assert response.content.decode().count('<h3 class="govuk-summary-card__title">') == count


def test_with_billing_off_the_home_page_shows_the_plans_and_says_whom_to_ask(
    platform_client, plans, settings
):
    settings.STRIPE_SECRET_KEY = ""
    settings.PLATFORM_CONTACT_EMAIL = "councils@cocharter.example"
    html = platform_client.get("/").content.decode()

    assert "Online sign up is not open at the moment." in html
    assert 'href="mailto:councils@cocharter.example"' in html
    assert "£450 a year" in html


def test_with_billing_off_sign_up_says_staff_create_councils(platform_client, plans, settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.PLATFORM_CONTACT_EMAIL = "councils@cocharter.example"
    for response in (
        platform_client.get("/signup/"),
        platform_client.post("/signup/", {"council_name": "Gamma", "slug": "gamma"}),
    ):
        html = response.content.decode()
        assert response.status_code == 200
        assert "Online sign up is not available" in html
        assert "manage.py create_council" in html
        assert 'href="mailto:councils@cocharter.example"' in html
    assert CouncilSignup.objects.count() == 0


def test_with_billing_on_the_home_page_does_not_say_it_is_off(platform_client, plans, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    assert "Online sign up is not open" not in platform_client.get("/").content.decode()
