"""The one way to send email: write it to the outbox now, send it after commit, exactly once.

``queue_email`` renders a template for one recipient and records it in the caller's transaction;
``deliver_email`` (run by the task) sends a recorded email once; ``sweep_unsent`` queues again
what a lost task left behind.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from platform_.background import enqueue_on_commit
from platform_.languages import supported
from platform_.outbox import tasks
from platform_.outbox.models import OutboxEmail

logger = logging.getLogger(__name__)

# An email still unsent after this long lost its task (broker down at commit, worker lost).
SWEEP_GRACE = timedelta(minutes=5)
# After this many failed sends the email waits for a person to look (last_error says why).
MAX_ATTEMPTS = 8


class DeliveryFailed(Exception):
    """The mail server refused or could not be reached; the attempt is recorded, try later."""


def sender_address() -> str:
    """'<Council> via CoCharter <no-reply@...>' on a tenant site, so people see who writes."""
    tenant = getattr(connection, "tenant", None)
    name = getattr(tenant, "name", "")
    if not name or connection.schema_name == "public":
        return settings.DEFAULT_FROM_EMAIL
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((f"{name} via CoCharter", address))


def queue_email(
    recipient: str,
    *,
    subject: str,
    template: str,
    context: dict | None = None,
    dedup_key: str = "",
    language: str = "",
) -> OutboxEmail | None:
    """Render ``template`` for one person and owe it to them once the caller's change commits.

    The email is written in the recipient's language, whoever's action sends it: ``language``
    if given, else the one their account keeps (the language they last chose or signed in with),
    else the language of the page being served. ``subject`` may be lazy (``gettext_lazy``,
    ``format_lazy``) so that it too is translated in that language.
    The current tenant is in the template's context as ``tenant``. Returns None (and writes
    nothing) if an email with the same ``dedup_key`` is already owed to this recipient.
    """
    language = supported(language or recipient_language(recipient))
    with translation.override(language):
        body = render_to_string(template, {"tenant": connection.tenant, **(context or {})})
        subject = str(subject)
    return queue_rendered_email(recipient, subject=subject, body=body, dedup_key=dedup_key)


def recipient_language(recipient: str) -> str:
    """The language the account with this email keeps, or the active language if none has it
    (someone invited, who has no account yet). One query; the outbox sits below the accounts
    app, so the model is found at run time."""
    found = (
        get_user_model()
        .objects.filter(email=recipient.strip().lower())
        .values_list("language", flat=True)
        .first()
    )
    return found or translation.get_language() or settings.LANGUAGE_CODE


def queue_rendered_email(
    recipient: str,
    *,
    subject: str,
    body: str,
    html_body: str = "",
    dedup_key: str = "",
    from_email: str = "",
) -> OutboxEmail | None:
    """Record an email already rendered (allauth renders its own). Side effects: the outbox row
    in the caller's transaction; the send task queued on commit."""
    try:
        with transaction.atomic():  # a savepoint: a duplicate must not spoil the caller's change
            email = OutboxEmail.objects.create(
                recipient=recipient.strip(),
                from_email=from_email or sender_address(),
                subject=" ".join(subject.split())[:255],  # one line, as mail headers need
                body=body,
                html_body=html_body,
                dedup_key=dedup_key,
            )
    except IntegrityError:
        if not dedup_key:
            raise
        return None
    enqueue_on_commit(tasks.send_email, email.pk, connection.schema_name)
    return email


def claim_timeout() -> timedelta:
    """How long a claimed email is left to its sender before the sweep may send it again."""
    return timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT_SECONDS)


def deliver_email(email_id: int) -> bool:
    """Send one outbox email unless it was sent or is being sent. Returns whether it was sent now.

    Effectively once: the row is first *claimed* (committed on its own, so every other sender and
    the sweep see it) and only then handed to the mail server, outside any transaction; the
    outcome is recorded afterwards. A sender killed between the two leaves the claim behind; only
    once it is older than the claim timeout may the sweep send again, and it sends the same
    Message-ID (derived from the row), which mail systems use to recognise a repeat. A failure
    releases the claim, is recorded on the row and raised as DeliveryFailed for a retry.
    """
    email = _claim(email_id)
    if email is None:
        return False
    try:
        _message(email).send()
    except OSError as error:  # SMTP errors are OSErrors: the server refused or is away
        OutboxEmail.objects.filter(pk=email.pk).update(
            claimed_at=None, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        raise DeliveryFailed(str(error)) from error
    OutboxEmail.objects.filter(pk=email.pk).update(sent_at=timezone.now(), last_error="")
    return True


def _claim(email_id: int) -> OutboxEmail | None:
    """Mark the email as being sent now, if nobody sent it or holds a live claim on it."""
    now = timezone.now()
    with transaction.atomic():
        email = (
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .claimable(now - claim_timeout())
            .filter(pk=email_id)
            .first()
        )
        if email is None:
            return None
        email.claimed_at = now
        email.attempts += 1
        email.save(update_fields=["claimed_at", "attempts"])
    return email


def _message(email: OutboxEmail) -> EmailMultiAlternatives:
    _, sender = parseaddr(settings.DEFAULT_FROM_EMAIL)
    domain = sender.rpartition("@")[2] or "cocharter.localhost"
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        from_email=email.from_email,
        to=[email.recipient],
        # Derived from the row, so a message sent twice is recognisably the same message.
        headers={"Message-ID": f"<outbox.{connection.schema_name}.{email.pk}@{domain}>"},
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    return message


def sweep_unsent() -> int:
    """Queue again every email whose task was lost, leaving alone those a sender has claimed
    within the claim timeout (it may be talking to the mail server right now). Run by beat in
    every schema."""
    now = timezone.now()
    stale = OutboxEmail.objects.claimable(now - claim_timeout()).filter(
        created_at__lt=now - SWEEP_GRACE, attempts__lt=MAX_ATTEMPTS
    )
    ids = list(stale.values_list("pk", flat=True))
    for email_id in ids:
        tasks.send_email.apply_async(
            args=(email_id, connection.schema_name),
            headers={"_schema_name": connection.schema_name},
        )
    return len(ids)
