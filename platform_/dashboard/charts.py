"""Charts a council puts in a board report, drawn on the server as SVG.

No JavaScript and no chart library: each chart is a list of bars whose positions are worked out
here and drawn by ``templates/dashboard/_bar_chart.html`` with SVG attributes and classes (the
Content-Security-Policy forbids inline styles). Every chart comes with a sentence that says what
it shows and with its data as a table (the same rows as its CSV), so nobody needs to see it:
screen readers read the summary and the table, and bars are told apart by their labels and
places, never by colour alone. SVG fills print, unlike CSS backgrounds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.formats import date_format

from platform_.dashboard.selectors import Figure, MonthFigure, PrincipleLadder

# The drawing's own units (the viewBox); the SVG scales to the width of its column.
WIDTH = 640
VALUE_ROOM = 48  # right of a horizontal bar, for its number


@dataclass(frozen=True)
class Table:
    """A chart's or a figure's data: the page shows it as a GOV.UK table, the CSV is the same."""

    caption: str
    header: list[str]
    rows: list[list]
    numeric_from: int = 1  # columns from this one on are numbers (right-aligned)


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    # Where the bar's label and its number are written.
    label_x: float
    label_y: float
    value_x: float
    value_y: float
    sublabel: str = ""  # a second line under a column's label (the year)
    sublabel_y: float = 0
    css_class: str = ""


@dataclass(frozen=True)
class Chart:
    id: str  # for aria-labelledby and the table's anchor
    title: str
    summary: str
    bars: list[Bar]
    height: float
    horizontal: bool
    table: Table
    csv_name: str
    label_width: float = 0  # horizontal bars start here
    baseline: float = 0  # columns stand on this line
    note: str = ""  # how the figures are counted
    extra: list = field(default_factory=list)  # sub-charts (the ladder's principles)
    width: int = WIDTH


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun if count == 1 else noun + 's'}"


def _horizontal_bars(
    figures: Sequence[Figure],
    *,
    scale_max: int,
    width: float = WIDTH,
    label_width: float = 180,
    row: float = 30,
    css_class: Callable[[int], str] = lambda index: "",
) -> tuple[list[Bar], float]:
    """Bars left to right from a label column, one row each; their height in units."""
    room = width - label_width - VALUE_ROOM
    bars = []
    for index, figure in enumerate(figures):
        top = index * row + 4
        length = room * figure.count / scale_max if scale_max else 0
        bars.append(
            Bar(
                label=figure.label,
                value=figure.count,
                x=label_width,
                y=top,
                width=round(length, 1),
                height=row - 10,
                label_x=label_width - 8,
                label_y=top + (row - 10) / 2,
                value_x=round(label_width + length + 6, 1),
                value_y=top + (row - 10) / 2,
                css_class=css_class(index),
            )
        )
    return bars, len(figures) * row + 4


# --- Signatures per month ---------------------------------------------------------------------


def _month(figure: MonthFigure) -> str:
    return date_format(figure.month, "F")


def signatures_summary(months: Sequence[MonthFigure]) -> str:
    total = sum(m.count for m in months)
    if not total:
        return f"No organisation signed the charter in the last {len(months)} months."
    best = max(months, key=lambda m: (m.count, m.month))
    text = (
        f"{_plural(total, 'signature')} in the last {len(months)} months, the most in "
        f"{date_format(best.month, 'F Y')} ({best.count})."
    )
    if len(months) >= 3:
        before, last, now = months[-3], months[-2], months[-1]
        if last.count > before.count:
            text += f" Signatures rose from {before.count} in {_month(before)}"
            text += f" to {last.count} in {_month(last)}."
        elif last.count < before.count:
            text += f" Signatures fell from {before.count} in {_month(before)}"
            text += f" to {last.count} in {_month(last)}."
        else:
            text += f" Signatures held at {last.count} in {_month(before)} and {_month(last)}."
        text += f" {_month(now)} so far: {now.count}."
    return text


def signatures_chart(months: Sequence[MonthFigure]) -> Chart:
    """Columns, one a month, oldest on the left; a month's name under it, the year under
    January and under the first month."""
    top, bottom, height = 24, 44, 240
    plot = height - top - bottom
    slot = WIDTH / max(len(months), 1)
    highest = max((m.count for m in months), default=0)
    bars = []
    for index, figure in enumerate(months):
        tall = plot * figure.count / highest if highest else 0
        x = index * slot + slot * 0.15
        bars.append(
            Bar(
                label=date_format(figure.month, "M"),
                sublabel=str(figure.month.year) if index == 0 or figure.month.month == 1 else "",
                value=figure.count,
                x=round(x, 1),
                y=round(top + plot - tall, 1),
                width=round(slot * 0.7, 1),
                height=round(tall, 1),
                label_x=round(index * slot + slot / 2, 1),
                label_y=top + plot + 18,
                sublabel_y=top + plot + 36,
                value_x=round(index * slot + slot / 2, 1),
                value_y=round(top + plot - tall - 6, 1),
            )
        )
    table = Table(
        caption="Signatures per month",
        header=["Month", "Signatures"],
        rows=[[date_format(m.month, "F Y"), m.count] for m in months],
    )
    return Chart(
        id="signatures",
        title="Signatures per month",
        summary=signatures_summary(months),
        bars=bars,
        height=height,
        horizontal=False,
        table=table,
        csv_name="signatures-per-month",
        baseline=top + plot,
        note="Each signature the charter received, re-signing a new version included.",
    )


# --- The application funnel -------------------------------------------------------------------


def funnel_summary(stages: Sequence[Figure]) -> str:
    started = stages[0].count
    if not started:
        return "No application for Charter Status has been started yet."
    counts = [s.count for s in stages]
    return (
        f"Of {_plural(started, 'application')} started, {counts[1]} "
        f"{'was' if counts[1] == 1 else 'were'} submitted, {counts[2]} reached assessment, "
        f"{counts[3]} {'was' if counts[3] == 1 else 'were'} assessed and {counts[4]} awarded."
    )


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else ""


def funnel_chart(stages: Sequence[Figure]) -> Chart:
    started = stages[0].count if stages else 0
    bars, height = _horizontal_bars(stages, scale_max=started)
    table = Table(
        caption="Applications reaching each stage",
        header=["Stage", "Applications", "Share of those started"],
        rows=[[s.label, s.count, _percent(s.count, started)] for s in stages],
    )
    return Chart(
        id="funnel",
        title="From application to award",
        summary=funnel_summary(stages),
        bars=bars,
        height=height,
        horizontal=True,
        table=table,
        csv_name="application-funnel",
        label_width=180,
        note=(
            "An application counts at every stage it reached, even if it was later withdrawn, "
            "sent back for more information or not awarded: from its state now and its history."
        ),
    )


# --- The Ladder of Co-production --------------------------------------------------------------

# The two top rungs: where the council wants organisations to be.
TOP_RUNGS = 2
# A principle's chart sits in a column about a third of the page wide: drawn narrower, so that
# its words keep the size of the other charts' words.
LADDER_WIDTH = 340
LADDER_LABELS = 110


def principle_summary(ladder: PrincipleLadder) -> str:
    total = ladder.organisations
    if not total:
        return "No organisation has placed itself yet."
    most = max(r.count for r in ladder.rungs)
    modes = [r.label for r in ladder.rungs if r.count == most]
    where = " and ".join(modes) if len(modes) <= 2 else ", ".join(modes[:-1]) + f" and {modes[-1]}"
    each = " each" if len(modes) > 1 else ""
    return f"{_plural(total, 'organisation')}, most at {where} ({most}{each})."


def _top_share(ladder: PrincipleLadder) -> float:
    top = sum(r.count for r in ladder.rungs[-TOP_RUNGS:])
    return top / ladder.organisations if ladder.organisations else 0.0


def ladder_summary(ladders: Sequence[PrincipleLadder]) -> str:
    placed = [ladder for ladder in ladders if ladder.organisations]
    if not placed:
        return "No organisation has placed itself on the Ladder of Co-production yet."
    top = " or ".join(r.label for r in placed[0].rungs[-TOP_RUNGS:])
    highest = max(placed, key=_top_share)
    lowest = min(placed, key=_top_share)
    high, low = round(100 * _top_share(highest)), round(100 * _top_share(lowest))
    if high == low:
        return f"{high}% of the organisations placed on each principle are at {top}."
    return (
        f"The share of organisations at {top} is highest for “{highest.principle}” ({high}%) "
        f"and lowest for “{lowest.principle}” ({low}%)."
    )


def ladder_chart(ladders: Sequence[PrincipleLadder]) -> Chart:
    """One small bar chart per principle, rungs lowest first, on one scale so they compare."""
    highest = max((r.count for ladder in ladders for r in ladder.rungs), default=0)
    rung_count = len(ladders[0].rungs) if ladders else 0
    parts = []
    for index, ladder in enumerate(ladders, start=1):
        bars, height = _horizontal_bars(
            ladder.rungs,
            scale_max=highest,
            width=LADDER_WIDTH,
            label_width=LADDER_LABELS,
            row=26,
            css_class=lambda rung: f"app-chart__bar--rung-{rung + 1}",
        )
        parts.append(
            {
                "id": f"ladder-{index}",
                "principle": ladder.principle,
                "summary": principle_summary(ladder),
                "bars": bars,
                "height": height,
                "width": LADDER_WIDTH,
            }
        )
    rung_labels = [r.label for r in ladders[0].rungs] if ladders else []
    table = Table(
        caption="Organisations on each rung of the ladder, per principle",
        header=["Principle", *rung_labels, "Organisations"],
        rows=[[lad.principle, *(r.count for r in lad.rungs), lad.organisations] for lad in ladders],
    )
    return Chart(
        id="ladder",
        title="The Ladder of Co-production, per principle",
        summary=ladder_summary(ladders),
        bars=[],
        height=0,
        horizontal=True,
        table=table,
        csv_name="ladder",
        label_width=LADDER_LABELS,
        note=(
            "Where each organisation places itself on the Ladder of Co-production, from coercion "
            "(lowest) to co-production (highest), in its latest submitted application."
        ),
        extra=parts if rung_count else [],
    )
