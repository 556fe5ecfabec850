"""Reads for accreditation pages, with their prefetches, so query counts stay flat."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)

from accreditation.enums import ApplicationStatus, AwardStatus
from accreditation.models import (
    Application,
    Assignment,
    Award,
    AwardLevel,
    Criterion,
    Decision,
    Evidence,
    Judgement,
    Round,
)


def criteria_for(application: Application) -> QuerySet[Criterion]:
    """The criteria this application must show, for the level it seeks."""
    criteria = Criterion.objects.filter(version=application.version).select_related("principle")
    if application.level_sought_id:
        criteria = criteria.filter(
            Q(levels__isnull=True) | Q(levels=application.level_sought_id)
        ).distinct()
    return criteria.order_by("principle__position", "position", "pk")


def missing_criteria(application: Application) -> list[Criterion]:
    """Required criteria with no evidence yet."""
    evidenced = set(
        Evidence.criteria.through.objects.filter(evidence__application=application).values_list(
            "criterion_id", flat=True
        )
    )
    return [c for c in criteria_for(application) if c.required and c.pk not in evidenced]


def evidence_by_criterion(evidence) -> dict[int, list[Evidence]]:
    """Criterion id -> the evidence mapped to it, from evidence with criteria prefetched."""
    grouped: dict[int, list[Evidence]] = {}
    for item in evidence:
        for criterion in item.criteria.all():
            grouped.setdefault(criterion.pk, []).append(item)
    return grouped


def progress(application: Application) -> tuple[int, int]:
    """(required criteria with evidence, required criteria)."""
    required = [c for c in criteria_for(application) if c.required]
    missing = missing_criteria(application)
    return len(required) - len(missing), len(required)


def open_rounds() -> list[Round]:
    return [r for r in Round.objects.order_by("closes_on") if r.is_open]


def levels() -> QuerySet[AwardLevel]:
    return AwardLevel.objects.order_by("position", "pk")


def applications_for_officers(status: str = "") -> QuerySet[Application]:
    applications = (
        Application.objects.select_related("organisation", "round", "level_sought")
        .annotate(assessor_count=Count("assignments", distinct=True))
        .order_by("round__closes_on", "organisation__name")
    )
    if status:
        applications = applications.filter(status=status)
    return applications


def application_list_for_officers(status: str = "") -> QuerySet[Application]:
    """The officers' list of applications (templates/accreditation/manage/applications.html):
    applications_for_officers' rows and order with only the columns the list shows (the
    organisation's and the round's names, the state, how many assessors)."""
    return (
        applications_for_officers(status)
        .select_related(None)
        .select_related("organisation", "round")
        .only("status", "organisation__name", "round__name")
    )


def applications_of(organisation) -> QuerySet[Application]:
    return organisation.applications.select_related("round", "level_sought").order_by("-created_at")


def assessor_queue(user) -> QuerySet[Assignment]:
    """The assessor's assignments, open applications first."""
    return (
        Assignment.objects.filter(assessor=user)
        .select_related("application__organisation", "application__round")
        .order_by("completed_at", "assigned_at")
    )


def open_assignments() -> QuerySet[Assignment]:
    """Assignments that count against an assessor's capacity: not recommended yet, no conflict,
    on an application still open (the council dashboard counts them per assessor too)."""
    return Assignment.objects.filter(
        completed_at__isnull=True,
        has_conflict=False,
        application__status__in=ApplicationStatus.open(),
    )


def open_assignment_count(user) -> int:
    return open_assignments().filter(assessor=user).count()


def application_detail(pk: int) -> Application:
    return (
        Application.objects.select_related("organisation", "round", "level_sought", "version")
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.prefetch_related("criteria")),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("assessor").prefetch_related(
                    Prefetch("judgements", queryset=Judgement.objects.select_related("criterion"))
                ),
            ),
            "self_assessments__principle",
            "info_requests",
            # Each decision says its level and who decided (Decision.in_words, the history).
            Prefetch("decisions", queryset=Decision.objects.select_related("level", "decided_by")),
        )
        .get(pk=pk)
    )


RENEWABLE = (AwardStatus.EXPIRING, AwardStatus.EXPIRED)

# --- Awards ------------------------------------------------------------------------------------


def held_awards(today: date) -> QuerySet[Award]:
    """Awards that give Charter Status on ``today``: public, neither revoked nor replaced, and
    not expired (Award.status_on's valid and expiring, as a query)."""
    return Award.objects.filter(
        released_at__isnull=False,
        revoked_at__isnull=True,
        superseded_at__isnull=True,
        expires_on__gte=today,
    )


def awards_of(organisation) -> QuerySet[Award]:
    """Every award of the organisation, newest first, with what its page shows."""
    return organisation.awards.select_related("level", "application__round").order_by(
        "-awarded_at", "-pk"
    )


def awards_of_application(application) -> list[Award]:
    """The application's awards, the current one first, then those it replaced."""
    return list(
        application.awards.select_related("level", "revoked_by").order_by(
            F("superseded_at").desc(nulls_first=True), "-pk"
        )
    )


def renewable_award(organisation) -> Award | None:
    """The organisation's latest award that is neither revoked nor replaced, if it is expiring
    or has expired (what start_renewal starts from)."""
    award = (
        organisation.awards.filter(revoked_at__isnull=True, superseded_at__isnull=True)
        .select_related("level", "organisation", "application")
        .order_by("-expires_on", "-pk")
        .first()
    )
    return award if award is not None and award.status in RENEWABLE else None


def current_award(application) -> Award | None:
    """The award not replaced by a re-issue (it may be revoked)."""
    return application.awards.filter(superseded_at__isnull=True).first()


class RegisterCharterStatus:
    """accreditation's answer to charters.charter_status: registered in receivers.py."""

    def annotate(self, organisations, *, today: date):
        # The highest level held, then the latest expiry, if an organisation holds more than one.
        held = (
            held_awards(today)
            .filter(organisation=OuterRef("pk"))
            .order_by("-level__position", "-expires_on", "-pk")
        )
        soon = today + timedelta(days=Award.EXPIRING_WITHIN_DAYS)
        expiring = held.annotate(
            ends_soon=ExpressionWrapper(Q(expires_on__lte=soon), output_field=BooleanField())
        )
        return organisations.annotate(
            charter_status_level=Subquery(held.values("level__name")[:1]),
            charter_status_level_id=Subquery(held.values("level_id")[:1]),
            charter_status_expires_on=Subquery(held.values("expires_on")[:1]),
            charter_status_expiring=Subquery(expiring.values("ends_soon")[:1]),
        )

    def level_choices(self) -> list[tuple[str, str]]:
        return [(str(pk), name) for pk, name in levels().values_list("pk", "name")]
