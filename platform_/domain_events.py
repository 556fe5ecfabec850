"""Things that happened in a council that other systems may want to hear about (webhooks).

A kernel leaf: the services that cause these events (charters, accreditation) sit below the
webhooks app in the import layers and cannot import it, so they call ``emit`` here and the
webhooks app answers the signal. ``emit`` runs its receivers synchronously, inside the caller's
transaction: a delivery row is written with the change or not at all (DESIGN section 7), and
nothing is sent for a change that rolls back.

Payloads are part of the public contract (README, "Outgoing webhooks"): stable keys, ids and
public facts only (organisation name and slug, level, certificate number, the verification
link), never a person's name or email address.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.dispatch import Signal


class DomainEvent(models.TextChoices):
    """Event types, as integrators see them in the ``type`` field and ``CoCharter-Event``."""

    ORGANISATION_SIGNED = "organisation.signed", "An organisation signed the charter"
    APPLICATION_SUBMITTED = "application.submitted", "An application was submitted"
    AWARD_GRANTED = "award.granted", "Charter Status was granted (made public)"
    AWARD_REVOKED = "award.revoked", "Charter Status was revoked"
    AWARD_EXPIRED = "award.expired", "Charter Status expired"


# Sent with ``event_type`` (a DomainEvent) and ``payload`` (a JSON-serialisable dict).
domain_event = Signal()


def emit(event_type: DomainEvent, payload: dict[str, Any]) -> None:
    """Announce ``event_type`` with ``payload``. Call inside the transaction of the change."""
    if not isinstance(event_type, DomainEvent):
        raise TypeError(f"Event types are DomainEvent members, not {event_type!r}")
    domain_event.send(sender=DomainEvent, event_type=event_type, payload=payload)
