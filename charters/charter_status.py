"""Extension point: who holds Charter Status, for the register, its open data and the badge.

charters sits below accreditation and imports none of it (import-linter), yet the public pages
here show Charter Status. accreditation registers the one provider at start-up
(``accreditation/receivers.py``); without one, nobody holds Charter Status.

A provider adds three annotations to a queryset of organisations, each ``None`` unless the
organisation holds Charter Status on ``today`` (released, not revoked, not replaced, not
expired; the highest level if it holds more than one):

``charter_status_level`` (the level's name), ``charter_status_level_id``,
``charter_status_expires_on`` (a date), ``charter_status_expiring`` (ends within 90 days).

Annotations, not a prefetch: the register can filter on them, and list pages keep their query
count.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from django.db.models import QuerySet
from django.utils import timezone

from charters.models import Organisation


class CharterStatusProvider(Protocol):
    def annotate(
        self, organisations: QuerySet[Organisation], *, today: date
    ) -> QuerySet[Organisation]: ...

    def level_choices(self) -> list[tuple[str, str]]: ...


_provider: CharterStatusProvider | None = None


def register_provider(provider: CharterStatusProvider) -> None:
    global _provider  # the one provider, set once at start-up
    _provider = provider


def with_charter_status(
    organisations: QuerySet[Organisation], *, today: date | None = None
) -> QuerySet[Organisation]:
    if _provider is None:
        return organisations
    return _provider.annotate(organisations, today=today or timezone.localdate())


def holders_only(
    organisations: QuerySet[Organisation], *, level: str = ""
) -> QuerySet[Organisation]:
    """Of organisations annotated by ``with_charter_status``, those holding it (at ``level``)."""
    if _provider is None:
        return organisations.none()
    held = organisations.filter(charter_status_expires_on__isnull=False)
    return held.filter(charter_status_level_id=level) if level else held


def level_choices() -> list[tuple[str, str]]:
    """(id, name) of the council's award levels, for the register's filter."""
    return _provider.level_choices() if _provider is not None else []
