"""A worker killed while the mail server holds its reply: the email is not sent again until the
sender's claim lapses, and the repeat carries the same Message-ID, so the person's mail system
shows one message (effectively once: SMTP itself cannot promise more)."""

import time

import pytest
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from platform_ import celery_app
from platform_.outbox import services
from platform_.outbox.models import OutboxEmail
from tenants.models import Tenant
from tests.processes import start_worker, stop, wait_for
from tests.smtp_sink import SmtpSink

pytestmark = pytest.mark.integration

CLAIM_TIMEOUT = 3


@pytest.fixture
def publish_to_broker():
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True


def test_a_worker_killed_mid_send_delivers_one_message(
    django_db_setup, django_db_blocker, publish_to_broker, settings, tmp_path
):
    settings.OUTBOX_CLAIM_TIMEOUT_SECONDS = CLAIM_TIMEOUT
    mail_env = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "OUTBOX_CLAIM_TIMEOUT_SECONDS": str(CLAIM_TIMEOUT),
    }
    workers = []
    with SmtpSink() as sink, django_db_blocker.unblock():
        alpha = Tenant.objects.get(slug="alpha")
        try:
            sink.stall_after_data.set()
            workers.append(
                start_worker(tmp_path / "first.log", EMAIL_PORT=str(sink.port), **mail_env)
            )
            with transaction.atomic(), tenant_context(alpha):
                email = services.queue_rendered_email(
                    "ada@example.test", subject="Only once", body="You should see this once."
                )
            assert sink.wait_for(1), "the worker never reached the mail server"

            workers[0].kill()  # SIGKILL: the worker dies between sending and recording
            workers[0].wait(timeout=10)
            with tenant_context(alpha):
                row = OutboxEmail.objects.get(pk=email.pk)
                assert (row.claimed_at is not None, row.sent_at, row.attempts) == (True, None, 1)
                # Past the sweep's grace: only the live claim keeps it from being sent again.
                OutboxEmail.objects.filter(pk=email.pk).update(
                    created_at=timezone.now() - services.SWEEP_GRACE * 2
                )
                assert services.sweep_unsent() == 0

            time.sleep(CLAIM_TIMEOUT + 0.5)  # the dead sender's claim lapses
            sink.stall_after_data.clear()
            workers.append(
                start_worker(tmp_path / "second.log", EMAIL_PORT=str(sink.port), **mail_env)
            )
            with tenant_context(alpha):
                assert services.sweep_unsent() == 1

            def recorded() -> bool:
                with tenant_context(alpha):
                    return OutboxEmail.objects.get(pk=email.pk).sent_at is not None

            assert sink.wait_for(2) and wait_for(recorded), (tmp_path / "second.log").read_text()
            with tenant_context(alpha):
                row = OutboxEmail.objects.get(pk=email.pk)
                assert row.attempts == 2
                assert services.sweep_unsent() == 0
        finally:
            for worker in workers:
                stop(worker)
            with tenant_context(alpha):
                OutboxEmail.objects.filter(recipient="ada@example.test").delete()

    message_ids = [message["Message-ID"] for message in sink.messages]
    assert message_ids == [f"<outbox.t_alpha.{email.pk}@cocharter.localhost>"] * 2
    # What the person sees: their mail system keeps one message per Message-ID.
    assert len(set(message_ids)) == 1
    assert all(message["Subject"] == "Only once" for message in sink.messages)
