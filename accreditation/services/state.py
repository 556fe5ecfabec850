"""The one function that changes an application's status (DESIGN §4)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accreditation.enums import STATE_EVENTS, TRANSITIONS, ApplicationStatus
from accreditation.errors import AccreditationError
from accreditation.models import Application
from platform_.audit.services import record_event


@transaction.atomic
def set_application_state(
    application: Application, new_state: str, *, acting_user, reason: str = ""
) -> Application:
    """Move an application along the state machine, or refuse with a message.

    Side effects: the status (and its timestamps) saved; an audit event
    (``STATE_EVENTS[new_state]``) with the old and new status. Callers check who may
    act; this checks only that the move is allowed from the current state.
    """
    locked = Application.objects.select_for_update().get(pk=application.pk)
    old_state = locked.status
    if new_state not in TRANSITIONS[old_state]:
        raise AccreditationError(
            _(
                "An application that is %(old_status)s cannot become %(new_status)s. Reload the "
                "page to see where it is now."
            )
            % {
                "old_status": ApplicationStatus(old_state).label.lower(),
                "new_status": ApplicationStatus(new_state).label.lower(),
            }
        )
    locked.status = new_state
    locked.status_changed_at = timezone.now()
    fields = ["status", "status_changed_at"]
    if new_state == ApplicationStatus.SUBMITTED:
        locked.submitted_at = locked.status_changed_at
        fields.append("submitted_at")
    locked.save(update_fields=fields)
    record_event(
        STATE_EVENTS[new_state],
        locked,
        actor=acting_user,
        old={"status": old_state},
        new={"status": new_state, "reason": reason} if reason else {"status": new_state},
    )
    application.status = locked.status
    application.status_changed_at = locked.status_changed_at
    application.submitted_at = locked.submitted_at
    return application
