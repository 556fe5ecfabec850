"""Refusals raised by export services: a leaf module, so views can catch them."""

from django.core.exceptions import ValidationError


class ExportError(ValidationError):
    """An export refused for now; the message says why and when to try again."""
