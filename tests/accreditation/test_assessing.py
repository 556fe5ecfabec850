from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_tenants.utils import tenant_context

from accreditation import services
from accreditation.enums import ApplicationStatus
from accreditation.models import Award
from accreditation.services import setup
from tests.fixtures.accreditation import assessed, judge_all, submitted
from tests.helpers import make_user


def test_assessors_are_assigned_only_after_submission(tenant_a, officer_a, application, assessor_a):
    with (
        tenant_context(tenant_a),
        pytest.raises(services.AccreditationError, match="once an application is submitted"),
    ):
        services.assign_assessor(application, acting_user=officer_a, assessor=assessor_a)


def test_one_assessor_moves_the_application_into_assessment(
    tenant_a, officer_a, application, lead_a, criteria_a, assessor_a, lived_assessor_a
):
    submitted(tenant_a, application, lead_a, criteria_a)
    with tenant_context(tenant_a):
        services.assign_assessor(application, acting_user=officer_a, assessor=assessor_a)
        assert application.status == ApplicationStatus.IN_ASSESSMENT
        with pytest.raises(services.AccreditationError, match="already assigned"):
            services.assign_assessor(application, acting_user=officer_a, assessor=assessor_a)
        with pytest.raises(services.AccreditationError, match="not an assessor"):
            services.assign_assessor(application, acting_user=officer_a, assessor=lead_a)
        with pytest.raises(PermissionDenied):
            services.assign_assessor(
                application, acting_user=lived_assessor_a, assessor=lived_assessor_a
            )


def test_a_pair_with_lived_experience_is_needed_when_the_council_says_so(
    tenant_a, officer_a, application, lead_a, criteria_a, assessor_a, lived_assessor_a
):
    other_plain = make_user(tenant_a, "bob@alpha.test", is_assessor=True)
    with tenant_context(tenant_a):
        setup.update_settings(
            acting_user=officer_a, requires_pair=True, requires_lived_experience=True
        )
    submitted(tenant_a, application, lead_a, criteria_a)
    with tenant_context(tenant_a):
        services.assign_assessor(application, acting_user=officer_a, assessor=assessor_a)
        assert application.status == ApplicationStatus.SUBMITTED  # one is not a pair
        services.assign_assessor(application, acting_user=officer_a, assessor=other_plain)
        # A pair, but no lived experience.
        assert application.status == ApplicationStatus.SUBMITTED
        services.assign_assessor(application, acting_user=officer_a, assessor=lived_assessor_a)
        assert application.status == ApplicationStatus.IN_ASSESSMENT


def test_assessor_capacity_is_respected(
    tenant_a, officer_a, application, lead_a, criteria_a, assessor_a
):
    with tenant_context(tenant_a):
        setup.update_settings(acting_user=officer_a, assessor_capacity=0)
    submitted(tenant_a, application, lead_a, criteria_a)
    with tenant_context(tenant_a), pytest.raises(services.AccreditationError, match="their limit"):
        services.assign_assessor(application, acting_user=officer_a, assessor=assessor_a)


def test_conflicts_are_declared_before_judging(
    tenant_a, officer_a, application, lead_a, criteria_a, assessor_a
):
    submitted(tenant_a, application, lead_a, criteria_a)
    assessor = assessor_a
    with tenant_context(tenant_a):
        assignment = services.assign_assessor(application, acting_user=officer_a, assessor=assessor)
        assert not assessor.has_perm("accreditation.view_evidence", application)
        with pytest.raises(services.AccreditationError, match="Declare any conflict"):
            services.record_judgements(assignment, acting_user=assessor, judgements={})
        with pytest.raises(services.AccreditationError, match="what the conflict is"):
            services.declare_conflict(assignment, acting_user=assessor, has_conflict=True)
        services.declare_conflict(
            assignment, acting_user=assessor, has_conflict=True, details="My child goes there"
        )
        assessor.__dict__.pop("_assignments", None)
        assert not assessor.has_perm("accreditation.view_evidence", application)
        with pytest.raises(services.AccreditationError, match="already made"):
            services.declare_conflict(assignment, acting_user=assessor, has_conflict=False)


def test_only_the_assigned_assessor_acts_on_an_assignment(
    tenant_a, officer_a, application, lead_a, criteria_a, assessor_a, lived_assessor_a
):
    submitted(tenant_a, application, lead_a, criteria_a)
    with tenant_context(tenant_a):
        assignment = services.assign_assessor(
            application, acting_user=officer_a, assessor=assessor_a
        )
        for intruder in (lived_assessor_a, officer_a, lead_a):
            with pytest.raises(PermissionDenied):
                services.declare_conflict(assignment, acting_user=intruder, has_conflict=False)


def test_recommending_needs_every_criterion_judged_and_completes_the_assessment(
    tenant_a, officer_a, application, lead_a, criteria_a, assessor_a
):
    submitted(tenant_a, application, lead_a, criteria_a)
    assessor = assessor_a
    with tenant_context(tenant_a):
        assignment = services.assign_assessor(application, acting_user=officer_a, assessor=assessor)
        services.declare_conflict(assignment, acting_user=assessor, has_conflict=False)
        services.record_judgements(
            assignment, acting_user=assessor, judgements={criteria_a[0].pk: ("met", "Clear")}
        )
        with pytest.raises(services.AccreditationError) as refused:
            services.recommend(assignment, acting_user=assessor, recommendation="award", reason="x")
        assert refused.value.messages == ["Judge “Criterion 2”", "Judge “Criterion 3”"]
    judge_all(tenant_a, assignment, assessor, outcome="partly_met")
    with tenant_context(tenant_a):
        services.recommend(
            assignment, acting_user=assessor, recommendation="not_yet", reason="Early days"
        )
        application.refresh_from_db()
    assert application.status == ApplicationStatus.ASSESSED


def test_more_information_goes_back_to_the_applicant_and_returns_to_assessment(
    tenant_a, officer_a, application, lead_a, criteria_a, assessor_a
):
    assignment = assessed(tenant_a, application, lead_a, criteria_a, officer_a, assessor_a)
    with tenant_context(tenant_a):
        services.decide_application(
            application,
            acting_user=officer_a,
            outcome="more_info",
            reasons="Please add minutes from a parents' meeting.",
        )
        application.refresh_from_db()
        assert application.status == ApplicationStatus.MORE_INFO_REQUESTED
        services.add_evidence(
            application,
            acting_user=lead_a,
            kind="link",
            title="Minutes",
            criteria=criteria_a[:1],
            url="https://oakfield.example/m",
        )
        with pytest.raises(services.AccreditationError, match="changed or added"):
            services.resubmit_application(application, acting_user=lead_a, response=" ")
        services.resubmit_application(application, acting_user=lead_a, response="Added minutes")
        assert application.status == ApplicationStatus.IN_ASSESSMENT
        assignment.refresh_from_db()
        assert assignment.completed_at is None  # the assessor looks again
        request = application.info_requests.get()
        assert (request.response, request.responded_at is not None) == ("Added minutes", True)


def test_an_award_has_a_number_an_expiry_and_the_reasons(
    tenant_a, officer_a, application, lead_a, criteria_a, assessor_a
):
    assessed(tenant_a, application, lead_a, criteria_a, officer_a, assessor_a)
    with tenant_context(tenant_a):
        decision = services.decide_application(
            application,
            acting_user=officer_a,
            outcome="award",
            reasons="Parents shape everything here.",
        )
        award = Award.objects.get()
    today = timezone.localdate()
    assert application.status == ApplicationStatus.AWARDED
    assert decision.level.name == "Charter Status"
    assert award.certificate_number == f"ALPHA-{today.year}-0001"
    assert (award.expires_on.year, award.expires_on.month) == (today.year + 3, today.month)
    assert award.public_from <= timezone.now()
    assert len(award.verification_code) >= 16


def test_awards_in_an_embargoed_round_stay_private_until_the_ceremony(
    tenant_a, officer_a, application, lead_a, criteria_a, round_a, assessor_a
):
    ceremony = timezone.now() + timedelta(days=40)
    with tenant_context(tenant_a):
        setup.update_round(
            round_a,
            acting_user=officer_a,
            name=round_a.name,
            opens_on=round_a.opens_on,
            closes_on=round_a.closes_on,
            ceremony_at=ceremony,
            embargoed_until_ceremony=True,
        )
    assessed(tenant_a, application, lead_a, criteria_a, officer_a, assessor_a)
    with tenant_context(tenant_a):
        application.round.refresh_from_db()
        services.decide_application(
            application, acting_user=officer_a, outcome="award", reasons="Yes"
        )
        assert Award.objects.get().public_from == ceremony


def test_graded_levels_award_the_level_chosen(
    tenant_a, officer_a, application, lead_a, criteria_a, assessor_a
):
    with tenant_context(tenant_a):
        gold = setup.add_level(acting_user=officer_a, name="Gold", position=3)
    assessed(tenant_a, application, lead_a, criteria_a, officer_a, assessor_a)
    with tenant_context(tenant_a):
        services.decide_application(
            application, acting_user=officer_a, outcome="award", reasons="Outstanding", level=gold
        )
        assert Award.objects.get().level == gold


def test_decisions_are_refused_before_assessment_without_reasons_or_by_others(
    tenant_a, officer_a, application, lead_a, criteria_a
):
    submitted(tenant_a, application, lead_a, criteria_a)
    with tenant_context(tenant_a):
        with pytest.raises(services.AccreditationError, match="once the assessors"):
            services.decide_application(
                application, acting_user=officer_a, outcome="award", reasons="x"
            )
        with pytest.raises(services.AccreditationError, match="reasons"):
            services.decide_application(
                application, acting_user=officer_a, outcome="not_yet", reasons=" "
            )
        with pytest.raises(PermissionDenied):
            services.decide_application(
                application, acting_user=lead_a, outcome="award", reasons="x"
            )


def test_not_yet_is_final_for_the_round(
    tenant_a, officer_a, application, lead_a, criteria_a, assessor_a
):
    assessed(tenant_a, application, lead_a, criteria_a, officer_a, assessor_a)
    with tenant_context(tenant_a):
        services.decide_application(
            application, acting_user=officer_a, outcome="not_yet", reasons="Soon"
        )
        assert application.status == ApplicationStatus.NOT_AWARDED
        with pytest.raises(services.AccreditationError):
            services.withdraw_application(application, acting_user=lead_a)
