"""Reads: the querysets each page needs, with what they prefetch, so query counts stay flat."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from charters import charter_status, public_cache
from charters.enums import MembershipStatus, SignatureAction, VersionStatus
from charters.models import Charter, CharterVersion, Membership, Organisation, Pledge, Principle
from charters.validators import name_key


def the_charter() -> Charter | None:
    return Charter.objects.order_by("pk").first()


def current_version() -> CharterVersion | None:
    """The latest published version: what the public sees and organisations sign."""
    return (
        CharterVersion.objects.published()
        .order_by("-number")
        .prefetch_related(Prefetch("principles", queryset=Principle.objects.order_by("position")))
        .first()
    )


def current_version_number() -> CharterVersion | None:
    """The latest published version's key and number only (no principles): for pages that say
    which version is current, such as the organisation hub and register entries.

    Kept in the public cache (charters/public_cache.py): publishing a version, the only way the
    answer changes (published versions are never edited or deleted), bumps its generation on
    commit (services.publish_version).
    """
    return public_cache.cached("current-version-number", _current_version_number)


def _current_version_number() -> CharterVersion | None:
    return CharterVersion.objects.published().order_by("-number").only("pk", "number").first()


def is_on_register(organisation: Organisation) -> bool:
    """Whether the public register shows this organisation (see _listed)."""
    return Organisation.objects.filter(_listed(), pk=organisation.pk).exists()


def charter_published() -> bool:
    """Whether the council has published any version of its charter yet."""
    return CharterVersion.objects.published().exists()


def draft_version() -> CharterVersion | None:
    return (
        CharterVersion.objects.filter(status=VersionStatus.DRAFT)
        .prefetch_related(Prefetch("principles", queryset=Principle.objects.order_by("position")))
        .first()
    )


def published_versions() -> QuerySet[CharterVersion]:
    return CharterVersion.objects.published().order_by("-number")


def similar_organisations(name: str) -> QuerySet[Organisation]:
    return Organisation.objects.filter(name_key=name_key(name)).order_by("name")


def _listed() -> Q:
    """On the public register: its latest record is a signature that agreed to be listed.

    Every other organisation (not signed yet, signed without agreeing, withdrawn) is unlisted:
    nobody there has agreed to be shown, so its name and address are shown only to the people in
    organisations_visible_to.
    """
    return Q(
        current_signature__action=SignatureAction.SIGNED,
        current_signature__consent_to_publish=True,
    )


def organisations_visible_to(user) -> QuerySet[Organisation]:
    """Organisations whose name and address ``user`` may see.

    Those on the public register; those the person belongs to, asked to join or was invited to
    (by account or by email address); every one for council officers.
    """
    if user.has_perm("charters.view_all_organisations"):
        return Organisation.objects.all()
    if not user.is_authenticated:
        return Organisation.objects.filter(_listed())
    own = Membership.objects.filter(
        Q(user=user, status__in=[MembershipStatus.ACTIVE, *MembershipStatus.open()])
        | Q(status=MembershipStatus.INVITED, invited_email__iexact=user.email)
    )
    return Organisation.objects.filter(_listed() | Q(pk__in=own.values("organisation_id")))


def register_entries(
    *, query: str = "", kind: str = "", area: str = "", holders: bool = False, level: str = ""
) -> QuerySet[Organisation]:
    """Organisations whose latest record is a signature and who agreed to be listed, with the
    Charter Status each holds today (charters.charter_status); ``holders`` or a ``level`` keeps
    only those holding it."""
    entries = (
        charter_status.with_charter_status(Organisation.objects.filter(_listed()))
        .select_related("current_signature__version")
        .prefetch_related(
            Prefetch("current_signature__pledges", queryset=Pledge.objects.order_by("target_date"))
        )
        .order_by("name")
    )
    if query:
        entries = entries.filter(Q(name__icontains=query) | Q(town__icontains=query))
    if kind:
        entries = entries.filter(kind=kind)
    if area:
        entries = entries.filter(area=area)
    if holders or level:
        entries = charter_status.holders_only(entries, level=level)
    return entries


def register_areas() -> list[str]:
    return list(
        register_entries()
        .exclude(area="")
        .order_by("area")
        .values_list("area", flat=True)
        .distinct()
    )


def organisations_for_officers() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("current_signature__version").order_by("name")


def organisations_of(user) -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(
            memberships__user=user, memberships__status=MembershipStatus.ACTIVE
        )
        .select_related("current_signature__version")
        .order_by("name")
    )


def hub_memberships(user) -> QuerySet[Membership]:
    """The person's memberships the organisation hub shows, in one read: the active ones (their
    organisations, with each one's latest signature and its version) and their requests to join,
    by organisation name.

    Only the columns the hub shows (templates/charters/organisation/hub.html): every column of
    four tables, compiled and loaded, was most of the page's read.
    """
    return (
        Membership.objects.filter(
            user=user, status__in=[MembershipStatus.ACTIVE, MembershipStatus.REQUESTED]
        )
        .select_related("organisation__current_signature__version")
        .only(
            "status",
            "organisation__name",
            "organisation__slug",
            "organisation__current_signature__action",
            "organisation__current_signature__version__number",
        )
        .order_by("organisation__name", "-role", "created_at")
    )


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("-role", "created_at")
