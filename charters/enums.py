from django.db import models


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class OrganisationKind(models.TextChoices):
    SCHOOL = "school", "School"
    EARLY_YEARS = "early_years", "Early years setting"
    COLLEGE = "college", "College"
    GP_PRACTICE = "gp_practice", "GP practice"
    NHS_SERVICE = "nhs_service", "NHS service"
    COUNCIL_SERVICE = "council_service", "Council service"
    CHARITY = "charity", "Charity or voluntary group"
    BUSINESS = "business", "Business"
    OTHER = "other", "Other"


class MembershipRole(models.TextChoices):
    LEAD = "lead", "Lead"
    MEMBER = "member", "Member"


class MembershipStatus(models.TextChoices):
    REQUESTED = "requested", "Asked to join"
    INVITED = "invited", "Invited"
    ACTIVE = "active", "Member"
    DECLINED = "declined", "Declined"
    LEFT = "left", "Left"

    @classmethod
    def open(cls) -> list[str]:
        """Memberships still waiting for someone to act."""
        return [cls.REQUESTED, cls.INVITED]


class SignatureAction(models.TextChoices):
    SIGNED = "signed", "Signed"
    WITHDRAWN = "withdrawn", "Withdrew"


class CharterEvent(models.TextChoices):
    """Audit event keys for charters, organisations and signatures."""

    CHARTER_CREATED = "charters.charter.created", "Charter created"
    DRAFT_STARTED = "charters.draft.started", "New draft started"
    DRAFT_UPDATED = "charters.draft.updated", "Draft changed"
    PRINCIPLE_ADDED = "charters.principle.added", "Principle added"
    PRINCIPLE_UPDATED = "charters.principle.updated", "Principle changed"
    PRINCIPLE_REMOVED = "charters.principle.removed", "Principle removed"
    PRINCIPLE_MOVED = "charters.principle.moved", "Principle moved"
    VERSION_PUBLISHED = "charters.version.published", "Version published"
    ORGANISATION_REGISTERED = "charters.organisation.registered", "Organisation registered"
    MEMBERSHIP_REQUESTED = "charters.membership.requested", "Asked to join"
    MEMBERSHIP_INVITED = "charters.membership.invited", "Member invited"
    MEMBERSHIP_JOINED = "charters.membership.joined", "Joined by invitation"
    MEMBERSHIP_APPROVED = "charters.membership.approved", "Member approved"
    MEMBERSHIP_DECLINED = "charters.membership.declined", "Member declined"
    CHARTER_SIGNED = "charters.charter.signed", "Charter signed"
    CHARTER_WITHDRAWN = "charters.charter.withdrawn", "Signature withdrawn"
    PLEDGE_MET = "charters.pledge.met", "Pledge met"
