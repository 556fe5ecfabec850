"""Error messages that say what to do, for every form the public and applicants fill in.

Django's own messages ("This field is required.", "Enter a valid date.") say what went wrong but
not what to do, and read badly in a GOV.UK error summary, which lists them away from their
fields. ``GovukErrorsMixin`` replaces them, field by field, with messages in GOV.UK's style; a
form names its own "required" message for each field (``required_messages``), since only it knows
whether the person should enter, choose or confirm something. Messages a field sets itself are
kept. ``tests/test_error_messages.py`` submits every such form empty and with bad values and fails
on any message that does not tell the person what to do.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

# Messages for the checks Django makes by itself, by kind of field; %(...)s as Django fills them.
INVALID = {
    forms.DateField: _("Enter a real date, like 31/7/2027."),
    forms.EmailField: _("Enter an email address in the correct format, like name@example.com."),
    forms.URLField: _("Enter a web address in the correct format, like https://www.example.org."),
    forms.IntegerField: _("Enter a whole number, like 12."),
    forms.FileField: _("Choose a file to upload."),
}
FILE_NAME_TOO_LONG = _(
    "The file's name is too long: use %(max)d characters or fewer. Rename the file and try again."
)
COMMON = {
    "max_length": _(
        "This answer is too long: use %(limit_value)d characters or fewer. Shorten it and "
        "try again."
    ),
    "invalid_choice": _("Choose one of the options shown."),
    "invalid_pk_value": _("Choose one of the options shown."),
    "empty": _("The file is empty. Choose another file."),
    "missing": _("Choose a file to upload."),
}


class GovukErrorsMixin:
    """Put first in a form's bases. ``required_messages``: field name -> message."""

    required_messages: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        defaults = forms.Field.default_error_messages
        for name, field in self.fields.items():
            messages = field.error_messages
            for kind, text in COMMON.items():
                if kind == "max_length" and getattr(field, "max_length", None) is None:
                    continue  # no length limit, so no such message
                if kind == "max_length" and isinstance(field, forms.FileField):
                    text = FILE_NAME_TOO_LONG
                if messages.get(kind) == _default(field, kind) and (
                    kind in messages or kind == "max_length"
                ):
                    messages[kind] = text
            for field_class, text in INVALID.items():
                if isinstance(field, field_class) and messages.get("invalid") == _default(
                    field, "invalid"
                ):
                    messages["invalid"] = text
            if name in self.required_messages and messages["required"] == defaults["required"]:
                messages["required"] = self.required_messages[name]


def _default(field: forms.Field, kind: str) -> str | None:
    """Django's own message of this kind for this field (what a form has not replaced)."""
    for klass in type(field).__mro__:
        found = getattr(klass, "default_error_messages", {}).get(kind)
        if found is not None:
            return found
    return None
