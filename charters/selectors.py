"""Reads: the querysets each page needs, with what they prefetch, so query counts stay flat."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

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


def register_entries(*, query: str = "", kind: str = "", area: str = "") -> QuerySet[Organisation]:
    """Organisations whose latest record is a signature and who agreed to be listed."""
    entries = (
        Organisation.objects.filter(
            current_signature__action=SignatureAction.SIGNED,
            current_signature__consent_to_publish=True,
        )
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


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("-role", "created_at")
