"""The one outbox: every email is a row for one recipient, written in the caller's transaction,
sent once after commit, swept up if its task was lost."""

from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from platform_.outbox import services, tasks
from platform_.outbox.models import OutboxEmail


def queue(tenant, recipient="ada@example.test", **kwargs):
    with tenant_context(tenant):
        return services.queue_rendered_email(
            recipient, subject=kwargs.pop("subject", "Hello"), body="Body text", **kwargs
        )


def test_an_email_is_a_row_sent_once_after_commit(tenant_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email = queue(tenant_a)
    assert mail.outbox == []  # nothing leaves before the change commits
    with tenant_context(tenant_a):
        assert OutboxEmail.objects.get(pk=email.pk).sent_at is None

    for callback in callbacks:
        callback()

    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [
        (["ada@example.test"], "Hello", "Body text")
    ]
    assert (
        mail.outbox[0].from_email
        == "Alpha City Council via CoCharter <no-reply@cocharter.localhost>"
    )
    assert mail.outbox[0].extra_headers["Message-ID"] == (
        f"<outbox.t_alpha.{email.pk}@cocharter.localhost>"
    )
    with tenant_context(tenant_a):
        email.refresh_from_db()
        assert email.sent_at is not None
        assert email.attempts == 1


def test_delivering_twice_sends_one_email(tenant_a):
    email = queue(tenant_a)  # on_commit never runs inside the test transaction
    with tenant_context(tenant_a):
        assert services.deliver_email(email.pk) is True
        assert services.deliver_email(email.pk) is False
    assert len(mail.outbox) == 1


def test_a_rolled_back_change_owes_no_email(tenant_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), tenant_context(tenant_a):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.queue_rendered_email("ada@example.test", subject="Hi", body="x")
            raise RuntimeError("the change failed")
        assert not OutboxEmail.objects.exists()
    assert mail.outbox == []


def test_the_same_key_is_owed_once_per_recipient(tenant_a):
    first = queue(tenant_a, dedup_key="reminder:1")
    again = queue(tenant_a, dedup_key="reminder:1")
    other_person = queue(tenant_a, "bo@example.test", dedup_key="reminder:1")
    unkeyed = [queue(tenant_a), queue(tenant_a)]

    assert first is not None and other_person is not None
    assert again is None
    assert all(email is not None for email in unkeyed)
    with tenant_context(tenant_a):
        assert OutboxEmail.objects.count() == 5 - 1


def test_a_subject_is_one_line(tenant_a):
    email = queue(tenant_a, subject="Line one\nBcc: evil@example.test")
    assert email.subject == "Line one Bcc: evil@example.test"


def test_the_sweep_sends_what_a_lost_task_left(tenant_a):
    stale = queue(tenant_a, "stale@example.test")
    queue(tenant_a, "fresh@example.test")
    with tenant_context(tenant_a):
        OutboxEmail.objects.filter(pk=stale.pk).update(
            created_at=timezone.now() - timedelta(hours=1)
        )
        assert services.sweep_unsent() == 1
        assert services.sweep_unsent() == 0  # sent now

    assert [message.to for message in mail.outbox] == [["stale@example.test"]]


def test_a_failed_send_is_recorded_and_retried_later(tenant_a, monkeypatch):
    email = queue(tenant_a)

    def refuse(self, fail_silently=False):
        raise SMTPServerDisconnected("mail server went away")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    with tenant_context(tenant_a), pytest.raises(services.DeliveryFailed):
        services.deliver_email(email.pk)
    with tenant_context(tenant_a):
        email.refresh_from_db()
    assert (email.sent_at, email.attempts) == (None, 1)
    assert email.last_error == "SMTPServerDisconnected: mail server went away"

    monkeypatch.undo()
    with tenant_context(tenant_a):
        assert services.deliver_email(email.pk) is True
    assert len(mail.outbox) == 1


def test_each_tenant_sends_only_its_own_rows(tenant_a, tenant_b):
    alpha = queue(tenant_a, "alpha@example.test")
    beta = queue(tenant_b, "beta@example.test")
    with tenant_context(tenant_b):
        assert services.deliver_email(beta.pk) is True
    assert [m.to for m in mail.outbox] == [["beta@example.test"]]
    with tenant_context(tenant_a):
        assert OutboxEmail.objects.get(pk=alpha.pk).sent_at is None


def test_a_task_for_a_schema_that_is_gone_does_nothing(db):
    # A schema that no longer exists leaves tenant-schemas-celery on public.
    result = tasks.send_email.apply(args=[1, "t_gone"], headers={"_schema_name": "public"})
    assert result.get() is False
    assert mail.outbox == []


def test_the_platform_has_an_outbox_of_its_own(db):
    with schema_context("public"):
        email = services.queue_rendered_email("staff@example.test", subject="Reset", body="x")
        assert connection.schema_name == "public"
        assert services.deliver_email(email.pk) is True
    assert mail.outbox[0].from_email == "CoCharter <no-reply@cocharter.localhost>"


def test_a_claimed_email_is_left_to_its_sender_until_the_claim_lapses(tenant_a, settings):
    """A sender killed mid-send leaves its claim: nobody sends again until it lapses, and then
    the repeat carries the same Message-ID, so mail systems can tell it is the same message."""
    email = queue(tenant_a)
    with tenant_context(tenant_a):
        OutboxEmail.objects.filter(pk=email.pk).update(
            claimed_at=timezone.now() - timedelta(minutes=1),
            created_at=timezone.now() - timedelta(hours=1),
            attempts=1,
        )
        assert services.deliver_email(email.pk) is False  # another sender holds it
        assert services.sweep_unsent() == 0

        settings.OUTBOX_CLAIM_TIMEOUT_SECONDS = 30  # the claim is now older than the timeout
        assert services.sweep_unsent() == 1
        email.refresh_from_db()
    assert (email.attempts, email.sent_at is not None) == (2, True)
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [
        f"<outbox.t_alpha.{email.pk}@cocharter.localhost>"
    ]


def test_the_claim_is_committed_before_the_mail_server_is_called(tenant_a, monkeypatch):
    email = queue(tenant_a)
    seen = {}

    def send(self, fail_silently=False):
        with tenant_context(tenant_a):
            row = OutboxEmail.objects.get(pk=email.pk)
        seen.update(claimed=row.claimed_at is not None, sent=row.sent_at is not None)
        return 1

    monkeypatch.setattr("django.core.mail.EmailMessage.send", send)
    with tenant_context(tenant_a):
        assert services.deliver_email(email.pk) is True
    assert seen["claimed"] is True and seen["sent"] is False
