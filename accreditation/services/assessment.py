"""Officers assign assessors; assessors declare conflicts, judge and recommend; officers decide."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accreditation import emails
from accreditation.enums import AccreditationEvent, ApplicationStatus, DecisionOutcome
from accreditation.events import emit_award_granted
from accreditation.models import (
    Application,
    Assignment,
    Award,
    AwardLevel,
    Decision,
    Judgement,
    MoreInfoRequest,
)
from accreditation.selectors import criteria_for, open_assignment_count
from accreditation.services.certificates import certificate_number
from accreditation.services.documents import queue_award_documents
from accreditation.services.setup import settings_for_tenant
from accreditation.services.state import AccreditationError, set_application_state
from charters import public_cache
from platform_.accounts.permissions import require_permission
from platform_.audit.services import record_event
from platform_.background import after_commit
from platform_.integrity import unique_or_raise


def _require_officer(user) -> None:
    require_permission(
        user, "accreditation.manage", message=_("Only council officers can do that.")
    )


def _require_assessor(user, assignment: Assignment) -> None:
    require_permission(
        user,
        "accreditation.assess",
        assignment,
        message=_("Only the assigned assessor can do that."),
    )


def _pairing_satisfied(application: Application) -> bool:
    rules = settings_for_tenant()
    active = [a for a in application.assignments.select_related("assessor") if not a.has_conflict]
    needed = 2 if rules.requires_pair else 1
    if len(active) < needed:
        return False
    if rules.requires_pair and rules.requires_lived_experience:
        return any(a.assessor.has_lived_experience for a in active)
    return True


@transaction.atomic
def assign_assessor(application: Application, *, acting_user, assessor) -> Assignment:
    """Assign an assessor, within their capacity; the application moves into assessment as soon
    as its assessors meet the council's pairing rule.

    Side effects: the assignment; an audit event; the assessor emailed (outbox); perhaps the
    status in assessment, and then each lead emailed that assessors have started (outbox, once
    per application: the "submitted" email promised it).
    """
    _require_officer(acting_user)
    require_permission(
        acting_user,
        "accreditation.assign_assessors",
        application,
        _("Assessors are assigned once an application is submitted."),
        refusal=AccreditationError,
    )
    if not assessor.is_assessor or not assessor.is_active:
        raise AccreditationError(_("%(assessor)s is not an assessor.") % {"assessor": assessor})
    if application.assignments.filter(assessor=assessor).exists():
        raise AccreditationError(_("%(assessor)s is already assigned.") % {"assessor": assessor})
    capacity = settings_for_tenant().assessor_capacity
    if open_assignment_count(assessor) >= capacity:
        raise AccreditationError(
            _("%(assessor)s already has %(capacity)s open assessments, their limit.")
            % {"assessor": assessor, "capacity": capacity}
        )
    # Two officers (or a double click) assigning the same assessor at once: one assignment.
    with unique_or_raise(
        {
            "one_assignment_per_assessor": AccreditationError(
                _("%(assessor)s is already assigned.") % {"assessor": assessor}
            )
        }
    ):
        assignment = Assignment.objects.create(
            application=application, assessor=assessor, assigned_by=acting_user
        )
    record_event(
        AccreditationEvent.ASSIGNMENT_CREATED,
        assignment,
        actor=acting_user,
        new={"assessor": assessor.email},
    )
    emails.assessor_assigned(assignment)
    if application.status == ApplicationStatus.SUBMITTED and _pairing_satisfied(application):
        set_application_state(application, ApplicationStatus.IN_ASSESSMENT, acting_user=acting_user)
        emails.assessment_started(application)
    return assignment


@transaction.atomic
def declare_conflict(
    assignment: Assignment, *, acting_user, has_conflict: bool, details: str = ""
) -> Assignment:
    """Declare whether the assessor has a conflict of interest, before seeing any evidence.

    Side effects: the declaration; an audit event. A conflicted assessor steps out.
    """
    _require_assessor(acting_user, assignment)
    require_permission(
        acting_user,
        "accreditation.declare_conflict",
        assignment,
        _("You have already made your declaration."),
        refusal=AccreditationError,
    )
    if has_conflict and not details.strip():
        raise AccreditationError(_("Say briefly what the conflict is."))
    assignment.has_conflict = has_conflict
    assignment.conflict_details = details
    assignment.conflict_declared_at = timezone.now()
    assignment.save(update_fields=["has_conflict", "conflict_details", "conflict_declared_at"])
    record_event(
        AccreditationEvent.CONFLICT_DECLARED,
        assignment,
        actor=acting_user,
        new={"has_conflict": has_conflict},
    )
    return assignment


def _require_assessing(assignment: Assignment, acting_user) -> None:
    _require_assessor(acting_user, assignment)
    assignment.refresh_from_db(fields=["completed_at", "conflict_declared_at", "has_conflict"])
    assignment.application.refresh_from_db(fields=["status"])
    if not assignment.may_open_evidence:
        refusal = _("Declare any conflict of interest first.")
    elif assignment.completed_at is not None:
        refusal = _("You have already sent your recommendation.")
    else:
        refusal = _("This application is not being assessed at the moment.")
    require_permission(
        acting_user,
        "accreditation.record_assessment",
        assignment,
        refusal,
        refusal=AccreditationError,
    )


@transaction.atomic
def record_judgements(
    assignment: Assignment, *, acting_user, judgements: dict[int, tuple[str, str]]
) -> None:
    """Judge criteria (id -> (outcome, comment)). Side effects: judgements saved; audit event."""
    _require_assessing(assignment, acting_user)
    allowed = {c.pk for c in criteria_for(assignment.application)}
    for criterion_id, (outcome, comment) in judgements.items():
        if criterion_id not in allowed:
            raise AccreditationError(_("That criterion is not part of this application."))
        # Race-safe as it is: update_or_create updates the row a simultaneous save inserted,
        # as one_judgement_per_criterion stops a second one.
        Judgement.objects.update_or_create(
            assignment=assignment,
            criterion_id=criterion_id,
            defaults={"outcome": outcome, "comment": comment},
        )
    record_event(
        AccreditationEvent.JUDGEMENTS_RECORDED,
        assignment,
        actor=acting_user,
        new={str(k): v[0] for k, v in judgements.items()},
    )


@transaction.atomic
def recommend(
    assignment: Assignment, *, acting_user, recommendation: str, reason: str
) -> Assignment:
    """Send the assessor's recommendation, once every criterion is judged.

    Side effects: the recommendation; an audit event; the application assessed once every
    assessor without a conflict has recommended.
    """
    _require_assessing(assignment, acting_user)
    judged = set(assignment.judgements.values_list("criterion_id", flat=True))
    unjudged = [c.title for c in criteria_for(assignment.application) if c.pk not in judged]
    if unjudged:
        raise AccreditationError([_("Judge “%(title)s”") % {"title": title} for title in unjudged])
    if not reason.strip():
        raise AccreditationError(_("Give the reasons for your recommendation."))
    assignment.recommendation = recommendation
    assignment.recommendation_reason = reason
    assignment.completed_at = timezone.now()
    assignment.save(update_fields=["recommendation", "recommendation_reason", "completed_at"])
    record_event(
        AccreditationEvent.RECOMMENDED,
        assignment,
        actor=acting_user,
        new={"recommendation": recommendation},
    )
    application = assignment.application
    pending = application.assignments.filter(has_conflict=False, completed_at__isnull=True)
    if not pending.exists() and _pairing_satisfied(application):
        set_application_state(application, ApplicationStatus.ASSESSED, acting_user=acting_user)
    return assignment


@transaction.atomic
def request_more_information(
    application: Application, *, acting_user, message: str
) -> MoreInfoRequest:
    """Ask the applicant for more; they can change their application and resubmit.

    Side effects: the request; status more information requested; audit event; the leads
    emailed (outbox).
    Assessors' recommendations are reopened so they look again after the answer.
    """
    _require_officer(acting_user)
    require_permission(
        acting_user,
        "accreditation.request_more_information",
        application,
        _("More information can be asked for while an application is assessed."),
        refusal=AccreditationError,
    )
    if not message.strip():
        raise AccreditationError(_("Say what information you need."))
    set_application_state(
        application, ApplicationStatus.MORE_INFO_REQUESTED, acting_user=acting_user, reason=message
    )
    request = MoreInfoRequest.objects.create(
        application=application, message=message, requested_by=acting_user
    )
    application.assignments.filter(has_conflict=False).update(completed_at=None)
    emails.more_information_requested(application, request)
    return request


@transaction.atomic
def decide_application(
    application: Application,
    *,
    acting_user,
    outcome: str,
    reasons: str,
    level: AwardLevel | None = None,
) -> Decision:
    """The council's decision after assessment: award (at a level), not yet, or more information.

    Side effects: the decision with its reasons; the status; for an award, the Award with its
    certificate number, expiry and (if the round is embargoed) publication at the ceremony; an
    audit event; the leads emailed (outbox).
    """
    _require_officer(acting_user)
    application.refresh_from_db(fields=["status"])  # the caller's copy may be stale
    if not reasons.strip():
        raise AccreditationError(_("Give reasons the applicant can read."))
    if outcome == DecisionOutcome.MORE_INFO:
        request_more_information(application, acting_user=acting_user, message=reasons)
        return Decision.objects.create(
            application=application, outcome=outcome, reasons=reasons, decided_by=acting_user
        )
    require_permission(
        acting_user,
        "accreditation.decide_application",
        application,
        _("Decide once the assessors have sent their recommendations."),
        refusal=AccreditationError,
    )
    if outcome == DecisionOutcome.AWARD:
        level = level or application.level_sought or AwardLevel.objects.order_by("position").first()
        set_application_state(application, ApplicationStatus.AWARDED, acting_user=acting_user)
        _create_award(application, level)
    else:
        set_application_state(application, ApplicationStatus.NOT_AWARDED, acting_user=acting_user)
    decision = Decision.objects.create(
        application=application,
        outcome=outcome,
        level=level,
        reasons=reasons,
        decided_by=acting_user,
    )
    emails.application_decided(application, decision)
    return decision


def _create_award(application: Application, level: AwardLevel) -> Award:
    now = timezone.now()
    years = settings_for_tenant().validity_years
    expires = _add_years(now.date(), years)
    ceremony = application.round.ceremony_at
    public_from = ceremony if application.round.embargoed_until_ceremony and ceremony else now
    # set_application_state locks the application, so a second decision is refused before
    # this; the constraint's refusal is for any path that skips it.
    awarded_already = {
        "one_current_award_per_application": AccreditationError(
            _("This application has already been awarded.")
        )
    }
    # The register, its open data and the badge show Charter Status from the moment it is public.
    after_commit(public_cache.invalidate)
    with unique_or_raise(awarded_already):
        award = Award.objects.create(
            application=application,
            organisation=application.organisation,
            level=level,
            certificate_number=certificate_number(timezone.localdate(now).year),
            awarded_at=now,
            expires_on=expires,
            public_from=public_from,
            # Public at once, unless the round keeps its awards for the ceremony (beat releases
            # them then).
            released_at=None if public_from > now else now,
        )
    if award.released_at is not None:
        # An embargoed award gets its documents, and is announced, when the ceremony releases it.
        queue_award_documents(award)
        emit_award_granted(award)
    return award


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
