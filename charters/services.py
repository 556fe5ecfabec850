"""Writes to charters, organisations, memberships and signatures: one function per action.

Each checks who may act and from which state, changes the rows in a transaction, writes an
AuditEvent, and queues any email on commit. Refusals raise ``CharterError`` (a ValidationError)
with a message for the person, or PermissionDenied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from charters import default_charter, public_cache
from charters.enums import MembershipRole, MembershipStatus, SignatureAction, VersionStatus
from charters.models import (
    Charter,
    CharterVersion,
    Membership,
    Organisation,
    Pledge,
    Principle,
    Signature,
)
from charters.selectors import current_version, similar_organisations
from platform_.accounts.permissions import require_permission
from platform_.audit.services import record_event
from platform_.background import enqueue_on_commit


class CharterError(ValidationError):
    """An action refused because of the state things are in; the message says what to do."""


# --- The charter ---------------------------------------------------------------------------------


@transaction.atomic
def create_default_charter(*, acting_user=None) -> Charter:
    """A new tenant's charter: a draft in plain words, with easy read, ready to rewrite.

    Side effects: the Charter, its draft version and principles; an audit event.
    """
    charter = Charter.objects.create()
    version = CharterVersion.objects.create(
        charter=charter,
        title=default_charter.TITLE,
        introduction=default_charter.INTRODUCTION,
        easy_read_introduction=default_charter.EASY_READ_INTRODUCTION,
    )
    Principle.objects.bulk_create(
        Principle(
            version=version, position=position, title=title, text=text, easy_read_text=easy_read
        )
        for position, (title, text, easy_read) in enumerate(default_charter.PRINCIPLES, start=1)
    )
    record_event("charters.charter.created", charter, actor=acting_user)
    return charter


def _editable_draft(version: CharterVersion, acting_user) -> None:
    require_permission(
        acting_user, "charters.edit_charter", message="Only council officers can edit."
    )
    if version.status != VersionStatus.DRAFT:
        raise CharterError(
            f"Version {version.number} is published and cannot change. Start a new draft."
        )


@transaction.atomic
def update_draft(
    version: CharterVersion,
    *,
    acting_user,
    title: str,
    introduction: str,
    easy_read_introduction: str = "",
    co_writers: list[str] | None = None,
) -> CharterVersion:
    """Change a draft's words. Side effects: the version saved; an audit event."""
    _editable_draft(version, acting_user)
    old = {"title": version.title, "co_writers": version.co_writers}
    version.title = title
    version.introduction = introduction
    version.easy_read_introduction = easy_read_introduction
    version.co_writers = [name.strip() for name in (co_writers or []) if name.strip()]
    version.save(
        update_fields=[
            "title",
            "introduction",
            "easy_read_introduction",
            "co_writers",
            "updated_at",
        ]
    )
    record_event(
        "charters.draft.updated",
        version,
        actor=acting_user,
        old=old,
        new={"title": version.title, "co_writers": version.co_writers},
    )
    return version


@transaction.atomic
def add_principle(version: CharterVersion, *, acting_user, **fields) -> Principle:
    """Add a principle at the end of a draft. Side effects: the principle; an audit event."""
    _editable_draft(version, acting_user)
    last = version.principles.aggregate(last=Max("position"))["last"] or 0
    principle = Principle.objects.create(version=version, position=last + 1, **fields)
    record_event(
        "charters.principle.added", principle, actor=acting_user, new={"title": principle.title}
    )
    return principle


@transaction.atomic
def update_principle(principle: Principle, *, acting_user, **fields) -> Principle:
    """Change a principle of a draft. Side effects: the principle saved; an audit event."""
    _editable_draft(principle.version, acting_user)
    old = {"title": principle.title}
    for name, value in fields.items():
        setattr(principle, name, value)
    principle.save()
    record_event(
        "charters.principle.updated",
        principle,
        actor=acting_user,
        old=old,
        new={"title": principle.title},
    )
    return principle


@transaction.atomic
def remove_principle(principle: Principle, *, acting_user) -> None:
    """Remove a principle from a draft and close the gap. Side effect: an audit event."""
    version = principle.version
    _editable_draft(version, acting_user)
    record_event(
        "charters.principle.removed", principle, actor=acting_user, old={"title": principle.title}
    )
    principle.delete()
    for position, remaining in enumerate(version.principles.order_by("position"), start=1):
        if remaining.position != position:
            remaining.position = position
            remaining.save(update_fields=["position"])


@transaction.atomic
def move_principle(principle: Principle, *, acting_user, up: bool) -> Principle:
    """Swap a principle with its neighbour. Side effect: an audit event."""
    _editable_draft(principle.version, acting_user)
    siblings = principle.version.principles.order_by("position")
    neighbour = (
        siblings.filter(position__lt=principle.position).last()
        if up
        else siblings.filter(position__gt=principle.position).first()
    )
    if neighbour is None:
        return principle
    # The unique (version, position) constraint is deferred, so a straight swap is allowed.
    principle.position, neighbour.position = neighbour.position, principle.position
    principle.save(update_fields=["position"])
    neighbour.save(update_fields=["position"])
    record_event(
        "charters.principle.moved",
        principle,
        actor=acting_user,
        new={"position": principle.position},
    )
    return principle


@transaction.atomic
def start_new_draft(charter: Charter, *, acting_user) -> CharterVersion:
    """A draft copied from the latest published version (or the existing draft, if any).

    Side effects: the draft version and its principles (pictures shared, not copied); an audit
    event.
    """
    require_permission(
        acting_user, "charters.edit_charter", message="Only council officers can edit."
    )
    existing = charter.versions.filter(status=VersionStatus.DRAFT).first()
    if existing is not None:
        return existing
    source = charter.versions.published().order_by("-number").first()
    if source is None:
        raise CharterError("There is nothing published to start from.")
    draft = CharterVersion.objects.create(
        charter=charter,
        title=source.title,
        introduction=source.introduction,
        easy_read_introduction=source.easy_read_introduction,
        co_writers=source.co_writers,
    )
    Principle.objects.bulk_create(
        Principle(
            version=draft,
            position=p.position,
            title=p.title,
            text=p.text,
            easy_read_text=p.easy_read_text,
            picture=p.picture,
            picture_alt=p.picture_alt,
        )
        for p in source.principles.order_by("position")
    )
    record_event(
        "charters.draft.started", draft, actor=acting_user, new={"from_version": source.number}
    )
    return draft


@transaction.atomic
def publish_version(version: CharterVersion, *, acting_user) -> CharterVersion:
    """Publish a draft as the next numbered, immutable version.

    Side effects, in order: the version numbered and published; an audit event; the public pages'
    cache dropped; signatories of older versions told and invited to re-sign (task on commit).
    """
    _editable_draft(version, acting_user)
    version = CharterVersion.objects.select_for_update().get(pk=version.pk)
    if not version.principles.exists():
        raise CharterError("Add at least one principle before publishing.")
    missing_alt = version.principles.exclude(picture="").filter(picture_alt="")
    if missing_alt.exists():
        raise CharterError(
            "Describe every picture before publishing: "
            + ", ".join(missing_alt.values_list("title", flat=True))
        )
    last = version.charter.versions.published().aggregate(last=Max("number"))["last"] or 0
    version.number = last + 1
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = acting_user
    version.save(update_fields=["number", "status", "published_at", "published_by", "updated_at"])
    record_event(
        "charters.version.published", version, actor=acting_user, new={"number": version.number}
    )
    public_cache.invalidate()
    if version.number > 1:
        from charters.tasks import invite_signatories_to_resign

        enqueue_on_commit(invite_signatories_to_resign, version.pk)
    return version


# --- Organisations and members -------------------------------------------------------------------


@dataclass
class DuplicateOrganisation(Exception):
    """Organisations with the same name exist; the person may ask to join one of them."""

    matches: list[Organisation]


@transaction.atomic
def register_organisation(
    *, acting_user, confirmed_different: bool = False, **details
) -> Organisation:
    """Register an organisation; the person registering becomes its lead.

    Refused kindly when one with the same name exists, unless the person confirms theirs is a
    different one (and it is not at the same postcode). Side effects: the organisation; the lead
    membership; the person marked as an organisation member; an audit event.
    """
    require_permission(
        acting_user,
        "charters.register_organisation",
        message="Sign in to register an organisation.",
    )
    matches = list(similar_organisations(details["name"]))
    if matches and not confirmed_different:
        raise DuplicateOrganisation(matches)
    organisation = Organisation(created_by=acting_user, **details)
    organisation.slug = _unique_slug(organisation.name)
    organisation.full_clean()
    if any(match.postcode == organisation.postcode for match in matches):
        raise CharterError(
            f"{organisation.name} at {organisation.postcode} is already registered. Ask to join it."
        )
    organisation.save()
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
    record_event("charters.organisation.registered", organisation, actor=acting_user)
    return organisation


def _unique_slug(name: str) -> str:
    from django.utils.text import slugify

    base = slugify(name)[:70] or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def request_to_join(organisation: Organisation, *, acting_user) -> Membership:
    """Ask to join; if the lead already invited this person's email, they join at once.

    Side effects: the membership (requested, or active if invited); an audit event; the leads
    told by email of a new request (on commit).
    """
    require_permission(
        acting_user, "charters.register_organisation", message="Sign in to ask to join."
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
        raise CharterError(f"You are already a member of {organisation.name}.")
    if open_membership is not None and open_membership.status == MembershipStatus.REQUESTED:
        raise CharterError(f"You have already asked to join {organisation.name}.")
    if open_membership is not None:  # invited: accepting the invitation
        open_membership.user = acting_user
        _activate(open_membership, decided_by=acting_user)
        record_event("charters.membership.joined", open_membership, actor=acting_user)
        return open_membership
    membership = Membership.objects.create(
        organisation=organisation, user=acting_user, status=MembershipStatus.REQUESTED
    )
    record_event("charters.membership.requested", membership, actor=acting_user)
    from charters.tasks import tell_leads_of_join_request

    enqueue_on_commit(tell_leads_of_join_request, membership.pk)
    return membership


@transaction.atomic
def invite_member(organisation: Organisation, *, acting_user, email: str) -> Membership:
    """A lead invites someone by email. Side effects: an invited membership; an audit event;
    the invitation email (on commit)."""
    require_permission(
        acting_user,
        "charters.manage_members",
        organisation,
        message="Only the organisation's lead can invite members.",
    )
    email = email.strip().lower()
    if organisation.memberships.filter(
        status=MembershipStatus.ACTIVE, user__email__iexact=email
    ).exists():
        raise CharterError(f"{email} is already a member.")
    membership, _ = Membership.objects.get_or_create(
        organisation=organisation,
        invited_email=email,
        status=MembershipStatus.INVITED,
        defaults={"decided_by": acting_user},
    )
    record_event("charters.membership.invited", membership, actor=acting_user, new={"email": email})
    from charters.tasks import send_membership_invitation

    enqueue_on_commit(send_membership_invitation, membership.pk)
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
        message="Only the organisation's lead can approve members.",
    )
    if membership.status != MembershipStatus.REQUESTED:
        raise CharterError("Only a request to join can be approved.")
    _activate(membership, decided_by=acting_user)
    record_event("charters.membership.approved", membership, actor=acting_user)
    return membership


@transaction.atomic
def decline_membership(membership: Membership, *, acting_user) -> Membership:
    """A lead turns down a request (or withdraws an invitation). Side effect: an audit event."""
    require_permission(
        acting_user,
        "charters.manage_members",
        membership.organisation,
        message="Only the organisation's lead can decline members.",
    )
    if membership.status not in MembershipStatus.open():
        raise CharterError("Only an open request or invitation can be declined.")
    membership.status = MembershipStatus.DECLINED
    membership.decided_at = timezone.now()
    membership.decided_by = acting_user
    membership.save(update_fields=["status", "decided_at", "decided_by"])
    record_event("charters.membership.declined", membership, actor=acting_user)
    return membership


# --- Signing -------------------------------------------------------------------------------------


@transaction.atomic
def sign_charter(
    organisation: Organisation,
    *,
    acting_user,
    signatory_name: str,
    signatory_job_title: str,
    commitment: str,
    consent_to_publish: bool,
    pledges: list[tuple[str, date]] = (),
) -> Signature:
    """Sign the current published version on the organisation's behalf.

    Side effects: an immutable Signature and its pledges; the organisation's current signature;
    an audit event; the public register's cache dropped.
    """
    require_permission(
        acting_user,
        "charters.sign_charter",
        organisation,
        message="Only the organisation's lead can sign the charter.",
    )
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    version = current_version()
    if version is None:
        raise CharterError("The council has not published its charter yet.")
    current = organisation.current_signature
    if current and current.action == SignatureAction.SIGNED and current.version_id == version.pk:
        raise CharterError(f"{organisation.name} has already signed version {version.number}.")
    if any(target < timezone.localdate() for _, target in pledges):
        raise CharterError("A pledge's target date cannot be in the past.")
    signature = Signature.objects.create(
        organisation=organisation,
        version=version,
        action=SignatureAction.SIGNED,
        signatory_name=signatory_name,
        signatory_job_title=signatory_job_title,
        commitment=commitment,
        consent_to_publish=consent_to_publish,
        recorded_by=acting_user,
    )
    Pledge.objects.bulk_create(
        Pledge(signature=signature, text=text, target_date=target) for text, target in pledges
    )
    _set_current_signature(organisation, signature)
    record_event(
        "charters.charter.signed",
        signature,
        actor=acting_user,
        new={"version": version.number, "organisation": organisation.name},
    )
    return signature


@transaction.atomic
def withdraw_signature(organisation: Organisation, *, acting_user, reason: str) -> Signature:
    """Withdraw: a new record, never a deletion. Side effects: the withdrawal record; the
    organisation leaves the register; an audit event."""
    require_permission(
        acting_user,
        "charters.sign_charter",
        organisation,
        message="Only the organisation's lead can withdraw its signature.",
    )
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    current = organisation.current_signature
    if current is None or current.action != SignatureAction.SIGNED:
        raise CharterError(f"{organisation.name} has not signed the charter.")
    withdrawal = Signature.objects.create(
        organisation=organisation,
        version=current.version,
        action=SignatureAction.WITHDRAWN,
        reason=reason,
        recorded_by=acting_user,
    )
    _set_current_signature(organisation, withdrawal)
    record_event(
        "charters.charter.withdrawn",
        withdrawal,
        actor=acting_user,
        old={"version": current.version.number},
    )
    return withdrawal


def _set_current_signature(organisation: Organisation, signature: Signature) -> None:
    organisation.current_signature = signature
    organisation.save(update_fields=["current_signature"])
    public_cache.invalidate()


@transaction.atomic
def record_pledge_met(pledge: Pledge, *, acting_user, met_on: date) -> Pledge:
    """Mark a pledge as met. Side effects: the date recorded; an audit event; cache dropped."""
    require_permission(
        acting_user,
        "charters.update_pledges",
        pledge.signature.organisation,
        message="Only the organisation's lead can update its pledges.",
    )
    if met_on > timezone.localdate():
        raise CharterError("The date a pledge was met cannot be in the future.")
    pledge.met_on = met_on
    pledge.save(update_fields=["met_on"])
    record_event("charters.pledge.met", pledge, actor=acting_user, new={"met_on": str(met_on)})
    public_cache.invalidate()
    return pledge
