"""An alpha council ready for Charter Status: published charter, criteria, an open round,
a signed school with a lead, and assessors."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context

from accreditation import services
from accreditation.models import Application, Criterion, Round
from accreditation.services import setup
from tests.charters.conftest import published_a, register, sign  # noqa: F401 (a shared fixture)
from tests.helpers import make_user

PDF = b"%PDF-1.7\n" + b"0" * 200


def pdf(name="minutes.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def ready(tenant_a, officer_a, published_a):
    """Criteria on the first two principles (required) and the third (optional); an open round."""
    with tenant_context(tenant_a):
        principles = list(published_a.principles.order_by("position")[:3])
        criteria = [
            setup.save_criterion(
                Criterion(
                    version=published_a,
                    principle=p,
                    title=f"Criterion {n}",
                    guidance=f"Show {n}",
                    required=n < 3,
                ),
                acting_user=officer_a,
            )
            for n, p in enumerate(principles, start=1)
        ]
        today = timezone.localdate()
        award_round = setup.save_round(
            Round(
                name="Co-production Week 2027",
                opens_on=today - timedelta(days=10),
                closes_on=today + timedelta(days=30),
            ),
            acting_user=officer_a,
        )
    return {"criteria": criteria, "round": award_round, "version": published_a}


@pytest.fixture
def applicant(tenant_a, published_a):
    lead = make_user(tenant_a, "head@oakfield.test")
    organisation = register(tenant_a, lead)
    sign(tenant_a, organisation, lead)
    return organisation, lead


@pytest.fixture
def application(tenant_a, ready, applicant) -> Application:
    organisation, lead = applicant
    with tenant_context(tenant_a):
        return services.start_application(
            organisation, acting_user=lead, award_round=ready["round"]
        )


def complete(tenant, application, lead, criteria):
    """Evidence for every required criterion and a rung for every principle."""
    with tenant_context(tenant):
        services.add_evidence(
            application,
            acting_user=lead,
            kind="account",
            title="Our story",
            criteria=[c for c in criteria if c.required],
            account="We planned it with parents.",
        )
        services.save_self_assessment(
            application,
            acting_user=lead,
            answers={
                p.pk: ("co_design", "Parents helped design it")
                for p in application.version.principles.all()
            },
        )


def submitted(tenant, application, lead, criteria):
    complete(tenant, application, lead, criteria)
    with tenant_context(tenant):
        return services.submit_application(application, acting_user=lead)


@pytest.fixture
def assessors(tenant_a):
    return (
        make_user(tenant_a, "ann.assessor@alpha.test", is_assessor=True),
        make_user(tenant_a, "lee.lived@alpha.test", is_assessor=True, has_lived_experience=True),
    )


def judge_all(tenant, assignment, acting_user, outcome="met"):
    from accreditation.selectors import criteria_for

    with tenant_context(tenant):
        services.record_judgements(
            assignment,
            acting_user=acting_user,
            judgements={c.pk: (outcome, "Good") for c in criteria_for(assignment.application)},
        )


def assessed(tenant, application, lead, criteria, officer, assessor):
    """Take an application all the way to assessed with one assessor."""
    submitted(tenant, application, lead, criteria)
    with tenant_context(tenant):
        assignment = services.assign_assessor(application, acting_user=officer, assessor=assessor)
        services.declare_conflict(assignment, acting_user=assessor, has_conflict=False)
    judge_all(tenant, assignment, assessor)
    with tenant_context(tenant):
        services.recommend(
            assignment, acting_user=assessor, recommendation="award", reason="Strong evidence"
        )
        application.refresh_from_db()
    return assignment
