"""Who may do what in accreditation. Views and services check these names, nothing else."""

import rules

from accreditation.enums import TRANSITIONS, ApplicationStatus, AwardStatus
from charters.rules import is_organisation_lead, is_organisation_member_of, tenant_officer
from charters.selectors import current_version
from platform_.accounts.rules import is_assessor, is_on_tenant_site


@rules.predicate
def is_lead_of_applicant(user, application) -> bool:
    return application is not None and is_organisation_lead(user, application.organisation)


@rules.predicate
def is_member_of_applicant(user, application) -> bool:
    return application is not None and is_organisation_member_of(user, application.organisation)


# --- State predicates: what the application's state allows, whoever asks. Joined with the role
# predicates below, they are the transition guards services check and pages show buttons by.


@rules.predicate
def is_editable(user, application) -> bool:
    return application is not None and application.status in (
        ApplicationStatus.editable_by_applicant()
    )


@rules.predicate
def is_draft(user, application) -> bool:
    return application is not None and application.status == ApplicationStatus.DRAFT


@rules.predicate
def awaits_more_information(user, application) -> bool:
    return application is not None and application.status == ApplicationStatus.MORE_INFO_REQUESTED


@rules.predicate
def can_be_withdrawn(user, application) -> bool:
    return (
        application is not None
        and ApplicationStatus.WITHDRAWN in TRANSITIONS[ApplicationStatus(application.status)]
    )


@rules.predicate
def can_ask_for_more(user, application) -> bool:
    return (
        application is not None
        and ApplicationStatus.MORE_INFO_REQUESTED
        in TRANSITIONS[ApplicationStatus(application.status)]
    )


@rules.predicate
def takes_assessors(user, application) -> bool:
    return application is not None and application.status in (
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.IN_ASSESSMENT,
    )


@rules.predicate
def awaits_decision(user, application) -> bool:
    return application is not None and application.status == ApplicationStatus.ASSESSED


@rules.predicate
def can_be_declared(user, assignment) -> bool:
    return assignment is not None and assignment.conflict_declared_at is None


@rules.predicate
def can_be_assessed(user, assignment) -> bool:
    """Evidence open to this assessor, recommendation not yet sent, application in assessment."""
    return (
        assignment is not None
        and assignment.may_open_evidence
        and assignment.completed_at is None
        and assignment.application.status == ApplicationStatus.IN_ASSESSMENT
    )


@rules.predicate
def is_of_current_version(user, criterion) -> bool:
    """Criteria of older versions are what earlier applications were judged against."""
    version = current_version()
    return criterion is not None and version is not None and criterion.version_id == version.pk


@rules.predicate
def is_current_award(user, award) -> bool:
    """Neither revoked nor replaced by a re-issue: the award can still be revoked or corrected."""
    return award is not None and award.revoked_at is None and award.superseded_at is None


@rules.predicate
def is_up_for_renewal(user, award) -> bool:
    """Expiring soon or expired (not revoked, not replaced): time to apply again."""
    return award is not None and award.status in (AwardStatus.EXPIRING, AwardStatus.EXPIRED)


@rules.predicate
def is_lead_of_holder(user, award) -> bool:
    return award is not None and is_organisation_lead(user, award.organisation)


# --- Role predicates ---------------------------------------------------------------------------


def _assignment(user, application):
    if application is None or not user.is_authenticated:
        return None
    cache = user.__dict__.setdefault("_assignments", {})
    if application.pk not in cache:
        cache[application.pk] = application.assignments.filter(assessor=user).first()
    return cache[application.pk]


@rules.predicate
def has_cleared_conflicts(user, application) -> bool:
    assignment = _assignment(user, application)
    return assignment is not None and assignment.may_open_evidence


@rules.predicate
def is_assigned_to(user, assignment) -> bool:
    return assignment is not None and assignment.assessor_id == user.pk


rules.add_perm("accreditation.manage", tenant_officer)
rules.add_perm("accreditation.edit_criterion", tenant_officer & is_of_current_version)
rules.add_perm("accreditation.assign_assessors", tenant_officer & takes_assessors)
rules.add_perm("accreditation.decide_application", tenant_officer & awaits_decision)
rules.add_perm("accreditation.request_more_information", tenant_officer & can_ask_for_more)
rules.add_perm("accreditation.start_application", is_on_tenant_site & is_organisation_lead)
# The organisation's own pages are for its members and the council, not its assessors: an
# assessor works from /assess/, where the conflict declaration comes before anything else, and
# has no business with what the organisation sees there (requests for more information, the
# council's decision, withdrawal) even after declaring.
rules.add_perm("accreditation.view_application", is_member_of_applicant | tenant_officer)
# Who acts for the applicant (role only); the rules after it add what the state allows.
rules.add_perm("accreditation.act_for_applicant", is_member_of_applicant)
rules.add_perm("accreditation.lead_application", is_lead_of_applicant)
rules.add_perm("accreditation.edit_application", is_member_of_applicant & is_editable)
rules.add_perm("accreditation.submit_application", is_lead_of_applicant & is_draft)
rules.add_perm("accreditation.resubmit_application", is_lead_of_applicant & awaits_more_information)
rules.add_perm("accreditation.withdraw_application", is_lead_of_applicant & can_be_withdrawn)
# Assessors see evidence only while assigned and once they have declared they have no conflict
# of interest. Every page and download that shows evidence checks this permission for the
# application; the officer test comes first because it needs no query.
rules.add_perm(
    "accreditation.view_evidence", tenant_officer | is_member_of_applicant | has_cleared_conflicts
)
rules.add_perm("accreditation.assess", is_on_tenant_site & is_assessor & is_assigned_to)
rules.add_perm(
    "accreditation.declare_conflict",
    is_on_tenant_site & is_assessor & is_assigned_to & can_be_declared,
)
rules.add_perm(
    "accreditation.record_assessment",
    is_on_tenant_site & is_assessor & is_assigned_to & can_be_assessed,
)
# An award's life after the decision: officers revoke or re-issue a current award; the
# organisation's lead starts a renewal once it is expiring or has expired.
rules.add_perm("accreditation.revoke_award", tenant_officer & is_current_award)
rules.add_perm("accreditation.reissue_award", tenant_officer & is_current_award)
rules.add_perm("accreditation.renew_award", is_on_tenant_site & is_lead_of_holder)
rules.add_perm(
    "accreditation.renew_award_now", is_on_tenant_site & is_lead_of_holder & is_up_for_renewal
)


@rules.predicate
def is_member_of_awarded(user, award) -> bool:
    return award is not None and is_organisation_member_of(user, award.organisation)


# The certificate and credential: the organisation's own people and the council. Anyone else
# checks an award on the public verification page.
rules.add_perm("accreditation.view_award_documents", tenant_officer | is_member_of_awarded)
