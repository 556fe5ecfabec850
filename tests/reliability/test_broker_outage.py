"""Redis (cache and broker) stops while people save things: they see success, and every email
is sent once, by the outbox sweep, when Redis is back.

Changes commit for real, so the email tasks are queued from the on-commit hook inside the
request, where a broker error used to become a 500 after the change was saved.
"""

import logging
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context
from kombu import pools as kombu_pools

from accreditation.enums import ApplicationStatus
from accreditation.models import Application
from platform_ import background, celery_app
from platform_.accounts.models import Invitation, User
from platform_.outbox import services as outbox
from platform_.outbox import tasks as outbox_tasks
from platform_.outbox.models import OutboxEmail
from tests.helpers import host_of, login
from tests.processes import start_worker, stop, wait_for

pytestmark = pytest.mark.integration


def use_broker(url: str, *, eager: bool) -> None:
    conf = celery_app.conf
    conf.broker_url, conf.task_always_eager = url, eager
    # The connection and producer pools were made for the old URL. kombu also keeps producer
    # pools in a registry of its own, keyed by connection: reset it too, or a later test would
    # publish through a pool this one closed.
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    kombu_pools.reset()


@pytest.fixture
def broker_on_own_redis(cache_on_own_redis):
    """This process's cache and Celery broker both on the tests' own Redis, publishing for real."""
    saved = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    use_broker(cache_on_own_redis.url, eager=False)
    yield cache_on_own_redis
    use_broker(saved[0], eager=saved[1])


def start_broker_worker(broker_url: str, mail_dir: Path, log: Path) -> subprocess.Popen:
    return start_worker(
        log,
        CELERY_BROKER_URL=broker_url,
        REDIS_URL=broker_url,
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
    )


def sent_to(mail_dir: Path) -> list[str]:
    """The recipient of every message the file backend wrote, one entry per message."""
    return sorted(
        line.removeprefix("To: ")
        for path in mail_dir.iterdir()
        for line in path.read_text().splitlines()
        if line.startswith("To: ")
    )


def test_people_see_success_while_the_broker_is_down_and_the_sweep_sends_each_email_once(
    council, broker_on_own_redis, django_db_blocker, tmp_path, caplog
):
    caplog.set_level(logging.INFO, logger="platform_.background")
    failures_before = background.publish_failures["outbox.send_email"]
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    with django_db_blocker.unblock():
        with tenant_context(council):
            officer = User.objects.get(email="officer@kappa.test")
            lead = User.objects.get(email="head@kappa.test")
            application = Application.objects.get()
            emails_before = OutboxEmail.objects.count()
        officer_client = login(Client(HTTP_HOST=host_of(council)), council, officer)
        lead_client = login(Client(HTTP_HOST=host_of(council)), council, lead)

        broker_on_own_redis.stop()

        started = time.monotonic()
        invited = officer_client.post(
            "/manage/people/invite/", {"email": "new.assessor@kappa.test", "role": "assessor"}
        )
        invite_seconds = time.monotonic() - started
        started = time.monotonic()
        submitted = lead_client.post(
            f"/org/oakfield-primary-school/applications/{application.pk}/submit/"
        )
        submit_seconds = time.monotonic() - started
        print(
            f"with the broker down: inviting took {invite_seconds:.2f} s (1 email), "
            f"submitting {submit_seconds:.2f} s (2 emails)"
        )

        # What the person sees: success, and the message that says so.
        assert invited.status_code == 302
        assert invited["Location"] == "/manage/people/"
        page = officer_client.get("/manage/people/").content.decode()
        assert "Invitation sent to new.assessor@kappa.test." in page
        assert submitted.status_code == 302
        assert invite_seconds < 2 and submit_seconds < 2

        # Every change is there once, and every email waits in the outbox, unsent.
        with tenant_context(council):
            assert Invitation.objects.filter(email="new.assessor@kappa.test").count() == 1
            application.refresh_from_db()
            assert application.status == ApplicationStatus.SUBMITTED
            owed = OutboxEmail.objects.order_by("pk")[emails_before:]
            assert sorted(e.recipient for e in owed) == [
                "head@kappa.test",
                "new.assessor@kappa.test",
                "officer@kappa.test",
            ]
            assert all(e.sent_at is None for e in owed)
            owed_ids = [e.pk for e in owed]

        # Logged, with the task and the schema, and counted.
        assert background.publish_failures["outbox.send_email"] - failures_before == 3
        errors = [r.getMessage() for r in caplog.records if r.name == "platform_.background"]
        assert len(errors) == 3
        assert all(
            m.startswith(f"Could not queue outbox.send_email for schema {council.schema_name}")
            for m in errors
        )

        # Redis is back; beat's sweep (every five minutes, for emails older than SWEEP_GRACE)
        # finds them. The rows are made older rather than the test waiting five minutes.
        broker_on_own_redis.start()
        with tenant_context(council):
            OutboxEmail.objects.filter(pk__in=owed_ids).update(
                created_at=timezone.now() - outbox.SWEEP_GRACE - timedelta(seconds=1)
            )
        worker = start_broker_worker(broker_on_own_redis.url, mail_dir, tmp_path / "worker.log")
        try:
            with tenant_context(council):  # as beat sends it: once per tenant schema
                outbox_tasks.sweep_unsent.apply_async()

            def all_sent() -> bool:
                with tenant_context(council):
                    return not OutboxEmail.objects.filter(pk__in=owed_ids, sent_at=None).exists()

            assert wait_for(all_sent), "the sweep did not send the owed emails"
            with tenant_context(council):
                assert outbox.sweep_unsent() == 0  # nothing left for a later sweep to send
            time.sleep(0.5)
        finally:
            stop(worker)
            print((tmp_path / "worker.log").read_text())  # shown by pytest when this test fails
    assert sent_to(mail_dir) == [
        "head@kappa.test",
        "new.assessor@kappa.test",
        "officer@kappa.test",
    ]
