"""Audit events in words, for the people who read an application's history.

Every key of ``AccreditationEvent`` has a phrase here (tests/accreditation/test_history.py fails
on a key without one), so a council never reads ``accreditation.application.awarded``: it reads
"Awarded by Jane Smith on 3 July 2027". A leaf module: enums and the audit model only.
"""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accreditation.enums import AccreditationEvent
from platform_.audit.models import AuditEvent

E = AccreditationEvent

# What happened, as the start of a sentence that goes on "by <person> on <date>".
PHRASES: dict[str, str] = {
    E.SETTINGS_UPDATED: gettext_lazy("Charter Status settings changed"),
    E.LEVEL_ADDED: gettext_lazy("Award level added"),
    E.LEVEL_UPDATED: gettext_lazy("Award level changed"),
    E.CRITERION_ADDED: gettext_lazy("Criterion added"),
    E.CRITERION_UPDATED: gettext_lazy("Criterion changed"),
    E.ROUND_OPENED: gettext_lazy("Round opened"),
    E.ROUND_UPDATED: gettext_lazy("Round changed"),
    E.APPLICATION_STARTED: gettext_lazy("Application started"),
    E.APPLICATION_SUBMITTED: gettext_lazy("Submitted"),
    E.APPLICATION_IN_ASSESSMENT: gettext_lazy("Sent to the assessors"),
    E.APPLICATION_MORE_INFO_REQUESTED: gettext_lazy("More information asked for"),
    E.APPLICATION_ASSESSED: gettext_lazy("Assessment finished"),
    E.APPLICATION_AWARDED: gettext_lazy("Awarded"),
    E.APPLICATION_NOT_AWARDED: gettext_lazy("Not awarded yet"),
    E.APPLICATION_WITHDRAWN: gettext_lazy("Withdrawn"),
    E.SELF_ASSESSMENT_SAVED: gettext_lazy("Self-assessment saved"),
    E.EVIDENCE_ADDED: gettext_lazy("Evidence added"),
    E.EVIDENCE_REMOVED: gettext_lazy("Evidence removed"),
    E.ASSIGNMENT_CREATED: gettext_lazy("Assessor assigned"),
    E.CONFLICT_DECLARED: gettext_lazy("Conflict of interest declaration made"),
    E.JUDGEMENTS_RECORDED: gettext_lazy("Judgements saved"),
    E.RECOMMENDED: gettext_lazy("Recommendation sent"),
    E.AWARD_RELEASED: gettext_lazy("Award made public"),
    E.AWARD_REVOKED: gettext_lazy("Charter Status taken away"),
    E.AWARD_REISSUED: gettext_lazy("Certificate re-issued"),
    E.AWARD_EXPIRED: gettext_lazy("Charter Status ended"),
    E.CERTIFICATE_GENERATED: gettext_lazy("Certificate made"),
    E.CONCERN_RAISED: gettext_lazy("Concern raised"),
    E.CONCERN_CLOSED: gettext_lazy("Concern closed"),
    E.CONCERN_REASSESSMENT: gettext_lazy("Early reassessment started"),
}


def in_words(event: AuditEvent) -> str:
    """ "Awarded by Jane Smith on 3 July 2027, 2:05pm", or "... on ..." for the system's own."""
    # A key of another app, or one since removed, still reads as words, never as its key.
    what = PHRASES.get(event.key) or _("Something changed")
    when = timezone.localtime(event.created_at)
    on = _("%(date)s, %(time)s") % {
        "date": formats.date_format(when, "j F Y"),
        # GOV.UK style: 2:05pm, not 14:05 or 2:05 p.m.
        "time": when.strftime("%-I:%M%p").lower(),
    }
    who = event.actor.get_full_name() if event.actor else ""
    if who:
        return _("%(what)s by %(who)s on %(when)s") % {"what": what, "who": who, "when": on}
    return _("%(what)s on %(when)s") % {"what": what, "when": on}
