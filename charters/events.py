"""Payloads of the domain events charters emits (platform_.domain_events; README "Outgoing
webhooks"). Public facts and ids only: no signatory's name or anyone's email address."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from charters.enums import SignatureAction
from charters.models import Organisation, Signature
from platform_.domain_events import DomainEvent, emit
from platform_.site_urls import site_url


def organisation_data(organisation: Organisation) -> dict[str, Any]:
    """The organisation as every event shows it. ``listed`` says whether it agreed to appear on
    the public register: an integrator must not publish one that did not."""
    current = organisation.current_signature
    listed = bool(
        current is not None
        and current.action == SignatureAction.SIGNED
        and current.consent_to_publish
    )
    return {
        "id": organisation.pk,
        "name": organisation.name,
        "slug": organisation.slug,
        "kind": organisation.kind,
        "listed": listed,
        "register_url": site_url(reverse("charters:register.entry", args=[organisation.slug]))
        if listed
        else None,
    }


def emit_organisation_signed(signature: Signature) -> None:
    emit(
        DomainEvent.ORGANISATION_SIGNED,
        {
            "organisation": organisation_data(signature.organisation),
            "signature": {
                "id": signature.pk,
                "charter_version": signature.version.number,
                "signed_at": signature.recorded_at.isoformat(),
            },
        },
    )
