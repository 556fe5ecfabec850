"""Reads for the council dashboard: one function per figure, each a fixed number of queries
(one, mostly) however many organisations, applications or assessors the council has, because
PostgreSQL does the counting (GROUP BY, ``FILTER``, ``percentile_cont``).

Every read runs in the connection's schema, which the tenant middleware has set to the council
asking: nothing here names a tenant, and nothing may read across schemas.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Aggregate,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, TruncMonth
from django.utils import timezone

from accreditation.enums import (
    STATE_EVENTS,
    ApplicationStatus,
    DecisionOutcome,
    LadderRung,
)
from accreditation.models import Application, Award, AwardLevel, Decision, SelfAssessment
from accreditation.selectors import held_awards, open_assignments
from accreditation.services.setup import settings_for_tenant
from charters.enums import OrganisationKind, SignatureAction
from charters.models import Organisation, Signature
from charters.selectors import current_version
from platform_.accounts.models import User
from platform_.audit.models import AuditEvent


@dataclass(frozen=True)
class Figure:
    """One counted thing: ``key`` for code and CSVs, ``label`` for people."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class KindFigure:
    key: str
    label: str
    registered: int
    signed: int


@dataclass(frozen=True)
class MonthFigure:
    month: date  # the first day of the month
    count: int


@dataclass(frozen=True)
class Median:
    days: float | None  # None until a decision has been made
    decisions: int


@dataclass(frozen=True)
class AssessorLoad:
    name: str
    lived_experience: bool
    open: int
    completed: int
    capacity: int

    @property
    def at_capacity(self) -> bool:
        return self.open >= self.capacity


@dataclass(frozen=True)
class PrincipleLadder:
    """How many organisations place themselves on each rung for one principle."""

    principle: str
    rungs: list[Figure]  # every rung, lowest first, zeros included

    @property
    def organisations(self) -> int:
        return sum(rung.count for rung in self.rungs)


# --- Organisations and signatures -------------------------------------------------------------


def organisations_by_kind() -> list[KindFigure]:
    """Registered and signed organisations of each kind present, in the kinds' own order.

    Signed means the organisation's latest record is a signature (not a withdrawal), whichever
    version it signed.
    """
    rows = {
        row["kind"]: row
        for row in Organisation.objects.order_by()
        .values("kind")
        .annotate(
            registered=Count("pk"),
            signed=Count("pk", filter=Q(current_signature__action=SignatureAction.SIGNED)),
        )
    }
    return [
        KindFigure(kind.value, str(kind.label), rows[kind]["registered"], rows[kind]["signed"])
        for kind in OrganisationKind
        if kind in rows
    ]


def _month_starting(first: date, months_back: int) -> date:
    index = first.year * 12 + first.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def signatures_per_month(today: date, *, months: int = 12) -> list[MonthFigure]:
    """Signatures recorded in each of the last ``months`` months (this one included, so far),
    oldest first; months without any are there with 0. Months are the council's (Europe/London),
    so a signature at 00:30 BST on 1 July counts in July. Re-signing a new version counts again:
    it is a signature the organisation made that month."""
    first = _month_starting(today.replace(day=1), months - 1)
    since = timezone.make_aware(datetime.combine(first, time.min))
    counted = dict(
        Signature.objects.filter(action=SignatureAction.SIGNED, recorded_at__gte=since)
        .annotate(month=TruncMonth("recorded_at", output_field=DateField()))
        .order_by()
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    return [
        MonthFigure(month, counted.get(month, 0))
        for month in (_month_starting(first, -n) for n in range(months))
    ]


# --- Applications -----------------------------------------------------------------------------


def applications_by_state() -> list[Figure]:
    """How many applications are in each state now, every state listed."""
    counted = dict(
        Application.objects.order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return [Figure(s.value, str(s.label), counted.get(s.value, 0)) for s in ApplicationStatus]


# The funnel's stages, in order, with the label a board reads. An application has reached a
# stage if its state now lies at or past it on the way to an award, or if its history (the audit
# event each state's arrival writes) shows it got there before being withdrawn, sent back for
# more information or not awarded.
FUNNEL = [
    (ApplicationStatus.DRAFT, "Started"),
    (ApplicationStatus.SUBMITTED, "Submitted"),
    (ApplicationStatus.IN_ASSESSMENT, "Assessment started"),
    (ApplicationStatus.ASSESSED, "Assessed"),
    (ApplicationStatus.AWARDED, "Awarded"),
]
# How far along the funnel each state proves an application got, from its state alone.
_STAGE_OF_STATE = {
    ApplicationStatus.DRAFT: 0,
    ApplicationStatus.WITHDRAWN: 0,
    ApplicationStatus.SUBMITTED: 1,
    ApplicationStatus.IN_ASSESSMENT: 2,
    ApplicationStatus.MORE_INFO_REQUESTED: 2,
    ApplicationStatus.ASSESSED: 3,
    ApplicationStatus.NOT_AWARDED: 3,
    ApplicationStatus.AWARDED: 4,
}


def _reached(stage: int, state: str) -> Q:
    """Applications that reached ``stage`` (an index into FUNNEL) in state ``state``."""
    at_or_past = [s for s, reached in _STAGE_OF_STATE.items() if reached >= stage]
    history = AuditEvent.objects.filter(
        key=STATE_EVENTS[state],
        object_type=Application._meta.label_lower,
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
    )
    reached = Q(status__in=at_or_past) | Exists(history)
    if state == ApplicationStatus.SUBMITTED:
        reached |= Q(submitted_at__isnull=False)  # set at the first submission, never cleared
    return reached


def application_funnel() -> list[Figure]:
    """How many applications reached each stage from start to award, in one query."""
    counts = Application.objects.aggregate(
        **{
            state: Count("pk", filter=_reached(stage, state)) if stage else Count("pk")
            for stage, (state, _label) in enumerate(FUNNEL)
        }
    )
    return [Figure(state.value, label, counts[state]) for state, label in FUNNEL]


class Percentile(Aggregate):
    """PostgreSQL's ``percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)``."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, *, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


class EpochDays(Func):
    """An interval in days, fractions included (``EXTRACT(EPOCH ...)`` is in seconds)."""

    template = "(EXTRACT(EPOCH FROM %(expressions)s) / 86400.0)"
    output_field = FloatField()


def median_days_to_decision() -> Median:
    """The median time from an application's (first) submission to the council's decision to
    award or not, over every decision made; asking for more information is not a decision."""
    result = Decision.objects.filter(
        outcome__in=[DecisionOutcome.AWARD, DecisionOutcome.NOT_YET],
        application__submitted_at__isnull=False,
    ).aggregate(
        days=Percentile(EpochDays(F("decided_at") - F("application__submitted_at")), fraction=0.5),
        decisions=Count("pk"),
    )
    return Median(result["days"], result["decisions"])


# --- Awards -----------------------------------------------------------------------------------


def awards_by_level(today: date) -> list[Figure]:
    """Awards held today (public, not revoked, replaced or expired) at each level."""
    held = (
        held_awards(today)
        .filter(level=OuterRef("pk"))
        .order_by()
        .values("level")
        .annotate(n=Count("pk"))
        .values("n")
    )
    levels = AwardLevel.objects.order_by("position", "pk").annotate(
        held=Coalesce(Subquery(held, output_field=IntegerField()), Value(0))
    )
    return [Figure(str(level.pk), level.name, level.held) for level in levels]


def awards_expiring(today: date, *, within_days: int = Award.EXPIRING_WITHIN_DAYS) -> list[Award]:
    """Awards held today that end within ``within_days`` (90: when Charter Status shows as
    expiring and the first reminder goes), soonest first, with their organisation and level."""
    return list(
        held_awards(today)
        .filter(expires_on__lte=today + timedelta(days=within_days))
        .select_related("organisation", "level")
        .order_by("expires_on", "organisation__name", "pk")
    )


# --- Assessors --------------------------------------------------------------------------------


def assessor_load() -> list[AssessorLoad]:
    """Every active assessor with the assessments they hold open (as assign_assessor counts them
    against the council's capacity) and those they have finished, busiest first."""
    capacity = settings_for_tenant().assessor_capacity
    open_count = (
        open_assignments()
        .filter(assessor=OuterRef("pk"))
        .order_by()
        .values("assessor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    assessors = (
        User.objects.filter(is_assessor=True, is_active=True)
        .annotate(
            open_count=Coalesce(Subquery(open_count, output_field=IntegerField()), Value(0)),
            completed_count=Count("assignments", filter=Q(assignments__completed_at__isnull=False)),
        )
        .order_by("-open_count", "full_name", "email")
    )
    return [
        AssessorLoad(
            name=user.full_name or user.email,
            lived_experience=user.has_lived_experience,
            open=user.open_count,
            completed=user.completed_count,
            capacity=capacity,
        )
        for user in assessors
    ]


# --- The Ladder of Co-production --------------------------------------------------------------


def ladder() -> list[PrincipleLadder]:
    """Per principle, how many organisations place themselves on each rung of the ladder.

    Each organisation counts once per principle, from its latest submitted application (a draft's
    self-assessment is still being written). Principles are matched by title, so self-assessments
    made against an earlier charter version count with the current one's principle of the same
    name; the current version's principles come first, in order, with zeros; titles only earlier
    versions used follow.
    """
    version = current_version()
    latest = (
        Application.objects.filter(submitted_at__isnull=False)
        .order_by("organisation_id", "-submitted_at", "-pk")
        .distinct("organisation_id")
        .values("pk")
    )
    rows = (
        SelfAssessment.objects.filter(application__in=latest)
        .order_by()
        .values("principle__title", "rung")
        .annotate(
            organisations=Count("application__organisation", distinct=True),
            position=Min("principle__position"),
        )
    )
    counts: dict[str, dict[str, int]] = {}
    positions: dict[str, int] = {}
    for row in rows:
        title = row["principle__title"]
        counts.setdefault(title, {})[row["rung"]] = row["organisations"]
        positions[title] = min(positions.get(title, row["position"]), row["position"])
    current = [p.title for p in version.principles.all()] if version else []
    earlier = sorted(set(counts) - set(current), key=lambda t: (positions[t], t))
    return [
        PrincipleLadder(
            principle=title,
            rungs=[
                Figure(rung.value, str(rung.label), counts.get(title, {}).get(rung.value, 0))
                for rung in LadderRung
            ],
        )
        for title in [*current, *earlier]
    ]
