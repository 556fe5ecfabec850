from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_ASSESSMENT = "in_assessment", _("Being assessed")
    MORE_INFO_REQUESTED = "more_info_requested", _("More information requested")
    ASSESSED = "assessed", _("Assessed")
    AWARDED = "awarded", _("Awarded")
    NOT_AWARDED = "not_awarded", _("Not yet awarded")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    @classmethod
    def open(cls) -> list[str]:
        """Not decided and not withdrawn."""
        return [cls.DRAFT, cls.SUBMITTED, cls.IN_ASSESSMENT, cls.MORE_INFO_REQUESTED, cls.ASSESSED]

    @classmethod
    def editable_by_applicant(cls) -> list[str]:
        return [cls.DRAFT, cls.MORE_INFO_REQUESTED]

    @classmethod
    def decided(cls) -> list[str]:
        return [cls.AWARDED, cls.NOT_AWARDED]


# The state machine (DESIGN §4): the only moves set_application_state allows.
TRANSITIONS: dict[str, set[str]] = {
    ApplicationStatus.DRAFT: {ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN},
    ApplicationStatus.SUBMITTED: {ApplicationStatus.IN_ASSESSMENT, ApplicationStatus.WITHDRAWN},
    ApplicationStatus.IN_ASSESSMENT: {
        ApplicationStatus.MORE_INFO_REQUESTED,
        ApplicationStatus.ASSESSED,
        ApplicationStatus.WITHDRAWN,
    },
    ApplicationStatus.MORE_INFO_REQUESTED: {
        ApplicationStatus.IN_ASSESSMENT,
        ApplicationStatus.WITHDRAWN,
    },
    ApplicationStatus.ASSESSED: {
        ApplicationStatus.AWARDED,
        ApplicationStatus.NOT_AWARDED,
        ApplicationStatus.MORE_INFO_REQUESTED,
        ApplicationStatus.WITHDRAWN,
    },
    ApplicationStatus.AWARDED: set(),
    ApplicationStatus.NOT_AWARDED: set(),
    ApplicationStatus.WITHDRAWN: set(),
}


class LadderRung(models.TextChoices):
    """The Ladder of Co-production (Think Local Act Personal), lowest rung first."""

    COERCION = "coercion", _("Coercion")
    EDUCATING = "educating", _("Educating")
    INFORMING = "informing", _("Informing")
    CONSULTATION = "consultation", _("Consultation")
    ENGAGEMENT = "engagement", _("Engagement")
    CO_DESIGN = "co_design", _("Co-design")
    CO_PRODUCTION = "co_production", _("Co-production")


LADDER_HINTS = {
    LadderRung.COERCION: "People attend, but have no say.",
    LadderRung.EDUCATING: "We help people understand a service that is already decided.",
    LadderRung.INFORMING: "We tell people what is happening.",
    LadderRung.CONSULTATION: "We ask people what they think, then decide ourselves.",
    LadderRung.ENGAGEMENT: "People have more chances to shape things, but we still decide.",
    LadderRung.CO_DESIGN: "People help design the service with us.",
    LadderRung.CO_PRODUCTION: "People are equal partners from start to finish.",
}


class EvidenceKind(models.TextChoices):
    FILE = "file", _("A file (document, picture, audio or video)")
    LINK = "link", _("A link to a web page")
    ACCOUNT = "account", _("A written account")
    YOU_SAID_WE_DID = "you_said_we_did", _("You said, we did")


class JudgementOutcome(models.TextChoices):
    MET = "met", _("Met")
    PARTLY_MET = "partly_met", _("Partly met")
    NOT_YET_MET = "not_yet_met", _("Not yet met")


class Recommendation(models.TextChoices):
    AWARD = "award", _("Award")
    NOT_YET = "not_yet", _("Not yet")
    MORE_INFO = "more_info", _("Ask for more information")


class DecisionOutcome(models.TextChoices):
    AWARD = "award", _("Award Charter Status")
    NOT_YET = "not_yet", _("Not yet")
    MORE_INFO = "more_info", _("Ask for more information")


class AwardStatus(models.TextChoices):
    """What an award is on a given day (Award.status_on); the public sees all but embargoed."""

    EMBARGOED = "embargoed", _("Not yet public")
    VALID = "valid", _("Valid")
    EXPIRING = "expiring", _("Valid, expiring soon")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded")

    @classmethod
    def holding(cls) -> list[str]:
        """The organisation holds Charter Status."""
        return [cls.VALID, cls.EXPIRING]


class ConcernStatus(models.TextChoices):
    """Where a concern raised from the verification page stands."""

    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    REASSESSMENT = "reassessment", _("Early reassessment started")

    @classmethod
    def decided(cls) -> list[str]:
        return [cls.CLOSED, cls.REASSESSMENT]


class AccreditationEvent(models.TextChoices):
    """Audit event keys for Charter Status: setup, applications, assessment and decisions."""

    SETTINGS_UPDATED = "accreditation.settings.updated", _("Settings changed")
    LEVEL_ADDED = "accreditation.level.added", _("Award level added")
    LEVEL_UPDATED = "accreditation.level.updated", _("Award level changed")
    CRITERION_ADDED = "accreditation.criterion.added", _("Criterion added")
    CRITERION_UPDATED = "accreditation.criterion.updated", _("Criterion changed")
    ROUND_OPENED = "accreditation.round.opened", _("Round opened")
    ROUND_UPDATED = "accreditation.round.updated", _("Round changed")
    APPLICATION_STARTED = "accreditation.application.started", _("Application started")
    APPLICATION_SUBMITTED = "accreditation.application.submitted", _("Submitted")
    APPLICATION_IN_ASSESSMENT = "accreditation.application.in_assessment", _("Being assessed")
    APPLICATION_MORE_INFO_REQUESTED = (
        "accreditation.application.more_info_requested",
        "More information requested",
    )
    APPLICATION_ASSESSED = "accreditation.application.assessed", _("Assessed")
    APPLICATION_AWARDED = "accreditation.application.awarded", _("Awarded")
    APPLICATION_NOT_AWARDED = "accreditation.application.not_awarded", _("Not yet awarded")
    APPLICATION_WITHDRAWN = "accreditation.application.withdrawn", _("Withdrawn")
    SELF_ASSESSMENT_SAVED = "accreditation.self_assessment.saved", _("Self-assessment saved")
    EVIDENCE_ADDED = "accreditation.evidence.added", _("Evidence added")
    EVIDENCE_REMOVED = "accreditation.evidence.removed", _("Evidence removed")
    ASSIGNMENT_CREATED = "accreditation.assignment.created", _("Assessor assigned")
    CONFLICT_DECLARED = "accreditation.assignment.conflict_declared", _("Conflict declaration made")
    JUDGEMENTS_RECORDED = "accreditation.judgements.recorded", _("Judgements recorded")
    RECOMMENDED = "accreditation.assignment.recommended", _("Recommendation sent")
    AWARD_RELEASED = "accreditation.award.released", _("Award made public")
    AWARD_REVOKED = "accreditation.award.revoked", _("Award revoked")
    AWARD_REISSUED = "accreditation.award.reissued", _("Certificate re-issued")
    AWARD_EXPIRED = "accreditation.award.expired", _("Charter Status expired")
    CERTIFICATE_GENERATED = "accreditation.award.certificate_generated", _("Certificate made")
    CONCERN_RAISED = "accreditation.concern.raised", _("Concern raised")
    CONCERN_CLOSED = "accreditation.concern.closed", _("Concern closed")
    CONCERN_REASSESSMENT = (
        "accreditation.concern.early_reassessment",
        "Early reassessment started",
    )


# The event each state's arrival writes (set_application_state); every state but draft has one.
STATE_EVENTS: dict[str, AccreditationEvent] = {
    ApplicationStatus.SUBMITTED: AccreditationEvent.APPLICATION_SUBMITTED,
    ApplicationStatus.IN_ASSESSMENT: AccreditationEvent.APPLICATION_IN_ASSESSMENT,
    ApplicationStatus.MORE_INFO_REQUESTED: AccreditationEvent.APPLICATION_MORE_INFO_REQUESTED,
    ApplicationStatus.ASSESSED: AccreditationEvent.APPLICATION_ASSESSED,
    ApplicationStatus.AWARDED: AccreditationEvent.APPLICATION_AWARDED,
    ApplicationStatus.NOT_AWARDED: AccreditationEvent.APPLICATION_NOT_AWARDED,
    ApplicationStatus.WITHDRAWN: AccreditationEvent.APPLICATION_WITHDRAWN,
}
