"""UK-specific checks for organisation details, with messages a person can act on."""

import re

from django.core.exceptions import ValidationError

# The UK postcode format (Royal Mail), including GIR 0AA; spaces and case are normalised first.
POSTCODE = re.compile(
    r"^(GIR ?0AA|[A-PR-UWYZ]"
    r"([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY])"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})$"
)
CHARITY_NUMBER = re.compile(r"^(\d{6,8}|SC\d{6}|NIC\d{6})$")


def normalise_postcode(value: str) -> str:
    compact = re.sub(r"\s+", "", (value or "").upper())
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def validate_postcode(value: str) -> None:
    if not POSTCODE.match(normalise_postcode(value)):
        raise ValidationError("Enter a real UK postcode, like WV1 1RE.")


def validate_charity_number(value: str) -> None:
    if value and not CHARITY_NUMBER.match(value.upper().replace(" ", "")):
        raise ValidationError(
            "Enter a charity number: 6 to 8 digits (England and Wales), or SC or NIC followed "
            "by 6 digits (Scotland, Northern Ireland)."
        )


def name_key(name: str) -> str:
    """Lower-case letters and digits only, without a leading "the": for duplicate checks."""
    key = re.sub(r"[^a-z0-9 ]", "", (name or "").lower().replace("&", " and "))
    key = re.sub(r"\s+", " ", key).strip()
    return key[4:] if key.startswith("the ") else key
