"""Simple pictures for the demo council's easy-read principles, drawn with Pillow.

Easy read pairs each short sentence with a picture. These are plain pictograms (people, arrows,
a clock) in strong colours on white, drawn when the demo is seeded rather than shipped as binary
files, each with the description a screen reader reads out. Pillow comes with ReportLab.
"""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

WIDTH, HEIGHT = 400, 300
INK = (11, 12, 12)
BLUE = (29, 112, 184)
GREEN = (0, 112, 60)
ORANGE = (244, 119, 56)
PURPLE = (76, 44, 146)
LINE = 8


def _person(draw: ImageDraw.ImageDraw, x: int, y: int, size: float, colour) -> None:
    """A person standing with their feet at (x, y); ``size`` 1 is 150 pixels tall."""
    head = 22 * size
    draw.ellipse((x - head, y - 150 * size, x + head, y - 150 * size + 2 * head), fill=colour)
    body_top = y - 150 * size + 2 * head + 6 * size
    draw.rounded_rectangle(
        (x - 26 * size, body_top, x + 26 * size, y - 50 * size), radius=12 * size, fill=colour
    )
    width = max(3, round(LINE * size))
    draw.line((x - 12 * size, y - 52 * size, x - 14 * size, y), fill=colour, width=width)
    draw.line((x + 12 * size, y - 52 * size, x + 14 * size, y), fill=colour, width=width)


def _arrow(draw: ImageDraw.ImageDraw, start: tuple, end: tuple, colour=INK) -> None:
    draw.line((*start, *end), fill=colour, width=LINE)
    x, y = end
    direction = 1 if end[0] >= start[0] else -1
    draw.polygon(
        [(x + 14 * direction, y), (x - 6 * direction, y - 14), (x - 6 * direction, y + 14)],
        fill=colour,
    )


def _equal_partners(draw):
    _person(draw, 140, 250, 1.1, BLUE)
    _person(draw, 260, 250, 1.1, GREEN)
    draw.line((166, 150, 234, 150), fill=INK, width=LINE)  # holding hands
    draw.line((60, 262, 340, 262), fill=INK, width=4)  # standing on the same level


def _start_to_end(draw):
    for x, colour in ((70, BLUE), (200, ORANGE), (330, GREEN)):
        draw.ellipse((x - 45, 105, x + 45, 195), outline=colour, width=LINE)
        _person(draw, x, 182, 0.42, colour)
    _arrow(draw, (118, 150), (140, 150))
    _arrow(draw, (248, 150), (270, 150))


def _nothing_without_us(draw):
    draw.rounded_rectangle((110, 170, 290, 200), radius=8, fill=INK)  # the table
    for x, colour in ((80, BLUE), (160, GREEN), (240, ORANGE), (320, PURPLE)):
        _person(draw, x, 285, 0.8, colour)


def _accessible(draw):
    draw.rectangle((60, 40, 200, 260), outline=INK, width=LINE)  # a page
    for row, width in enumerate((100, 80, 100, 60)):
        draw.line((80, 80 + row * 45, 80 + width, 80 + row * 45), fill=BLUE, width=14)
    draw.rectangle((245, 60, 345, 262), outline=INK, width=LINE)  # an open door
    _person(draw, 295, 255, 1.0, GREEN)


def _valued_time(draw):
    draw.ellipse((50, 60, 230, 240), outline=INK, width=LINE)  # a clock
    draw.line((140, 150, 140, 90), fill=INK, width=LINE)
    draw.line((140, 150, 190, 150), fill=INK, width=LINE)
    for x in (280, 300, 320):
        draw.ellipse(
            (x - 40, 150 - (x - 280), x + 40, 200 - (x - 280)), fill=ORANGE, outline=INK, width=4
        )


def _you_said_we_did(draw):
    draw.rounded_rectangle((30, 50, 180, 140), radius=20, fill=BLUE)  # "you said"
    draw.polygon([(60, 140), (90, 140), (55, 175)], fill=BLUE)
    draw.rounded_rectangle((220, 150, 370, 240), radius=20, fill=GREEN)  # "we did"
    draw.polygon([(340, 240), (310, 240), (345, 275)], fill=GREEN)
    _arrow(draw, (180, 120), (205, 170))


def _families(draw):
    _person(draw, 110, 270, 1.2, BLUE)
    _person(draw, 210, 270, 0.75, ORANGE)
    _person(draw, 300, 270, 0.95, GREEN)
    draw.line((125, 170, 195, 185), fill=INK, width=6)
    draw.line((225, 185, 280, 175), fill=INK, width=6)


# By principle title (the default charter's), the drawing and its description.
PICTURES = {
    "Equal partnership": (
        _equal_partners,
        "Two people of the same size standing side by side, holding hands.",
    ),
    "Involved from the beginning to the end": (
        _start_to_end,
        "Three circles joined by arrows, with a person in each: at the start, in the middle "
        "and at the end.",
    ),
    "Nothing about us without us": (
        _nothing_without_us,
        "Four people together at one table.",
    ),
    "Accessible information and meetings": (
        _accessible,
        "A page with a few big lines of writing, and a person at an open door.",
    ),
    "Valuing people's time and expertise": (
        _valued_time,
        "A clock and a pile of coins: your time is paid for.",
    ),
    "You said, we did": (
        _you_said_we_did,
        "Two speech bubbles with an arrow from the first to the second: what you said, then "
        "what we did.",
    ),
    "Children, young people and families at the heart": (
        _families,
        "A family together: a grown-up, a child and a young person.",
    ),
}


def picture_for(title: str) -> tuple[ContentFile, str] | None:
    """A PNG picture and its description for the principle with this title, or None."""
    if title not in PICTURES:
        return None
    draw_picture, description = PICTURES[title]
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw_picture(ImageDraw.Draw(image))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return ContentFile(buffer.getvalue(), name="picture.png"), description
