from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a person does in a tenant. One person may hold several roles."""

    COUNCIL_OFFICER = "council_officer", _("Council officer")
    ASSESSOR = "assessor", _("Assessor")
    ORGANISATION_MEMBER = "organisation_member", _("Organisation member")


# The User field that records each role.
ROLE_FIELDS = {
    Role.COUNCIL_OFFICER: "is_council_officer",
    Role.ASSESSOR: "is_assessor",
    Role.ORGANISATION_MEMBER: "is_organisation_member",
}


class AccountsEvent(models.TextChoices):
    """Audit event keys for people and invitations (platform_.audit.services.record_event)."""

    INVITATION_CREATED = "accounts.invitation.created", _("Invitation sent")
    INVITATION_REVOKED = "accounts.invitation.revoked", _("Invitation revoked")
    INVITATION_ACCEPTED = "accounts.invitation.accepted", _("Invitation accepted")
    # The council's rule that officers and assessors use two-step sign-in (two_factor_rule.py).
    TWO_FACTOR_REQUIRED = (
        "accounts.two_factor.required",
        _("Two-step sign-in required for officers and assessors"),
    )
    TWO_FACTOR_NOT_REQUIRED = (
        "accounts.two_factor.not_required",
        _("Two-step sign-in no longer required for officers and assessors"),
    )
