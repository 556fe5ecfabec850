"""A real Celery worker, on real Redis, runs the invitation email task in the right schema."""

import time
from pathlib import Path

import pytest
from django.db import transaction
from django_tenants.utils import tenant_context

from platform_ import celery_app
from platform_.accounts import services
from platform_.accounts.enums import Role
from platform_.accounts.models import Invitation
from platform_.outbox.models import OutboxEmail
from tenants.models import Tenant
from tests.processes import start_worker, stop, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def mail_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("worker-mail")


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, mail_dir, tmp_path_factory):
    """A worker process on this run's own queue, sending mail to files in mail_dir."""
    log = tmp_path_factory.mktemp("worker-log") / "worker.log"
    with django_db_blocker.unblock():
        process = start_worker(
            log,
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(mail_dir),
        )
    yield process
    stop(process)
    print(log.read_text())  # shown by pytest when a test of this module fails


@pytest.fixture
def publish_to_broker():
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True


def test_invitation_email_is_sent_by_a_real_worker_in_the_right_schema(
    worker, publish_to_broker, django_db_blocker, mail_dir
):
    with django_db_blocker.unblock():
        alpha, beta = Tenant.objects.get(slug="alpha"), Tenant.objects.get(slug="beta")
        # Committed for real (no test transaction): on_commit publishes to Redis, after the
        # connection has left alpha's schema, so the task must carry the schema it was queued in.
        with transaction.atomic():
            with tenant_context(alpha):
                invitation = services.invite_person(
                    "worker@alpha.test", role=Role.ASSESSOR, acting_user=None
                )
            # The same outbox primary key in beta: only the schema tells the two rows apart.
            with tenant_context(beta):
                decoy = OutboxEmail.objects.create(
                    pk=invitation.outbox_email_id,
                    recipient="decoy@beta.test",
                    from_email="x@beta.test",
                    subject="Decoy",
                    body="Must never be sent",
                )
        try:

            def sent() -> bool:
                with tenant_context(alpha):
                    email = OutboxEmail.objects.get(pk=invitation.outbox_email_id)
                    return email.sent_at is not None

            assert wait_for(sent), "the worker did not send the invitation"
            with tenant_context(beta):
                decoy.refresh_from_db()
                assert decoy.sent_at is None

            messages = [path.read_text() for path in mail_dir.iterdir()]
            assert len(messages) == 1
            assert "To: worker@alpha.test" in messages[0]
            assert "Alpha City Council" in messages[0]
            link = (
                messages[0].split("http://alpha.localhost/accounts/invitation/", 1)[1].split("/")[0]
            )
            with tenant_context(alpha):
                assert services.find_invitation(link).pk == invitation.pk
        finally:
            with tenant_context(alpha):
                Invitation.objects.filter(pk=invitation.pk).delete()
                OutboxEmail.objects.filter(pk=invitation.outbox_email_id).delete()
            with tenant_context(beta):
                OutboxEmail.objects.filter(pk=decoy.pk).delete()


def test_nothing_is_queued_when_the_transaction_rolls_back(
    worker, publish_to_broker, django_db_blocker, mail_dir
):
    before = set(mail_dir.iterdir())
    with django_db_blocker.unblock():
        alpha = Tenant.objects.get(slug="alpha")
        with tenant_context(alpha), pytest.raises(RuntimeError), transaction.atomic():
            services.invite_person("rollback@alpha.test", role=Role.ASSESSOR, acting_user=None)
            raise RuntimeError("abandon the transaction")
        with tenant_context(alpha):
            assert not Invitation.objects.filter(email="rollback@alpha.test").exists()
    time.sleep(2)
    assert set(mail_dir.iterdir()) == before
