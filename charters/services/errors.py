"""Refusals raised by charter services: a leaf module, so views and other apps can catch them."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError


class CharterError(ValidationError):
    """An action refused because of the state things are in; the message says what to do."""


@dataclass
class DuplicateOrganisation(Exception):
    """Organisations with the same name exist; the person may ask to join one of them.

    ``matches`` holds only those the person may see; ``unlisted`` counts the others, whose
    details must not be shown to them.
    """

    matches: list
    unlisted: int = 0
