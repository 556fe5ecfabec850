"""The languages the service speaks, and content that councils write in both.

English is the default and the fallback: a council's charter, principles and criteria carry a
Welsh twin of each text field (``title_cy`` beside ``title``), and a page in Welsh shows the
Welsh text of each field where the council wrote one, the English text where it did not.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import lazy

WELSH = "cy"


def is_welsh(language: str | None = None) -> bool:
    """Whether ``language`` (by default the active one) is Welsh."""
    return (language or translation.get_language() or "").split("-")[0] == WELSH


def supported(language: str | None) -> str:
    """``language`` if the service speaks it, otherwise the default (English)."""
    codes = {code for code, _ in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


def localized(obj: Any, field: str) -> Any:
    """``obj.field`` in the active language: its Welsh twin ``field_cy`` on a Welsh page when
    the council wrote one, else the English value (per field, so a half-translated principle
    shows its Welsh title over its English text rather than nothing)."""
    if is_welsh():
        welsh = getattr(obj, f"{field}_{WELSH}", "")
        if welsh:
            return welsh
    return getattr(obj, field)


def lazy_interpolate(message: Any, **values: Any) -> str:
    """``message % values``, worked out only when it is used, so a lazily translated message
    (``gettext_lazy``) and lazy values are put in the language active then: an email's subject is
    written in its recipient's language (platform_.outbox.services.queue_email)."""
    return _lazy_interpolate(message, values)


def _interpolate(message: Any, values: dict[str, Any]) -> str:
    return str(message) % {
        name: value if isinstance(value, int | float) else str(value)
        for name, value in values.items()
    }


_lazy_interpolate = lazy(_interpolate, str)
