"""Organisations and their people: registering, joining, inviting, approving."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from charters import emails
from charters.enums import CharterEvent, MembershipRole, MembershipStatus
from charters.models import Membership, Organisation
from charters.selectors import organisations_visible_to, similar_organisations
from charters.services.errors import CharterError, DuplicateOrganisation
from charters.validators import name_key, normalise_postcode
from platform_.accounts.permissions import require_permission
from platform_.audit.services import record_event
from platform_.integrity import AlreadyExists, unique_field_constraint, unique_or_raise
from platform_.plan_limits import check_plan_limit


@transaction.atomic
def register_organisation(
    *, acting_user, confirmed_different: bool = False, **details
) -> Organisation:
    """Register an organisation; the person registering becomes its lead.

    Refused kindly when one with the same name exists, unless the person confirms theirs is a
    different one (and it is not at the same postcode), and refused (PlanLimitReached) when the
    council's plan allows no more organisations. Side effects: the organisation; the lead
    membership; the person marked as an organisation member; an audit event.
    """
    require_permission(
        acting_user,
        "charters.register_organisation",
        message=_("Sign in to register an organisation."),
    )
    matches = list(similar_organisations(details["name"]))
    # An unlisted organisation is still matched, so it is not registered twice, but the error
    # carries none of its details unless the person may already see them.
    visible = set(
        organisations_visible_to(acting_user)
        .filter(pk__in=[match.pk for match in matches])
        .values_list("pk", flat=True)
    )
    if matches and not confirmed_different:
        raise DuplicateOrganisation(
            [match for match in matches if match.pk in visible],
            unlisted=len(matches) - len(visible),
        )
    organisation = Organisation(created_by=acting_user, **details)
    organisation.slug = _unique_slug(organisation.name)
    # The name-and-postcode rule is answered below in words, not as a field error, and the slug's
    # uniqueness by the database at insert (_save_new_organisation): a check here could pass and
    # still lose to a registration committing a moment later, or fail on one that just did.
    organisation.full_clean(validate_unique=False, validate_constraints=False)
    key, postcode = name_key(organisation.name), normalise_postcode(organisation.postcode)
    if any(match.name_key == key and match.postcode == postcode for match in matches):
        raise _already_registered(key, postcode, acting_user)
    # Every organisation counts, withdrawn ones too: a withdrawal is a record on an organisation
    # that stays registered (its history, applications and awards) and may sign again at any time
    # without registering, so not counting it would let re-signing pass the limit unchecked.
    check_plan_limit("organisations", Organisation.objects.count)
    _save_new_organisation(organisation, acting_user)
    Membership.objects.create(
        organisation=organisation,
        user=acting_user,
        role=MembershipRole.LEAD,
        status=MembershipStatus.ACTIVE,
        decided_at=timezone.now(),
    )
    if not acting_user.is_organisation_member:
        acting_user.is_organisation_member = True
        acting_user.save(update_fields=["is_organisation_member"])
    record_event(CharterEvent.ORGANISATION_REGISTERED, organisation, actor=acting_user)
    return organisation


SLUG_TAKEN = unique_field_constraint(Organisation, "slug")


def _save_new_organisation(organisation: Organisation, acting_user) -> None:
    """Insert, letting the database settle a race with another registration at the same moment.

    The same organisation (name and postcode) registered by someone else first: refused, as
    above. Only its slug taken, by another organisation of the same name: a fresh slug.
    """
    key, postcode = name_key(organisation.name), normalise_postcode(organisation.postcode)
    for _attempt in range(3):
        try:
            with unique_or_raise(
                {
                    "one_organisation_per_name_and_postcode": lambda: _already_registered(
                        key, postcode, acting_user
                    ),
                    SLUG_TAKEN: AlreadyExists(SLUG_TAKEN),
                }
            ):
                organisation.save()
            return
        except AlreadyExists:
            # Both registrations chose the same free slug; PostgreSQL may report the slug before
            # the name-and-postcode rule, so ask which it was before choosing another slug.
            if Organisation.objects.filter(name_key=key, postcode=postcode).exists():
                raise _already_registered(key, postcode, acting_user) from None
            organisation.slug = _unique_slug(organisation.name)
    raise CharterError(_("Several organisations are being registered with this name. Try again."))


def _already_registered(key: str, postcode: str, acting_user) -> CharterError:
    """The refusal for an organisation registered already, naming it only to those who may see
    it (an unlisted organisation stays unnamed)."""
    visible = organisations_visible_to(acting_user).filter(name_key=key, postcode=postcode).first()
    if visible is not None:
        return CharterError(
            _("%(visible)s at %(postcode)s is already registered. Ask to join it.")
            % {"visible": visible.name, "postcode": visible.postcode}
        )
    return CharterError(
        _(
            "An organisation with this name and postcode is already registered. "
            "Ask the person who registered it to invite you."
        )
    )


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def request_to_join(organisation: Organisation, *, acting_user) -> Membership:
    """Ask to join; if the lead already invited this person's email, they join at once.

    Side effects: the membership (requested, or active if invited); an audit event; the leads
    emailed of a new request (outbox).
    """
    require_permission(
        acting_user, "charters.register_organisation", message=_("Sign in to ask to join.")
    )
    open_membership = (
        organisation.memberships.filter(
            status__in=[*MembershipStatus.open(), MembershipStatus.ACTIVE], user=acting_user
        ).first()
        or organisation.memberships.filter(
            status=MembershipStatus.INVITED, invited_email__iexact=acting_user.email
        ).first()
    )
    if open_membership is not None and open_membership.status == MembershipStatus.ACTIVE:
        raise CharterError(
            _("You are already a member of %(organisation)s. Go to “Your organisation” to find it.")
            % {"organisation": organisation.name}
        )
    if open_membership is not None and open_membership.status == MembershipStatus.REQUESTED:
        raise CharterError(
            _(
                "You have already asked to join %(organisation)s. Wait for its lead to let you "
                "in: you will see it under “Your organisation”."
            )
            % {"organisation": organisation.name}
        )
    # A double click (or an invitation accepted in another tab) passes the checks above twice;
    # the database keeps one open membership per person and the second gets the same answer.
    asked_already = {
        "one_open_membership_per_person": lambda: CharterError(
            _(
                "You have already asked to join %(organisation)s. Wait for its lead to let you "
                "in: you will see it under “Your organisation”."
            )
            % {"organisation": organisation.name}
        )
    }
    if open_membership is not None:  # invited: accepting the invitation
        open_membership.user = acting_user
        with unique_or_raise(asked_already):
            _activate(open_membership, decided_by=acting_user)
        record_event(CharterEvent.MEMBERSHIP_JOINED, open_membership, actor=acting_user)
        return open_membership
    with unique_or_raise(asked_already):
        membership = Membership.objects.create(
            organisation=organisation, user=acting_user, status=MembershipStatus.REQUESTED
        )
    record_event(CharterEvent.MEMBERSHIP_REQUESTED, membership, actor=acting_user)
    emails.join_requested(membership)
    return membership


@transaction.atomic
def invite_member(organisation: Organisation, *, acting_user, email: str) -> Membership:
    """A lead invites someone by email. Side effects: an invited membership; an audit event;
    the invitation email (outbox)."""
    require_permission(
        acting_user,
        "charters.manage_members",
        organisation,
        message=_("Only the organisation's lead can invite members."),
    )
    email = email.strip().lower()
    if organisation.memberships.filter(
        status=MembershipStatus.ACTIVE, user__email__iexact=email
    ).exists():
        raise CharterError(
            _("%(email)s is already a member. Enter the email address of someone who is not.")
            % {"email": email}
        )
    # Race-safe: get_or_create fetches the row a simultaneous click made, as
    # one_open_invitation_per_organisation_and_email stops a second one.
    membership, _created = Membership.objects.get_or_create(
        organisation=organisation,
        invited_email=email,
        status=MembershipStatus.INVITED,
        defaults={"decided_by": acting_user},
    )
    record_event(
        CharterEvent.MEMBERSHIP_INVITED, membership, actor=acting_user, new={"email": email}
    )
    emails.member_invited(membership)
    return membership


def _activate(membership: Membership, *, decided_by) -> None:
    membership.status = MembershipStatus.ACTIVE
    membership.decided_at = timezone.now()
    membership.decided_by = decided_by
    membership.save(update_fields=["user", "status", "decided_at", "decided_by"])
    user = membership.user
    if not user.is_organisation_member:
        user.is_organisation_member = True
        user.save(update_fields=["is_organisation_member"])


@transaction.atomic
def approve_membership(membership: Membership, *, acting_user) -> Membership:
    """A lead lets someone in. Side effects: the membership active; an audit event."""
    require_permission(
        acting_user,
        "charters.manage_members",
        membership.organisation,
        message=_("Only the organisation's lead can approve members."),
    )
    require_permission(
        acting_user,
        "charters.approve_membership",
        membership,
        _("Only a request to join can be approved."),
        refusal=CharterError,
    )
    _activate(membership, decided_by=acting_user)
    record_event(CharterEvent.MEMBERSHIP_APPROVED, membership, actor=acting_user)
    return membership


@transaction.atomic
def decline_membership(membership: Membership, *, acting_user) -> Membership:
    """A lead turns down a request (or withdraws an invitation). Side effect: an audit event."""
    require_permission(
        acting_user,
        "charters.manage_members",
        membership.organisation,
        message=_("Only the organisation's lead can decline members."),
    )
    require_permission(
        acting_user,
        "charters.decline_membership",
        membership,
        _("Only an open request or invitation can be declined."),
        refusal=CharterError,
    )
    membership.status = MembershipStatus.DECLINED
    membership.decided_at = timezone.now()
    membership.decided_by = acting_user
    membership.save(update_fields=["status", "decided_at", "decided_by"])
    record_event(CharterEvent.MEMBERSHIP_DECLINED, membership, actor=acting_user)
    return membership
