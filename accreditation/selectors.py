"""Reads for accreditation pages, with their prefetches, so query counts stay flat."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from accreditation.enums import ApplicationStatus
from accreditation.models import (
    Application,
    Assignment,
    AwardLevel,
    Criterion,
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


def applications_of(organisation) -> QuerySet[Application]:
    return organisation.applications.select_related("round", "level_sought").order_by("-created_at")


def assessor_queue(user) -> QuerySet[Assignment]:
    """The assessor's assignments, open applications first."""
    return (
        Assignment.objects.filter(assessor=user)
        .select_related("application__organisation", "application__round")
        .order_by("completed_at", "assigned_at")
    )


def open_assignment_count(user) -> int:
    return Assignment.objects.filter(
        assessor=user,
        completed_at__isnull=True,
        has_conflict=False,
        application__status__in=ApplicationStatus.open(),
    ).count()


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
            "decisions",
        )
        .get(pk=pk)
    )
