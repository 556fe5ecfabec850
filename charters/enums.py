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
