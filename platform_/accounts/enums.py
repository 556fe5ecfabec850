from django.db import models


class Role(models.TextChoices):
    """What a person does in a tenant. One person may hold several roles."""

    COUNCIL_OFFICER = "council_officer", "Council officer"
    ASSESSOR = "assessor", "Assessor"
    ORGANISATION_MEMBER = "organisation_member", "Organisation member"


# The User field that records each role.
ROLE_FIELDS = {
    Role.COUNCIL_OFFICER: "is_council_officer",
    Role.ASSESSOR: "is_assessor",
    Role.ORGANISATION_MEMBER: "is_organisation_member",
}


class AccountsEvent(models.TextChoices):
    """Audit event keys for people and invitations (platform_.audit.services.record_event)."""

    INVITATION_CREATED = "accounts.invitation.created", "Invitation sent"
    INVITATION_REVOKED = "accounts.invitation.revoked", "Invitation revoked"
    INVITATION_ACCEPTED = "accounts.invitation.accepted", "Invitation accepted"
