"""Council officers set accreditation up: settings, award levels, criteria and rounds."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accreditation.enums import AccreditationEvent
from accreditation.models import AccreditationSettings, AwardLevel, Criterion, Round
from platform_.accounts.permissions import require_permission
from platform_.audit.services import record_event

DEFAULT_LEVEL = "Charter Status"


def _require_officer(user) -> None:
    require_permission(
        user, "accreditation.manage", message="Only council officers can set up Charter Status."
    )


def settings_for_tenant() -> AccreditationSettings:
    return AccreditationSettings.objects.order_by("pk").first() or AccreditationSettings()


@transaction.atomic
def create_default_accreditation() -> None:
    """A new tenant's defaults: one level, "Charter Status", and the default settings."""
    if not AccreditationSettings.objects.exists():
        AccreditationSettings.objects.create()
    if not AwardLevel.objects.exists():
        AwardLevel.objects.create(name=DEFAULT_LEVEL, position=1)


@transaction.atomic
def update_settings(*, acting_user, **values) -> AccreditationSettings:
    """Change how the council runs Charter Status. Side effect: an audit event."""
    _require_officer(acting_user)
    current = settings_for_tenant()
    old = {name: getattr(current, name) for name in values}
    for name, value in values.items():
        setattr(current, name, value)
    current.save()
    record_event(
        AccreditationEvent.SETTINGS_UPDATED, current, actor=acting_user, old=old, new=values
    )
    return current


@transaction.atomic
def save_criterion(criterion: Criterion, *, acting_user, levels=None) -> Criterion:
    """Add or change a criterion. Side effect: an audit event."""
    _require_officer(acting_user)
    if criterion.principle.version_id != criterion.version_id:
        raise PermissionDenied("A criterion belongs to a principle of its own charter version.")
    created = criterion.pk is None
    criterion.save()
    if levels is not None:
        criterion.levels.set(levels)
    record_event(
        AccreditationEvent.CRITERION_ADDED if created else AccreditationEvent.CRITERION_UPDATED,
        criterion,
        actor=acting_user,
        new={"title": criterion.title},
    )
    return criterion


@transaction.atomic
def save_level(level: AwardLevel, *, acting_user) -> AwardLevel:
    _require_officer(acting_user)
    created = level.pk is None
    level.save()
    record_event(
        AccreditationEvent.LEVEL_ADDED if created else AccreditationEvent.LEVEL_UPDATED,
        level,
        actor=acting_user,
        new={"name": level.name},
    )
    return level


@transaction.atomic
def save_round(award_round: Round, *, acting_user) -> Round:
    """Open or change an award round. Side effect: an audit event."""
    _require_officer(acting_user)
    award_round.full_clean()
    created = award_round.pk is None
    award_round.save()
    record_event(
        AccreditationEvent.ROUND_OPENED if created else AccreditationEvent.ROUND_UPDATED,
        award_round,
        actor=acting_user,
        new={"name": award_round.name, "closes_on": str(award_round.closes_on)},
    )
    return award_round
