"""Writes to people and invitations: one function per action, the only place that changes them."""

from __future__ import annotations

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from platform_.accounts.enums import ROLE_FIELDS, AccountsEvent, Role
from platform_.accounts.models import Invitation, User
from platform_.accounts.permissions import require_permission
from platform_.audit.services import record_event
from platform_.integrity import AlreadyExists, unique_field_constraint, unique_or_raise
from platform_.languages import lazy_interpolate, supported
from platform_.outbox.services import queue_email
from platform_.plan_limits import check_plan_limit

INVITATION_SALT = "cocharter.invitation"
OPEN_INVITATION = "one_open_invitation_per_email_and_role"
EMAIL_TAKEN = unique_field_constraint(User, "email")


class InvitationError(Exception):
    """The link cannot be used; the message says why in words a person can act on."""


def invite_person(
    email: str,
    *,
    role: Role,
    acting_user: User | None,
    has_lived_experience: bool = False,
) -> Invitation:
    """Invite someone to this tenant in a role.

    Side effects, in order: an Invitation row (or the open one for the same email and role,
    renewed, so its earlier link stops working); an audit event; the invitation email written to
    the outbox (sent after commit). An assessor invitation that would take a new place is refused
    (PlanLimitReached) when the council's plan allows no more assessors.
    ``acting_user`` is None only when the platform provisions a tenant's first officer.
    """
    if acting_user is not None:
        require_permission(
            acting_user,
            "tenant.invite_people",
            message=_("Only council officers can invite people."),
        )
    email = email.strip().lower()
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(email=email, role=role, accepted_at__isnull=True, revoked_at__isnull=True)
            .first()
        )
        if role == Role.ASSESSOR and _takes_an_assessor_place(email, invitation):
            check_plan_limit("assessors", _assessor_places_taken)
        if invitation is None:
            invitation = Invitation(email=email, role=role)
        else:
            invitation.nonce = Invitation._meta.get_field("nonce").default()
        invitation.has_lived_experience = has_lived_experience and role == Role.ASSESSOR
        invitation.invited_by = acting_user
        invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
        try:
            with unique_or_raise({OPEN_INVITATION: AlreadyExists(OPEN_INVITATION)}):
                invitation.save()
        except AlreadyExists:
            # There was no open invitation to lock, so a simultaneous click created one first:
            # that one is the invitation, and its email is on its way.
            return Invitation.objects.get(
                email=email, role=role, accepted_at__isnull=True, revoked_at__isnull=True
            )
        record_event(
            AccountsEvent.INVITATION_CREATED,
            invitation,
            actor=acting_user,
            new={"email": email, "role": role},
        )
        _queue_invitation_email(invitation)
    return invitation


def _takes_an_assessor_place(email: str, open_invitation: Invitation | None) -> bool:
    """Whether inviting ``email`` as an assessor takes one more place under the plan's limit: not
    when the open invitation being renewed still holds one, nor for someone already an assessor."""
    if open_invitation is not None and open_invitation.expires_at > timezone.now():
        return False
    return not User.objects.filter(email__iexact=email, is_assessor=True, is_active=True).exists()


def _assessor_places_taken() -> int:
    """Assessors, and invitations to be one that can still be accepted: an invitation holds its
    place, so officers cannot invite more people than the plan lets in."""
    assessors = User.objects.filter(is_assessor=True, is_active=True)
    invited = (
        Invitation.objects.pending()
        .filter(role=Role.ASSESSOR)
        .exclude(email__in=assessors.values("email"))
    )
    return assessors.count() + invited.count()


def _queue_invitation_email(invitation: Invitation) -> None:
    tenant = connection.tenant
    invitation.outbox_email = queue_email(
        invitation.email,
        subject=lazy_interpolate(
            _("You are invited to %(council)s on CoCharter"), council=tenant.name
        ),
        template="accounts/email/invitation.txt",
        context={
            "invitation": invitation,
            "valid_days": settings.INVITATION_VALID_DAYS,
            "accept_url": tenant.build_url(
                reverse("accounts:invitation.accept", args=[invitation_token(invitation)])
            ),
        },
    )
    invitation.save(update_fields=["outbox_email"])


def revoke_invitation(invitation: Invitation, *, acting_user: User) -> Invitation:
    """Void an invitation that has not been accepted. Side effects: ``revoked_at``; audit event."""
    require_permission(
        acting_user,
        "tenant.invite_people",
        message=_("Only council officers can revoke invitations."),
    )
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been accepted."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record_event(AccountsEvent.INVITATION_REVOKED, invitation, actor=acting_user)
    return invitation


def invitation_token(invitation: Invitation) -> str:
    # The schema is part of the salt, so a link from one council is meaningless at another.
    return signing.dumps(
        {"id": invitation.pk, "nonce": invitation.nonce},
        salt=f"{INVITATION_SALT}:{connection.schema_name}",
    )


def find_invitation(token: str) -> Invitation:
    """The open invitation a link points to, or InvitationError saying why it cannot be used."""
    try:
        payload = signing.loads(
            token,
            salt=f"{INVITATION_SALT}:{connection.schema_name}",
            max_age=timedelta(days=settings.INVITATION_VALID_DAYS),
        )
    except signing.SignatureExpired as error:
        raise InvitationError(
            _("This invitation has expired. Ask the council for a new one.")
        ) from error
    except signing.BadSignature as error:
        raise InvitationError(_("This invitation link is not valid here.")) from error
    invitation = Invitation.objects.filter(pk=payload["id"], nonce=payload["nonce"]).first()
    if invitation is None or invitation.revoked_at is not None:
        raise InvitationError(
            _("This invitation is no longer valid. Ask the council for a new one.")
        )
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been used. You can sign in instead."))
    if invitation.expires_at <= timezone.now():
        raise InvitationError(_("This invitation has expired. Ask the council for a new one."))
    return invitation


@transaction.atomic
def accept_invitation(invitation: Invitation, *, full_name: str, password: str | None) -> User:
    """Turn an invitation into an account (or add the role to the existing account).

    Side effects: the user created or updated with the role; the email address recorded as
    verified (the link proved it); the invitation marked accepted; an audit event. Refused
    (PlanLimitReached) for a new assessor when the council already has as many as its plan
    allows: only if the plan was made smaller after the invitation, which held its place.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been used. You can sign in instead."))
    user = User.objects.filter(email__iexact=invitation.email).first()
    if invitation.role == Role.ASSESSOR and not (user is not None and user.is_assessor):
        check_plan_limit("assessors", User.objects.filter(is_assessor=True, is_active=True).count)
    if user is None:
        try:
            with unique_or_raise({EMAIL_TAKEN: AlreadyExists(EMAIL_TAKEN)}):
                user = User.objects.create_user(invitation.email, password, full_name=full_name)
        except AlreadyExists:
            # Another invitation to the same person (another role) accepted at the same
            # moment made the account: this one adds its role to it.
            user = User.objects.get(email__iexact=invitation.email)
    if full_name and not user.full_name:
        user.full_name = full_name
    setattr(user, ROLE_FIELDS[Role(invitation.role)], True)
    if invitation.has_lived_experience:
        user.has_lived_experience = True
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=invitation.email, defaults={"verified": True, "primary": True}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record_event(
        AccountsEvent.INVITATION_ACCEPTED, invitation, actor=user, new={"role": invitation.role}
    )
    return user


def remember_language(user: User, *, language: str) -> None:
    """Keep the language a person chose (switcher) or signed in with, for their emails.

    Side effects: the user's ``language`` written, only when it changes (so a page in the same
    language costs no query). No audit event: a preference, not an act on anyone's data.
    """
    language = supported(language)
    if user.is_authenticated and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
