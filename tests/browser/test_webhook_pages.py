"""The webhook pages in real Chromium: an officer adds an endpoint (after an error), sends a test
event to a local receiver and reads the answer; axe finds no violations on any of them."""

import pytest

from tests.browser.a11y import assert_accessible
from tests.browser.councils import council_with_officer
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def council(django_db_setup, django_db_blocker):
    with council_with_officer(django_db_blocker, name="Kappa Council", slug="kappa") as tenant:
        yield tenant


def test_an_officer_adds_an_endpoint_and_tests_it(server_url, page, council, receiver):
    base = server_url.format(host="kappa.localhost")
    page.goto(base + "/accounts/login/?next=/manage/webhooks/")
    page.get_by_label("Email").fill("officer@kappa.test")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(base + "/manage/webhooks/")
    assert_accessible(page)

    page.get_by_role("button", name="Add an endpoint").click()
    page.get_by_label("Endpoint URL").fill(f"{receiver.url}/kappa")
    page.get_by_role("button", name="Add endpoint").click()  # no events chosen
    assert page.get_by_role("link", name="Choose at least one event to send.").is_visible()
    assert_accessible(page)
    page.get_by_label("An organisation signed the charter").check()
    page.get_by_label("Charter Status was granted (made public)").check()
    page.get_by_role("button", name="Add endpoint").click()
    assert page.get_by_text("Endpoint added.").is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Send a test event").click()  # sent inline (eager tasks)
    assert page.get_by_text("Test event sent.").is_visible()
    assert [r.path for r in receiver.requests] == ["/hooks/kappa"]
    page.get_by_role("link", name="ping").click()
    assert page.get_by_role("heading", name="Attempt 1: delivered").is_visible()
    assert_accessible(page)
