"""Validation of a tenant's brand: a colour readable behind white text, and a safe logo file."""

import re

from django.core.exceptions import ValidationError

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# WCAG 2.2 AA contrast for normal text.
MINIMUM_CONTRAST_WITH_WHITE = 4.5
LOGO_MAX_BYTES = 1024 * 1024
LOGO_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg"}


def _relative_luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_with_white(hex_colour: str) -> float:
    return 1.05 / (_relative_luminance(hex_colour) + 0.05)


def validate_brand_colour(value: str) -> None:
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError("Enter a colour as # followed by 6 hexadecimal digits, like #1d70b8.")
    ratio = contrast_with_white(value)
    if ratio < MINIMUM_CONTRAST_WITH_WHITE:
        raise ValidationError(
            f"White text on {value} has a contrast ratio of {ratio:.1f}:1; choose a darker colour "
            f"(at least {MINIMUM_CONTRAST_WITH_WHITE}:1)."
        )


def validate_logo(upload) -> None:
    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError("The logo must be 1 MB or smaller.")
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in LOGO_SIGNATURES):
        raise ValidationError("The logo must be a PNG or JPEG image.")
