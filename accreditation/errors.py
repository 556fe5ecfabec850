"""Refusals raised by accreditation services: a leaf module, so views and helpers can catch them."""

from django.core.exceptions import ValidationError


class AccreditationError(ValidationError):
    """An action refused because of the state things are in; the message says what to do."""
