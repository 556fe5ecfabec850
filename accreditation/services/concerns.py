"""Concerns the public raise about an award from its verification page, and what officers do
with them: close with a note, or start an early reassessment (recorded and told to the
organisation; the reassessment itself is not built here)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accreditation import emails
from accreditation.enums import AccreditationEvent, ConcernStatus
from accreditation.errors import AccreditationError
from accreditation.models import Award, Concern
from platform_.accounts.permissions import require_permission
from platform_.audit.services import record_event


def _require_officer(user) -> None:
    require_permission(
        user, "accreditation.manage", message=_("Only council officers can deal with concerns.")
    )


@transaction.atomic
def raise_concern(
    award: Award, *, acting_user=None, details: str, contact_email: str = ""
) -> Concern:
    """Record a concern about ``award`` from anyone (no sign-in needed: ``acting_user`` may be
    None or an anonymous user).

    Side effects, in order: the Concern row; audit event ``concern.raised``; one email to each
    council officer, with a link to the concern on /manage/.
    """
    concern = Concern.objects.create(
        award=award, details=details.strip(), contact_email=contact_email.strip()
    )
    actor = acting_user if acting_user is not None and acting_user.is_authenticated else None
    record_event(AccreditationEvent.CONCERN_RAISED, concern, actor=actor, new=ConcernStatus.OPEN)
    emails.concern_raised(concern)
    return concern


def _decide(concern: Concern, status: str, *, acting_user, note: str, event) -> Concern:
    _require_officer(acting_user)
    # Locked, so two officers acting at once cannot both decide it.
    concern = (
        Concern.objects.select_for_update().select_related("award__organisation").get(pk=concern.pk)
    )
    if not concern.is_open:
        raise AccreditationError(
            _("This concern was already dealt with (%(status)s).")
            % {"status": concern.get_status_display().lower()}
        )
    old = concern.status
    concern.status = status
    concern.note = note.strip()
    concern.decided_at = timezone.now()
    concern.decided_by = acting_user
    concern.save(update_fields=["status", "note", "decided_at", "decided_by"])
    record_event(event, concern, actor=acting_user, old=old, new=status)
    return concern


@transaction.atomic
def close_concern(concern: Concern, *, acting_user, note: str) -> Concern:
    """Close an open concern with the officer's note.

    Side effects, in order: status closed (refused if not open); audit event ``concern.closed``.
    """
    return _decide(
        concern,
        ConcernStatus.CLOSED,
        acting_user=acting_user,
        note=note,
        event=AccreditationEvent.CONCERN_CLOSED,
    )


@transaction.atomic
def start_early_reassessment(concern: Concern, *, acting_user, note: str = "") -> Concern:
    """Record that the council will look at the organisation's Charter Status again early.

    Side effects, in order: status reassessment (refused if not open); audit event
    ``concern.early_reassessment``; one email to each lead of the organisation.
    """
    concern = _decide(
        concern,
        ConcernStatus.REASSESSMENT,
        acting_user=acting_user,
        note=note,
        event=AccreditationEvent.CONCERN_REASSESSMENT,
    )
    emails.early_reassessment(concern)
    return concern
