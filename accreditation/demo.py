"""Accreditation demo data: criteria, an open round, and applications in every state."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accreditation import services
from accreditation.enums import ApplicationStatus, DecisionOutcome, LadderRung
from accreditation.models import Application, Award, Decision, Round
from accreditation.selectors import criteria_for
from accreditation.services import setup
from charters.models import Organisation
from charters.selectors import current_version

GUIDANCE = {
    "Equal partnership": (
        "People who use the service share decisions",
        "Minutes, terms of reference or a decision log showing shared votes.",
    ),
    "Involved from the beginning to the end": (
        "People are involved at every stage",
        "A plan, delivery notes and a review, each with the people involved.",
    ),
    "Nothing about us without us": (
        "No decision about people is made without them",
        "A policy or example of a decision paused until people could take part.",
    ),
    "Accessible information and meetings": (
        "Information and meetings are accessible",
        "Easy read documents, interpreters, meeting times.",
    ),
    "Valuing people's time and expertise": (
        "People are paid or thanked for their time",
        "An involvement payment policy, expenses records.",
    ),
    "You said, we did": ("People are told what changed", "A 'you said, we did' newsletter."),
    "Children, young people and families at the heart": (
        "Children and families shape services for them",
        "A youth panel's work, family feedback acted on.",
    ),
}

# (organisation, the state to leave its application in)
PLAN = [
    ("Oakfield Primary School", ApplicationStatus.DRAFT),
    ("St Mary's Church of England Academy", ApplicationStatus.SUBMITTED),
    ("Brook Lane Special School", ApplicationStatus.IN_ASSESSMENT),
    ("Little Acorns Nursery", ApplicationStatus.MORE_INFO_REQUESTED),
    ("Riverside Medical Practice", ApplicationStatus.ASSESSED),
    ("Parent Carer Forum", ApplicationStatus.AWARDED),
    ("Speak Up Self-Advocacy", ApplicationStatus.NOT_AWARDED),
    ("Hill Street Surgery", ApplicationStatus.WITHDRAWN),
]

MINUTES_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def seed_accreditation_demo(*, officer, assessors, make_person) -> None:
    """``assessors`` are two users with the assessor role, the first with lived experience."""
    version = current_version()
    for position, principle in enumerate(version.principles.order_by("position"), start=1):
        title, good = GUIDANCE.get(principle.title, (principle.title, ""))
        setup.add_criterion(
            acting_user=officer,
            principle=principle,
            position=position,
            title=title,
            guidance=f"Show how you live “{principle.title}”.",
            good_evidence=good,
            easy_read_guidance="Show us how you do this.",
            required=position <= 5,
        )
    today = timezone.localdate()
    award_round = setup.open_round(
        acting_user=officer,
        name=f"Co-production Week {today.year + 1}",
        opens_on=today - timedelta(days=30),
        closes_on=today + timedelta(days=60),
        ceremony_at=timezone.now() + timedelta(days=75),
        embargoed_until_ceremony=False,
    )
    lived, other = assessors
    for name, target in PLAN:
        organisation = Organisation.objects.get(name=name)
        lead = organisation.memberships.get(role="lead").user
        _take_to(target, organisation, lead, officer, lived, other, award_round)
    _seed_award_lives(officer, lived, other, award_round)
    _spread_dates()


# (organisation, what its award shows): awards from earlier rounds, at each point of their life.
AWARD_LIVES = [
    ("Young Minds Matter", "valid"),
    ("Short Breaks Service", "expiring"),
    ("Westfield Youth Club", "expired"),
    ("Inclusive Sports Club", "revoked"),
    ("Demoton High School", "embargoed"),
]


def _seed_award_lives(officer, assessor, second, award_round) -> None:
    """Each award goes through the real workflow in the open round, then (demo only) its
    application is moved to an earlier round and its dates backdated, as history would have
    left them; the revocation goes through its service."""
    today = timezone.localdate()
    now = timezone.now()
    earlier = Round.objects.create(
        name=f"Co-production Week {today.year - 2}",
        opens_on=today - timedelta(days=2 * 365 + 60),
        closes_on=today - timedelta(days=2 * 365),
    )
    ceremony = Round.objects.create(
        name=f"Spring awards {today.year}",
        opens_on=today - timedelta(days=90),
        closes_on=today - timedelta(days=10),
        ceremony_at=now + timedelta(days=14),
        embargoed_until_ceremony=True,
    )
    dates = {
        # awarded this many days ago, expires in this many days
        "valid": (365, 2 * 365),
        "expiring": (3 * 365 - 40, 40),
        "expired": (3 * 365 + 30, -30),
        "revoked": (200, 3 * 365 - 200),
    }
    for name, life in AWARD_LIVES:
        organisation = Organisation.objects.get(name=name)
        lead = organisation.memberships.get(role="lead").user
        _take_to(
            ApplicationStatus.AWARDED, organisation, lead, officer, assessor, second, award_round
        )
        award = Award.objects.get(organisation=organisation)
        if life == "embargoed":
            Application.objects.filter(pk=award.application_id).update(round=ceremony)
            Award.objects.filter(pk=award.pk).update(
                public_from=ceremony.ceremony_at, released_at=None
            )
            continue
        ago, left = dates[life]
        awarded_at = now - timedelta(days=ago)
        Application.objects.filter(pk=award.application_id).update(round=earlier)
        Award.objects.filter(pk=award.pk).update(
            awarded_at=awarded_at,
            public_from=awarded_at,
            released_at=awarded_at,
            expires_on=today + timedelta(days=left),
        )
        if life == "revoked":
            award.refresh_from_db()
            services.revoke_award(
                award,
                acting_user=officer,
                reason="The evidence described another organisation's work.",
            )


def _take_to(target, organisation, lead, officer, assessor, second, award_round) -> None:
    application = services.start_application(
        organisation, acting_user=lead, award_round=award_round
    )
    criteria = list(criteria_for(application))
    services.add_evidence(
        application,
        acting_user=lead,
        kind="you_said_we_did",
        title="The quiet room",
        criteria=criteria[:2],
        you_said="Assemblies are too loud for some of us.",
        we_did="We made a quiet room with the school council.",
        changed_on=timezone.localdate() - timedelta(days=90),
    )
    services.add_evidence(
        application,
        acting_user=lead,
        kind="file",
        title="Parent forum minutes",
        criteria=criteria[2:4],
        upload=SimpleUploadedFile("minutes.pdf", MINUTES_PDF),
    )
    if target == ApplicationStatus.DRAFT:
        return
    services.add_evidence(
        application,
        acting_user=lead,
        kind="account",
        title="How we pay for people's time",
        criteria=criteria[4:],
        account="Parent carers are paid for every planning meeting.",
    )
    services.save_self_assessment(
        application,
        acting_user=lead,
        answers={
            p.pk: _rung(organisation, p) for p in application.version.principles.order_by("pk")
        },
    )
    if target == ApplicationStatus.WITHDRAWN:
        services.withdraw_application(application, acting_user=lead, reason="Merging settings.")
        return
    services.submit_application(application, acting_user=lead)
    if target == ApplicationStatus.SUBMITTED:
        return
    assignment = services.assign_assessor(application, acting_user=officer, assessor=assessor)
    services.declare_conflict(assignment, acting_user=assessor, has_conflict=False)
    if target == ApplicationStatus.IN_ASSESSMENT:
        return
    outcome = "partly_met" if target == ApplicationStatus.NOT_AWARDED else "met"
    services.record_judgements(
        assignment,
        acting_user=assessor,
        judgements={c.pk: (outcome, "Seen in the minutes and the quiet room.") for c in criteria},
    )
    recommendation = {"more_info_requested": "more_info", "not_awarded": "not_yet"}.get(
        target, "award"
    )
    services.recommend(
        assignment,
        acting_user=assessor,
        recommendation=recommendation,
        reason="Families clearly shape this service.",
    )
    if target == ApplicationStatus.ASSESSED:
        return
    decision = {"awarded": "award", "not_awarded": "not_yet", "more_info_requested": "more_info"}[
        target
    ]
    services.decide_application(
        application,
        acting_user=officer,
        outcome=decision,
        reasons={
            "award": "Families shape everything here. Congratulations.",
            "not_yet": "Good foundations; show shared decisions next year.",
            "more_info": "Please send the minutes of a meeting where families decided.",
        }[decision],
    )


# Where the demo's organisations place themselves: from consultation up to co-production, so
# the dashboard's ladder shows a spread.
_DEMO_RUNGS = [
    (LadderRung.CONSULTATION, "We ask families, then decide ourselves; we want to share more."),
    (LadderRung.ENGAGEMENT, "Families shape our plans, but we still make the final decision."),
    (LadderRung.CO_DESIGN, "We design with families; deciding together is next."),
    (LadderRung.CO_PRODUCTION, "Families decide with us from the start to the end."),
]


def _rung(organisation, principle) -> tuple[str, str]:
    return _DEMO_RUNGS[(len(organisation.name) + 3 * principle.position) % len(_DEMO_RUNGS)]


def _spread_dates() -> None:
    """Demo only: every application was submitted and decided in the seconds the demo took;
    give them the weeks a council takes (decisions on the day of their award), so the
    dashboard's time from submission to decision means something."""
    now = timezone.now()
    awarded_at = dict(Award.objects.values_list("application_id", "awarded_at"))
    submitted = Application.objects.filter(submitted_at__isnull=False).order_by("pk")
    for n, application in enumerate(submitted):
        decided = awarded_at.get(application.pk, now - timedelta(days=2 + n))
        submitted_at = decided - timedelta(days=18 + 7 * (n % 5))
        Application.objects.filter(pk=application.pk).update(submitted_at=submitted_at)
        Decision.objects.filter(
            application=application, outcome__in=[DecisionOutcome.AWARD, DecisionOutcome.NOT_YET]
        ).update(decided_at=decided)
