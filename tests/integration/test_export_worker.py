"""A real Celery worker builds a closed council's export in that council's schema."""

import shutil
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django_tenants.utils import tenant_context

from platform_ import celery_app
from platform_.exports.enums import ExportStatus
from platform_.exports.services import request_export
from tenants.enums import LifecycleStatus
from tenants.services import provision_tenant, set_tenant_status
from tests.factories import OrganisationFactory
from tests.helpers import make_user
from tests.processes import start_worker, stop, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def worker(django_db_setup, django_db_blocker, tmp_path):
    with django_db_blocker.unblock():
        process = start_worker(
            tmp_path / "worker.log",
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(tmp_path / "mail"),
        )
    celery_app.conf.task_always_eager = False
    yield process
    celery_app.conf.task_always_eager = True
    stop(process)
    print((tmp_path / "worker.log").read_text())  # shown by pytest when the test fails


@pytest.fixture
def closed_council(django_db_setup, django_db_blocker):
    """Epsilon Council, committed (the worker cannot see a test transaction), then closed."""
    with django_db_blocker.unblock():
        tenant = provision_tenant(name="Epsilon Council", slug="epsilon", officer_email=None)
        with tenant_context(tenant):
            OrganisationFactory(name="Epsilon Academy")
        connection.set_schema_to_public()
        set_tenant_status(tenant, LifecycleStatus.CLOSED, acting_user=None)
        yield tenant
        with tenant_context(tenant):
            media = default_storage.location
        shutil.rmtree(media, ignore_errors=True)
        connection.set_schema_to_public()
        tenant.delete(force_drop=True)


def test_a_real_worker_builds_a_closed_councils_export(worker, closed_council, django_db_blocker):
    with django_db_blocker.unblock():
        officer = make_user(closed_council, "officer@epsilon.test", is_council_officer=True)
        with transaction.atomic(), tenant_context(closed_council):
            export = request_export(acting_user=officer)  # queued to Redis on commit

        def ready() -> bool:
            with tenant_context(closed_council):
                export.refresh_from_db()
                return export.status != ExportStatus.PREPARING

        assert wait_for(ready, timeout=60), "the worker did not build the export"
        with tenant_context(closed_council):
            assert export.status == ExportStatus.READY, export.error
            with export.file.open("rb") as file, zipfile.ZipFile(file) as archive:
                organisations = archive.read("organisations.csv").decode()
        assert "Epsilon Academy" in organisations
