from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class OrganisationKind(models.TextChoices):
    SCHOOL = "school", _("School")
    EARLY_YEARS = "early_years", _("Early years setting")
    COLLEGE = "college", _("College")
    GP_PRACTICE = "gp_practice", _("GP practice")
    NHS_SERVICE = "nhs_service", _("NHS service")
    COUNCIL_SERVICE = "council_service", _("Council service")
    CHARITY = "charity", _("Charity or voluntary group")
    BUSINESS = "business", _("Business")
    OTHER = "other", _("Other")


class MembershipRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    MEMBER = "member", _("Member")


class MembershipStatus(models.TextChoices):
    REQUESTED = "requested", _("Asked to join")
    INVITED = "invited", _("Invited")
    ACTIVE = "active", _("Member")
    DECLINED = "declined", _("Declined")
    LEFT = "left", _("Left")

    @classmethod
    def open(cls) -> list[str]:
        """Memberships still waiting for someone to act."""
        return [cls.REQUESTED, cls.INVITED]


class SignatureAction(models.TextChoices):
    SIGNED = "signed", _("Signed")
    WITHDRAWN = "withdrawn", _("Withdrew")


class CharterEvent(models.TextChoices):
    """Audit event keys for charters, organisations and signatures."""

    CHARTER_CREATED = "charters.charter.created", _("Charter created")
    DRAFT_STARTED = "charters.draft.started", _("New draft started")
    DRAFT_UPDATED = "charters.draft.updated", _("Draft changed")
    PRINCIPLE_ADDED = "charters.principle.added", _("Principle added")
    PRINCIPLE_UPDATED = "charters.principle.updated", _("Principle changed")
    PRINCIPLE_REMOVED = "charters.principle.removed", _("Principle removed")
    PRINCIPLE_MOVED = "charters.principle.moved", _("Principle moved")
    VERSION_PUBLISHED = "charters.version.published", _("Version published")
    ORGANISATION_REGISTERED = "charters.organisation.registered", _("Organisation registered")
    MEMBERSHIP_REQUESTED = "charters.membership.requested", _("Asked to join")
    MEMBERSHIP_INVITED = "charters.membership.invited", _("Member invited")
    MEMBERSHIP_JOINED = "charters.membership.joined", _("Joined by invitation")
    MEMBERSHIP_APPROVED = "charters.membership.approved", _("Member approved")
    MEMBERSHIP_DECLINED = "charters.membership.declined", _("Member declined")
    CHARTER_SIGNED = "charters.charter.signed", _("Charter signed")
    CHARTER_WITHDRAWN = "charters.charter.withdrawn", _("Signature withdrawn")
    PLEDGE_MET = "charters.pledge.met", _("Pledge met")
