"""The award's documents: the signed PDF certificate and its Open Badges credential (DESIGN §5).

Made by a task after the award is committed and released (``queue_award_documents``), never in
the request: signing takes tens of milliseconds and a ceremony releases many awards at once.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accreditation import keys, tasks
from accreditation.credentials import build_credential
from accreditation.documents import certificate_pdf, council_signer
from accreditation.enums import AccreditationEvent
from accreditation.models import Award
from platform_.audit.services import record_event
from platform_.background import enqueue_on_commit


def queue_award_documents(award: Award) -> None:
    """Make the award's documents once the current transaction commits."""
    enqueue_on_commit(tasks.make_award_documents, award.pk)


def make_award_documents(award: Award) -> bool:
    """Make, sign and store the certificate and the credential, once; whether it made them.

    Side effects, in order: the PDF written to the tenant's storage (``certificates/...``), the
    award's ``certificate``, ``credential`` and ``certificate_generated_at`` saved, the audit
    event ``CERTIFICATE_GENERATED`` (no actor: the council's system made them).

    Idempotent: an award that has its documents, or that was revoked or superseded before the
    task ran, is left alone. A re-issued award is a new row, so it gets documents of its own.
    The documents are drawn before the row is locked, so the lock is held only while saving.
    """
    if _done_or_void(award):
        return False
    # The key is decrypted once for both signatures.
    private_key = keys.signing_key()
    pdf = certificate_pdf(award, signer=council_signer(private_key, keys.certificate()))
    credential = build_credential(award, private_key=private_key)
    with transaction.atomic():
        locked = Award.objects.select_for_update().get(pk=award.pk)
        if _done_or_void(locked):
            return False  # another run got there first
        locked.certificate.save(f"{locked.certificate_number}.pdf", ContentFile(pdf), save=False)
        try:
            locked.credential = credential
            locked.certificate_generated_at = timezone.now()
            locked.save(update_fields=["certificate", "credential", "certificate_generated_at"])
            record_event(
                AccreditationEvent.CERTIFICATE_GENERATED,
                locked,
                new={"certificate": locked.certificate.name},
            )
        except BaseException:
            locked.certificate.delete(save=False)  # no row points at it
            raise
    award.refresh_from_db(fields=["certificate", "credential", "certificate_generated_at"])
    return True


def _done_or_void(award: Award) -> bool:
    return (
        award.certificate_generated_at is not None
        or award.revoked_at is not None
        or award.superseded_at is not None
    )
