"""The export page in real Chromium: prepared, downloaded, and still reachable once closed; axe
finds no violations on it or on the closed site's page."""

import io
import time
import zipfile

import pytest

from tenants.enums import LifecycleStatus
from tenants.middleware import LOCAL_TIMEOUT
from tenants.services import set_tenant_status
from tests.browser.a11y import assert_accessible
from tests.browser.councils import council_with_officer
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def council(django_db_setup, django_db_blocker):
    with council_with_officer(django_db_blocker, name="Delta Council", slug="delta") as tenant:
        yield tenant


def sign_in(page, base: str) -> None:
    page.get_by_label("Email").fill("officer@delta.test")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_an_officer_prepares_downloads_and_still_can_once_closed(
    server_url, page, council, django_db_blocker
):
    base = server_url.format(host="delta.localhost")
    page.goto(base + "/accounts/login/?next=/manage/export/")
    sign_in(page, base)
    page.wait_for_url(base + "/manage/export/")
    assert_accessible(page)

    page.get_by_role("button", name="Prepare an export").click()  # built inline (eager tasks)
    page.wait_for_url(base + "/manage/export/")
    assert page.get_by_role("cell", name="Ready to download").is_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download").first.click()
    assert download.value.suggested_filename.startswith("delta-data-")
    with open(download.value.path(), "rb") as file:
        names = zipfile.ZipFile(io.BytesIO(file.read())).namelist()
    assert "README.txt" in names and "organisations.csv" in names

    with django_db_blocker.unblock():
        set_tenant_status(council, LifecycleStatus.CLOSED, acting_user=None)
    try:
        time.sleep(LOCAL_TIMEOUT + 0.2)  # the server's processes hold the host for a moment
        page.context.clear_cookies()
        response = page.goto(base + "/")
        assert response.status == 410
        assert_accessible(page)
        page.get_by_role("link", name="sign in to download a copy of all its data").click()
        sign_in(page, base)
        page.wait_for_url(base + "/manage/export/")
        assert page.get_by_text("This site has closed. Download your data before").is_visible()
        assert_accessible(page)
    finally:
        with django_db_blocker.unblock():
            set_tenant_status(council, LifecycleStatus.ACTIVE, acting_user=None)
