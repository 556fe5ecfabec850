"""The export page and its download, in every lifecycle state, closed included."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from django_tenants.utils import tenant_context

from platform_.audit.models import AuditEvent
from platform_.exports import services
from platform_.exports.enums import ExportEvent, ExportStatus
from platform_.exports.models import DataExport
from platform_.exports.tasks import expire_exports
from platform_.outbox.models import OutboxEmail
from tenants.enums import LifecycleStatus
from tenants.services import set_tenant_status
from tests.factories import UserFactory
from tests.helpers import TEST_PASSWORD, committed, login, make_user


@pytest.fixture
def ready_export_a(tenant_a, officer_a):
    """A finished export in Alpha, with a small file of its own."""
    with tenant_context(tenant_a):
        export = DataExport.objects.create(
            requested_by=officer_a,
            status=ExportStatus.READY,
            size=12,
            finished_at=timezone.now(),
            expires_at=timezone.now() + timedelta(days=7),
        )
        export.file.save("export.zip", ContentFile(b"PK Alpha zip"), save=True)
    yield export
    with tenant_context(tenant_a):
        export.file.delete(save=False)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_an_officer_prepares_an_export_and_is_emailed_a_link(tenant_a, officer_a, client_a):
    login(client_a, tenant_a, officer_a)
    assert "Export all your data" in client_a.get("/manage/").content.decode()
    page = client_a.get("/manage/export/").content.decode()
    assert "Prepare an export" in page and "No exports yet." in page

    with committed():
        response = client_a.post("/manage/export/prepare/")
    assert response.status_code == 302 and response["Location"] == "/manage/export/"

    with tenant_context(tenant_a):
        export = DataExport.objects.get()
        assert export.status == ExportStatus.READY
        assert export.file.name.startswith("exports/")
        assert export.size == export.file.size > 0
        event = AuditEvent.objects.get(key=ExportEvent.REQUESTED)
        email = OutboxEmail.objects.get(recipient="officer@alpha.test")
    try:
        assert event.actor_id == officer_a.pk
        assert email.subject == "Your export of Alpha City Council's data is ready"
        assert "http://alpha.localhost/manage/export/" in email.body
        page = client_a.get("/manage/export/").content.decode()
        assert f'href="/manage/export/{export.pk}/download/"' in page
        response = client_a.get(f"/manage/export/{export.pk}/download/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        assert response["Content-Disposition"] == (
            f'attachment; filename="alpha-data-{timezone.localdate():%Y-%m-%d}-{export.pk}.zip"'
        )
        assert response["Cache-Control"] == "private, no-store"
        assert "README.txt" in zipfile.ZipFile(io.BytesIO(body(response))).namelist()
        with tenant_context(tenant_a):
            assert AuditEvent.objects.filter(key=ExportEvent.DOWNLOADED).count() == 1
    finally:
        with tenant_context(tenant_a):
            export.file.delete(save=False)


@pytest.mark.parametrize("role", ["is_assessor", "is_organisation_member"])
def test_people_who_are_not_officers_cannot_see_prepare_or_download(
    tenant_a, client_a, ready_export_a, role
):
    login(client_a, tenant_a, make_user(tenant_a, "someone@alpha.test", **{role: True}))
    assert client_a.get("/manage/export/").status_code == 403
    assert client_a.post("/manage/export/prepare/").status_code == 403
    assert client_a.get(f"/manage/export/{ready_export_a.pk}/download/").status_code == 403
    with tenant_context(tenant_a):
        assert DataExport.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client_a, ready_export_a):
    for path in ("/manage/export/", f"/manage/export/{ready_export_a.pk}/download/"):
        response = client_a.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=/manage/export/")


def test_an_export_not_ready_or_unknown_is_not_found(tenant_a, officer_a, client_a):
    login(client_a, tenant_a, officer_a)
    with tenant_context(tenant_a):
        preparing = DataExport.objects.create(requested_by=officer_a)
    assert client_a.get(f"/manage/export/{preparing.pk}/download/").status_code == 404
    assert client_a.get(f"/manage/export/{preparing.pk + 1}/download/").status_code == 404


def test_a_double_click_starts_one_export(tenant_a, officer_a, client_a):
    login(client_a, tenant_a, officer_a)
    with tenant_context(tenant_a):
        preparing = DataExport.objects.create(requested_by=officer_a)
    client_a.post("/manage/export/prepare/")
    with tenant_context(tenant_a):
        assert list(DataExport.objects.all()) == [preparing]
    assert "An export is being prepared" in client_a.get("/manage/export/").content.decode()


def test_a_lost_export_does_not_block_the_next(tenant_a, officer_a, client_a):
    login(client_a, tenant_a, officer_a)
    with tenant_context(tenant_a):
        lost = DataExport.objects.create(requested_by=officer_a)
        DataExport.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=3))
    client_a.post("/manage/export/prepare/")  # not committed: the new one stays preparing
    with tenant_context(tenant_a):
        lost.refresh_from_db()
        assert lost.status == ExportStatus.FAILED
        assert DataExport.objects.filter(status=ExportStatus.PREPARING).count() == 1


def test_exports_are_limited_per_day(tenant_a, officer_a, client_a, settings):
    settings.EXPORTS_PER_DAY = 2
    login(client_a, tenant_a, officer_a)
    with tenant_context(tenant_a):
        for status in (ExportStatus.READY, ExportStatus.EXPIRED, ExportStatus.FAILED):
            DataExport.objects.create(requested_by=officer_a, status=status)
    response = client_a.post("/manage/export/prepare/", follow=True)
    assert "prepared 2 exports in the last 24 hours" in response.content.decode()
    with tenant_context(tenant_a):
        assert DataExport.objects.count() == 3  # the failed one did not count, but no new one


def test_the_list_page_makes_the_same_queries_for_one_export_and_many(
    tenant_a, officer_a, client_a, django_assert_num_queries
):
    login(client_a, tenant_a, officer_a)
    with tenant_context(tenant_a):
        DataExport.objects.create(requested_by=officer_a, status=ExportStatus.FAILED)
    client_a.get("/manage/export/")  # warms the tenant and session caches
    with django_assert_num_queries(2):
        assert client_a.get("/manage/export/").status_code == 200
    with tenant_context(tenant_a):
        other = UserFactory(is_council_officer=True)
        for _ in range(5):
            DataExport.objects.create(requested_by=other, status=ExportStatus.FAILED)
    client_a.get("/manage/export/")  # back on the council's schema after tenant_context
    with django_assert_num_queries(2):
        assert client_a.get("/manage/export/").status_code == 200


def test_a_suspended_council_can_still_prepare_an_export(tenant_a, officer_a, client_a):
    login(client_a, tenant_a, officer_a)
    set_tenant_status(tenant_a, LifecycleStatus.SUSPENDED, acting_user=None)
    response = client_a.post("/manage/export/prepare/")
    assert response.status_code == 302
    with tenant_context(tenant_a):
        assert DataExport.objects.filter(status=ExportStatus.PREPARING).count() == 1


# --- A closed council -----------------------------------------------------------------------------


def test_a_closed_councils_pages_are_gone_and_say_officers_can_still_download(tenant_a, client_a):
    set_tenant_status(tenant_a, LifecycleStatus.CLOSED, acting_user=None)
    due = tenant_a.data_deletion_due
    assert due.date() == (timezone.now() + timedelta(days=90)).date()
    for path in ("/", "/register/", "/charter/", "/manage/", "/org/", "/accounts/signup/"):
        response = client_a.get(path)
        assert response.status_code == 410, path
    html = client_a.get("/").content.decode()
    assert "This site has closed" in html
    assert 'href="/accounts/login/?next=/manage/export/"' in html
    assert f"before {due:%-d %B %Y}, when it will be deleted" in html


def test_an_officer_of_a_closed_council_signs_in_and_downloads(
    tenant_a, officer_a, client_a, ready_export_a
):
    set_tenant_status(tenant_a, LifecycleStatus.CLOSED, acting_user=None)
    assert client_a.get("/accounts/login/").status_code == 200
    response = client_a.post(
        "/accounts/login/?next=/manage/export/",
        {"login": "officer@alpha.test", "password": TEST_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == "/manage/export/"
    page = client_a.get("/manage/export/")
    assert page.status_code == 200
    assert "This site has closed. Download your data before" in page.content.decode()
    download = client_a.get(f"/manage/export/{ready_export_a.pk}/download/")
    assert download.status_code == 200 and body(download) == b"PK Alpha zip"
    assert client_a.get("/manage/people/").status_code == 410  # only the export
    # Signed in, the closed page leads straight to the export.
    assert 'href="/manage/export/">download a copy' in client_a.get("/").content.decode()
    assert client_a.post("/accounts/logout/").status_code == 302


def test_an_officer_of_a_closed_council_can_prepare_a_new_export(tenant_a, officer_a, client_a):
    set_tenant_status(tenant_a, LifecycleStatus.CLOSED, acting_user=None)
    login(client_a, tenant_a, officer_a)
    with committed():
        assert client_a.post("/manage/export/prepare/").status_code == 302
    with tenant_context(tenant_a):
        export = DataExport.objects.get()
        try:
            assert export.status == ExportStatus.READY
            email = OutboxEmail.objects.get(recipient="officer@alpha.test")
            assert "the data will be deleted on" in email.body
        finally:
            export.file.delete(save=False)


def test_someone_else_at_a_closed_council_cannot_download(tenant_a, client_a, ready_export_a):
    set_tenant_status(tenant_a, LifecycleStatus.CLOSED, acting_user=None)
    make_user(tenant_a, "lead@alpha.test", is_organisation_member=True)
    response = client_a.post(
        "/accounts/login/", {"login": "lead@alpha.test", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert client_a.get("/manage/export/").status_code == 403
    assert client_a.get(f"/manage/export/{ready_export_a.pk}/download/").status_code == 403
    assert client_a.get("/org/").status_code == 410


def test_a_closed_councils_certificates_still_verify(tenant_a, client_a, award_a):
    set_tenant_status(tenant_a, LifecycleStatus.CLOSED, acting_user=None)
    response = client_a.get(f"/verify/{award_a.verification_code}/")
    assert response.status_code == 200
    assert "ALPH-2027-0042" in response.content.decode()
    # Read-only: no concern can be raised any more.
    assert client_a.post(f"/verify/{award_a.verification_code}/concern/", {}).status_code == 403


# --- Expiry ---------------------------------------------------------------------------------------


def test_old_exports_expire_and_their_files_are_deleted(tenant_a, ready_export_a):
    with tenant_context(tenant_a):
        name = ready_export_a.file.name
        DataExport.objects.filter(pk=ready_export_a.pk).update(expires_at=timezone.now())
        with committed():
            assert expire_exports.apply().get() == 1
        ready_export_a.refresh_from_db()
        assert ready_export_a.status == ExportStatus.EXPIRED and not ready_export_a.file
        assert not ready_export_a.file.storage.exists(name)
        with committed():
            assert expire_exports.apply().get() == 0  # a second run changes nothing


def test_a_closed_councils_exports_are_kept_until_its_data_is_deleted(tenant_a, ready_export_a):
    set_tenant_status(tenant_a, LifecycleStatus.CLOSED, acting_user=None)
    with tenant_context(tenant_a):
        DataExport.objects.filter(pk=ready_export_a.pk).update(expires_at=timezone.now())
        assert services.expire_exports() == 0
        ready_export_a.refresh_from_db()
        assert ready_export_a.status == ExportStatus.READY


def test_an_officer_of_a_closed_council_who_forgot_the_password_can_reset_it(
    tenant_a, officer_a, client_a, mailoutbox
):
    set_tenant_status(tenant_a, LifecycleStatus.CLOSED, acting_user=None)
    assert client_a.get("/accounts/password/reset/").status_code == 200
    with committed():
        response = client_a.post("/accounts/password/reset/", {"email": "officer@alpha.test"})
    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [["officer@alpha.test"]]


def test_a_failed_build_is_recorded_and_nobody_is_emailed(
    tenant_a, officer_a, client_a, monkeypatch
):
    def broken(out):
        out.write(b"half a zip")
        raise OSError("disk full")

    monkeypatch.setattr("platform_.exports.services.write_export", broken)
    login(client_a, tenant_a, officer_a)
    with committed():
        client_a.post("/manage/export/prepare/")
    with tenant_context(tenant_a):
        export = DataExport.objects.get()
        assert export.status == ExportStatus.FAILED
        assert export.error == "OSError: disk full"
        assert not export.file
        assert not OutboxEmail.objects.exists()
    page = client_a.get("/manage/export/").content.decode()
    assert "Failed: please try again" in page and "Prepare an export" in page
