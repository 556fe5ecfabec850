"""The fake Stripe server's hosted pages (development's Checkout and portal) in real Chromium:
labelled test mode, usable by keyboard and screen reader (axe), and their buttons work."""

from __future__ import annotations

import pytest

from infra.dev.fake_stripe import FakeStripe
from tests.browser.a11y import assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def fake():
    with FakeStripe() as fake:
        yield fake


def open_session(fake: FakeStripe) -> dict:
    price = fake.add_price(unit_amount=4000, interval="month", nickname="Starter")
    _, session, _ = fake.handle_api(
        "POST",
        "/v1/checkout/sessions",
        {
            "mode": "subscription",
            "line_items": [{"price": price["id"], "quantity": "1"}],
            "customer_email": "grace@gamma.test",
            "subscription_data": {"trial_period_days": "30"},
            "success_url": f"{fake.url}/signed-up/{{CHECKOUT_SESSION_ID}}",
            "cancel_url": f"{fake.url}/cancelled/",
        },
    )
    return session


def test_checkout_page_is_accessible_and_pays(fake, page):
    session = open_session(fake)
    page.goto(session["url"])
    assert page.locator("header").inner_text().startswith("Test mode: no money is taken.")
    assert page.locator("h1").inner_text() == "Pay for CoCharter"
    assert_accessible(page)

    page.get_by_role("button", name="Pay").click()
    assert page.url == f"{fake.url}/signed-up/{session['id']}"
    assert fake.checkout_sessions[session["id"]]["status"] == "complete"


def test_checkout_page_cancel_returns(fake, page):
    session = open_session(fake)
    page.goto(session["url"])
    page.get_by_role("button", name="Cancel").click()
    assert page.url == f"{fake.url}/cancelled/"


def test_portal_page_is_accessible_and_cancels(fake, page):
    session = open_session(fake)
    fake.pay_checkout(session["id"])
    customer = fake.checkout_sessions[session["id"]]["customer"]
    _, portal, _ = fake.handle_api(
        "POST",
        "/v1/billing_portal/sessions",
        {"customer": customer, "return_url": f"{fake.url}/back/"},
    )
    page.goto(portal["url"])
    assert page.locator("header").inner_text().startswith("Test mode: no money is taken.")
    assert_accessible(page)

    page.get_by_role("button", name="Cancel subscription").click()
    assert page.locator("main li").inner_text() == "Starter: canceled"
    assert_accessible(page)
    assert page.get_by_role("link", name="Back to CoCharter").get_attribute("href") == (
        f"{fake.url}/back/"
    )
