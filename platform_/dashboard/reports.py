"""The dashboard put together: its figures at a glance, its charts, and the table behind each
CSV download. The page and the CSVs are built by the same functions, so they always agree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from accreditation.enums import ApplicationStatus
from accreditation.models import Award
from platform_.dashboard import selectors
from platform_.dashboard.charts import (
    Chart,
    Table,
    funnel_chart,
    ladder_chart,
    signatures_chart,
)


@dataclass(frozen=True)
class Glance:
    """The figures an officer reads first."""

    today: date
    kinds: list[selectors.KindFigure]
    states: list[selectors.Figure]
    levels: list[selectors.Figure]
    expiring: list[Award]
    median: selectors.Median
    assessors: list[selectors.AssessorLoad]

    @property
    def registered(self) -> int:
        return sum(kind.registered for kind in self.kinds)

    @property
    def signed(self) -> int:
        return sum(kind.signed for kind in self.kinds)

    @property
    def open_applications(self) -> int:
        return sum(s.count for s in self.states if s.key in ApplicationStatus.open())

    @property
    def awards_held(self) -> int:
        return sum(level.count for level in self.levels)

    @property
    def open_assessments(self) -> int:
        return sum(a.open for a in self.assessors)

    @property
    def median_days(self) -> str:
        """The median in days to one decimal place ("12.5"), or "" before any decision."""
        if self.median.days is None:
            return ""
        return f"{self.median.days:.1f}".removesuffix(".0")


def glance(today: date) -> Glance:
    return Glance(
        today=today,
        kinds=selectors.organisations_by_kind(),
        states=selectors.applications_by_state(),
        levels=selectors.awards_by_level(today),
        expiring=selectors.awards_expiring(today),
        median=selectors.median_days_to_decision(),
        assessors=selectors.assessor_load(),
    )


def glance_table(figures: Glance) -> Table:
    """Every figure at a glance as (figure, item, value) rows: one CSV a spreadsheet can pivot."""
    rows = [
        ["Organisations registered", "All kinds", figures.registered],
        ["Organisations signed", "All kinds", figures.signed],
        *(["Organisations registered", k.label, k.registered] for k in figures.kinds),
        *(["Organisations signed", k.label, k.signed] for k in figures.kinds),
        *(["Applications", s.label, s.count] for s in figures.states),
        ["Awards held", "All levels", figures.awards_held],
        *(["Awards held", level.label, level.count] for level in figures.levels),
        [
            f"Awards expiring within {Award.EXPIRING_WITHIN_DAYS} days",
            "All levels",
            len(figures.expiring),
        ],
        [
            "Median days from submission to decision",
            f"{figures.median.decisions} decisions",
            figures.median_days,
        ],
        *(["Open assessments", a.name, a.open] for a in figures.assessors),
        *(["Assessments completed", a.name, a.completed] for a in figures.assessors),
    ]
    return Table(
        caption=f"The council's figures on {figures.today.isoformat()}",
        header=["Figure", "Item", "Value"],
        rows=rows,
        numeric_from=2,
    )


def charts(today: date) -> list[Chart]:
    return [
        signatures_chart(selectors.signatures_per_month(today)),
        funnel_chart(selectors.application_funnel()),
        ladder_chart(selectors.ladder()),
    ]


# /manage/dashboard/<name>.csv: each builds only what its table needs.
CSV_TABLES: dict[str, Callable[[date], Table]] = {
    "at-a-glance": lambda today: glance_table(glance(today)),
    "signatures-per-month": lambda today: (
        signatures_chart(selectors.signatures_per_month(today)).table
    ),
    "application-funnel": lambda today: funnel_chart(selectors.application_funnel()).table,
    "ladder": lambda today: ladder_chart(selectors.ladder()).table,
}
