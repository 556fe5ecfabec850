"""Council officers set accreditation up: settings, award levels, criteria and rounds."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accreditation.enums import AccreditationEvent
from accreditation.errors import AccreditationError
from accreditation.models import AccreditationSettings, AwardLevel, Criterion, Round
from charters import public_cache
from charters.models import Principle
from charters.selectors import current_version
from platform_.accounts.permissions import require_permission
from platform_.audit.services import record_event
from platform_.background import after_commit
from platform_.integrity import AlreadyExists, unique_field_constraint, unique_or_raise

DEFAULT_LEVEL = "Charter Status"


def _require_officer(user) -> None:
    require_permission(
        user, "accreditation.manage", message=_("Only council officers can set up Charter Status.")
    )


ONE_SETTINGS_ROW = "one_accreditation_settings_row"
LEVEL_NAME_TAKEN = unique_field_constraint(AwardLevel, "name")


def settings_for_tenant() -> AccreditationSettings:
    return AccreditationSettings.objects.order_by("pk").first() or AccreditationSettings()


@transaction.atomic
def create_default_accreditation() -> None:
    """A new tenant's defaults: one level, "Charter Status", and the default settings.

    Idempotent, also when run twice at once: the row the other run made is as good as ours.
    """
    if not AccreditationSettings.objects.exists():
        with suppress(AlreadyExists), unique_or_raise({ONE_SETTINGS_ROW: _exists_already}):
            AccreditationSettings.objects.create()
    if not AwardLevel.objects.exists():
        with suppress(AlreadyExists), unique_or_raise({LEVEL_NAME_TAKEN: _exists_already}):
            AwardLevel.objects.create(name=DEFAULT_LEVEL, position=1)


def _exists_already() -> AlreadyExists:
    return AlreadyExists("a default row")


@transaction.atomic
def update_settings(
    *,
    acting_user,
    validity_years: int | None = None,
    requires_pair: bool | None = None,
    requires_lived_experience: bool | None = None,
    max_upload_mb: int | None = None,
    assessor_capacity: int | None = None,
) -> AccreditationSettings:
    """Change how the council runs Charter Status; what is not given (None) stays as it is.

    Side effect: an audit event with the old and new values of what changed.
    """
    _require_officer(acting_user)
    given = {
        "validity_years": validity_years,
        "requires_pair": requires_pair,
        "requires_lived_experience": requires_lived_experience,
        "max_upload_mb": max_upload_mb,
        "assessor_capacity": assessor_capacity,
    }
    values = {name: value for name, value in given.items() if value is not None}
    current = settings_for_tenant()
    old = {name: getattr(current, name) for name in values}
    for name, value in values.items():
        setattr(current, name, value)
    # Saving the unsaved defaults inserts the tenant's one row: a second officer saving the
    # first settings at the same moment is told, rather than making a second row.
    with unique_or_raise(
        {ONE_SETTINGS_ROW: AccreditationError(_("Someone else saved the settings just now."))}
    ):
        current.save()
    record_event(
        AccreditationEvent.SETTINGS_UPDATED, current, actor=acting_user, old=old, new=values
    )
    return current


def _save_criterion(criterion: Criterion, *, acting_user, levels, created: bool) -> Criterion:
    criterion.full_clean(exclude=["version", "principle"])
    criterion.save()
    criterion.levels.set(levels)
    record_event(
        AccreditationEvent.CRITERION_ADDED if created else AccreditationEvent.CRITERION_UPDATED,
        criterion,
        actor=acting_user,
        new={"title": criterion.title, "principle": criterion.principle_id},
    )
    return criterion


@transaction.atomic
def add_criterion(
    *,
    acting_user,
    principle: Principle,
    title: str,
    guidance: str,
    position: int = 1,
    good_evidence: str = "",
    easy_read_guidance: str = "",
    required: bool = True,
    levels: Iterable[AwardLevel] = (),
    **welsh: str,
) -> Criterion:
    """Add a criterion to a principle of the current charter version. ``welsh`` holds the
    optional Welsh text (``title_cy``, ``guidance_cy``, ...). Side effect: audit event."""
    _require_officer(acting_user)
    version = current_version()
    if version is None or principle.version_id != version.pk:
        raise AccreditationError(
            _("Criteria belong to a principle of the current charter version.")
        )
    criterion = Criterion(
        version=version,
        principle=principle,
        title=title,
        guidance=guidance,
        position=position,
        good_evidence=good_evidence,
        easy_read_guidance=easy_read_guidance,
        required=required,
        **_welsh_fields(welsh),
    )
    return _save_criterion(criterion, acting_user=acting_user, levels=levels, created=True)


@transaction.atomic
def update_criterion(
    criterion: Criterion,
    *,
    acting_user,
    principle: Principle,
    title: str,
    guidance: str,
    good_evidence: str,
    easy_read_guidance: str,
    required: bool,
    levels: Iterable[AwardLevel],
    position: int | None = None,
    **welsh: str,
) -> Criterion:
    """Change a criterion of the current charter version: criteria of older versions are what
    earlier applications were judged against, and stay as they were. Welsh text (``title_cy``,
    ...) changes only where given. Side effect: audit event."""
    _require_officer(acting_user)
    require_permission(
        acting_user,
        "accreditation.edit_criterion",
        criterion,
        _("Only criteria of the current charter version can be changed."),
        refusal=AccreditationError,
    )
    if principle.version_id != criterion.version_id:
        raise AccreditationError(
            _("A criterion belongs to a principle of its own charter version.")
        )
    criterion.principle = principle
    criterion.title = title
    criterion.guidance = guidance
    if position is not None:
        criterion.position = position
    criterion.good_evidence = good_evidence
    criterion.easy_read_guidance = easy_read_guidance
    criterion.required = required
    for name, value in _welsh_fields(welsh).items():
        setattr(criterion, name, value)
    return _save_criterion(criterion, acting_user=acting_user, levels=levels, created=False)


CRITERION_WELSH_FIELDS = ("title_cy", "guidance_cy", "good_evidence_cy", "easy_read_guidance_cy")


def _welsh_fields(welsh: dict[str, str]) -> dict[str, str]:
    unknown = set(welsh) - set(CRITERION_WELSH_FIELDS)
    if unknown:
        raise TypeError(f"unexpected arguments: {', '.join(sorted(unknown))}")
    return welsh


@transaction.atomic
def add_level(*, acting_user, name: str, position: int = 1, description: str = "") -> AwardLevel:
    """Add an award level (e.g. Bronze, Silver, Gold). Side effect: an audit event."""
    _require_officer(acting_user)
    level = AwardLevel(name=name, position=position, description=description)
    return _save_level(level, acting_user=acting_user, created=True)


@transaction.atomic
def update_level(
    level: AwardLevel, *, acting_user, name: str, position: int, description: str
) -> AwardLevel:
    """Rename or reorder an award level. Side effects: the public pages built again (on commit),
    an audit event."""
    _require_officer(acting_user)
    level.name, level.position, level.description = name, position, description
    return _save_level(level, acting_user=acting_user, created=False)


def _save_level(level: AwardLevel, *, acting_user, created: bool) -> AwardLevel:
    name_taken = AccreditationError(
        _("There is already a level called %(level)s.") % {"level": level.name}
    )
    try:
        level.full_clean(validate_unique=False)
    except ValidationError as error:
        raise AccreditationError(error.messages) from error
    # The form checks the name is free; the constraint settles two officers adding it at once.
    if AwardLevel.objects.filter(name=level.name).exclude(pk=level.pk).exists():
        raise name_taken
    with unique_or_raise({LEVEL_NAME_TAKEN: name_taken}):
        level.save()
    # Level names are on the public pages (register, verification, badges, open data).
    after_commit(public_cache.invalidate)
    record_event(
        AccreditationEvent.LEVEL_ADDED if created else AccreditationEvent.LEVEL_UPDATED,
        level,
        actor=acting_user,
        new={"name": level.name},
    )
    return level


@transaction.atomic
def open_round(
    *,
    acting_user,
    name: str,
    opens_on: date,
    closes_on: date,
    ceremony_at: datetime | None = None,
    embargoed_until_ceremony: bool = False,
) -> Round:
    """Open an award round. Side effect: an audit event."""
    _require_officer(acting_user)
    award_round = Round(
        name=name,
        opens_on=opens_on,
        closes_on=closes_on,
        ceremony_at=ceremony_at,
        embargoed_until_ceremony=embargoed_until_ceremony,
    )
    return _save_round(award_round, acting_user=acting_user, created=True)


@transaction.atomic
def update_round(
    award_round: Round,
    *,
    acting_user,
    name: str,
    opens_on: date,
    closes_on: date,
    ceremony_at: datetime | None,
    embargoed_until_ceremony: bool,
) -> Round:
    """Change an award round's name, dates or ceremony. Side effect: an audit event."""
    _require_officer(acting_user)
    award_round.name = name
    award_round.opens_on, award_round.closes_on = opens_on, closes_on
    award_round.ceremony_at = ceremony_at
    award_round.embargoed_until_ceremony = embargoed_until_ceremony
    return _save_round(award_round, acting_user=acting_user, created=False)


def _save_round(award_round: Round, *, acting_user, created: bool) -> Round:
    try:
        award_round.full_clean()
    except ValidationError as error:
        raise AccreditationError(error.messages) from error
    award_round.save()
    record_event(
        AccreditationEvent.ROUND_OPENED if created else AccreditationEvent.ROUND_UPDATED,
        award_round,
        actor=acting_user,
        new={"name": award_round.name, "closes_on": str(award_round.closes_on)},
    )
    return award_round
