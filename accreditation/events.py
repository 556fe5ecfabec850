"""Payloads of the domain events accreditation emits (platform_.domain_events; README "Outgoing
webhooks"). Public facts and ids only: no applicant's, assessor's or officer's name, no reasons
written about an organisation (a revocation's reason is the organisation's to share)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from accreditation.models import Application, Award
from charters.events import organisation_data
from platform_.domain_events import DomainEvent, emit
from platform_.site_urls import site_url


def _award_data(award: Award) -> dict[str, Any]:
    return {
        "id": award.pk,
        "certificate_number": award.certificate_number,
        "level": award.level.name,
        "awarded_at": award.awarded_at.isoformat(),
        "released_at": award.released_at.isoformat() if award.released_at else None,
        "expires_on": award.expires_on.isoformat(),
        "application_id": award.application_id,
        "verification_url": site_url(
            reverse("accreditation:verify", args=[award.verification_code])
        ),
    }


def emit_application_submitted(application: Application) -> None:
    emit(
        DomainEvent.APPLICATION_SUBMITTED,
        {
            "organisation": organisation_data(application.organisation),
            "application": {
                "id": application.pk,
                "round": application.round.name,
                "level_sought": application.level_sought.name if application.level_sought else None,
                "submitted_at": application.submitted_at.isoformat()
                if application.submitted_at
                else None,
            },
        },
    )


def emit_award_granted(award: Award) -> None:
    """Only once the award is public: an award kept for its ceremony is announced at release."""
    emit(
        DomainEvent.AWARD_GRANTED,
        {"organisation": organisation_data(award.organisation), "award": _award_data(award)},
    )


def emit_award_revoked(award: Award) -> None:
    emit(
        DomainEvent.AWARD_REVOKED,
        {
            "organisation": organisation_data(award.organisation),
            "award": {**_award_data(award), "revoked_at": award.revoked_at.isoformat()},
        },
    )


def emit_award_expired(award: Award) -> None:
    emit(
        DomainEvent.AWARD_EXPIRED,
        {"organisation": organisation_data(award.organisation), "award": _award_data(award)},
    )
