"""The council dashboard (/manage/) and its CSVs: exact figures for a hand-built council, the
same figures never mixed with the twin tenant's (same primary keys, different data), officers
only, and a pinned number of queries however many rows there are."""

from __future__ import annotations

import csv
import io
import shutil
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from accreditation.enums import AccreditationEvent, ApplicationStatus, DecisionOutcome
from accreditation.models import AccreditationSettings, Application, Decision
from platform_.audit.services import record_event
from platform_.dashboard import selectors
from platform_.dashboard.charts import funnel_summary, ladder_summary, signatures_summary
from platform_.dashboard.selectors import Figure, MonthFigure, PrincipleLadder
from platform_.demo import ensure_demo_tenant
from tests.factories import (
    ApplicationFactory,
    AssignmentFactory,
    AwardFactory,
    AwardLevelFactory,
    CharterVersionFactory,
    OrganisationFactory,
    PrincipleFactory,
    RoundFactory,
    SelfAssessmentFactory,
    SignatureFactory,
    UserFactory,
)
from tests.helpers import host_of, login, make_user
from tests.worlds import align_sequences

S = ApplicationStatus
CSV_NAMES = ["at-a-glance", "signatures-per-month", "application-funnel", "ladder"]


def month_start(months_back: int) -> date:
    """The first day of the month ``months_back`` months before this one."""
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def mid_month(months_back: int) -> datetime:
    """Noon on the 15th of that month, council time: well inside it, whatever the time zone."""
    return timezone.make_aware(datetime.combine(month_start(months_back).replace(day=15), time(12)))


def days_ago(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)


@dataclass
class Council:
    """What a hand-built council's dashboard must show."""

    officer: object
    member: object
    assessor: object


def build_council(tenant, prefix: str, *, twin: bool = False) -> Council:
    """A council with known figures (the comments give Alpha's); ``twin`` builds Beta's with
    the same calls in the same order, so every primary key matches Alpha's, and different
    values: decisions take twice as long, every signature is this month, both awards end within
    90 days, the fifth organisation is a college and the first application is submitted."""
    p = prefix
    with tenant_context(tenant):
        officer = UserFactory(email=f"officer@{p.lower()}.test", is_council_officer=True)
        member = UserFactory(email=f"member@{p.lower()}.test", is_organisation_member=True)
        # Assessors: A (lived experience) holds 2 open, 1 completed; B 0 open (a conflict),
        # 1 completed; C none.
        a = UserFactory(full_name=f"{p} Assessor A", is_assessor=True, has_lived_experience=True)
        b = UserFactory(full_name=f"{p} Assessor B", is_assessor=True)
        UserFactory(full_name=f"{p} Assessor C", is_assessor=True)
        AccreditationSettings.objects.update(assessor_capacity=2)

        version = CharterVersionFactory(title=f"{p} charter")
        principles = [
            PrincipleFactory(version=version, position=n, title=f"{p} principle {n}")
            for n in (1, 2, 3)
        ]
        kinds = ["school", "school", "school", "charity", "college" if twin else "gp_practice"]
        orgs = [OrganisationFactory(name=f"{p} Org {n}", kind=kind) for n, kind in enumerate(kinds)]
        # Signatures: 2 two months ago, 1 last month, 1 this month (and one 13 months ago, and a
        # withdrawal this month, neither counted).
        months = [0, 0, 0, 0, 0] if twin else [13, 2, 2, 1, 0]
        SignatureFactory(organisation=orgs[3], version=version, recorded_at=mid_month(months[0]))
        SignatureFactory(organisation=orgs[0], version=version, recorded_at=mid_month(months[1]))
        SignatureFactory(organisation=orgs[1], version=version, recorded_at=mid_month(months[2]))
        SignatureFactory(organisation=orgs[2], version=version, recorded_at=mid_month(months[3]))
        SignatureFactory(organisation=orgs[3], version=version, recorded_at=mid_month(months[4]))
        SignatureFactory(
            organisation=orgs[2], version=version, action="withdrawn", recorded_at=mid_month(0)
        )

        first, second = RoundFactory(name=f"{p} round 1"), RoundFactory(name=f"{p} round 2")
        bronze = AwardLevelFactory(name=f"{p} Bronze", position=2)
        silver = AwardLevelFactory(name=f"{p} Silver", position=3)
        slow = 2 if twin else 1

        def application(org, award_round, status, submitted_days_ago=None):
            return ApplicationFactory(
                organisation=org,
                round=award_round,
                version=version,
                status=status,
                submitted_at=None if submitted_days_ago is None else days_ago(submitted_days_ago),
            )

        draft = application(orgs[0], first, S.SUBMITTED if twin else S.DRAFT, 3 if twin else None)
        submitted = application(orgs[1], first, S.SUBMITTED, 5)
        in_assessment = application(orgs[2], first, S.IN_ASSESSMENT, 20)
        more_info = application(orgs[3], first, S.MORE_INFO_REQUESTED, 15)
        application(orgs[4], first, S.ASSESSED, 12)
        awarded_1 = application(orgs[0], second, S.AWARDED, 50 * slow)
        awarded_2 = application(orgs[1], second, S.AWARDED, 60 * slow)
        not_awarded = application(orgs[2], second, S.NOT_AWARDED, 100 * slow)
        awarded_4 = application(orgs[3], second, S.AWARDED, 45 * slow)
        withdrawn = application(orgs[4], second, S.WITHDRAWN, 70)
        # History: the withdrawn application had reached assessment; the one now waiting for
        # more information had been assessed first.
        record_event(AccreditationEvent.APPLICATION_IN_ASSESSMENT, withdrawn)
        record_event(AccreditationEvent.APPLICATION_ASSESSED, more_info)

        # Decisions after 10, 30, 20 and 41 days (median 25); asking for more is not one.
        for app, took in ((awarded_1, 10), (awarded_2, 30), (not_awarded, 20), (awarded_4, 41)):
            outcome = DecisionOutcome.NOT_YET if app is not_awarded else DecisionOutcome.AWARD
            decision = Decision.objects.create(application=app, outcome=outcome, reasons="Why")
            Decision.objects.filter(pk=decision.pk).update(
                decided_at=app.submitted_at + timedelta(days=took * slow)
            )
        more = Decision.objects.create(application=more_info, outcome="more_info", reasons="?")
        Decision.objects.filter(pk=more.pk).update(decided_at=days_ago(1))

        # Awards: Bronze ending in 30 days, Silver in 120 (60 for the twin), Bronze ended.
        today = timezone.localdate()
        AwardFactory(application=awarded_1, level=bronze, expires_on=today + timedelta(days=30))
        AwardFactory(
            application=awarded_2,
            level=silver,
            expires_on=today + timedelta(days=60 if twin else 120),
        )
        AwardFactory(application=awarded_4, level=bronze, expires_on=today - timedelta(days=1))

        AssignmentFactory(application=in_assessment, assessor=a, cleared=True)
        AssignmentFactory(application=more_info, assessor=a, cleared=True)
        AssignmentFactory(application=awarded_1, assessor=a, completed_at=days_ago(45))
        AssignmentFactory(application=in_assessment, assessor=b, conflicted=True)
        AssignmentFactory(application=not_awarded, assessor=b, completed_at=days_ago(85))

        # The ladder, from each organisation's latest submitted application: Org 0's awarded
        # one (its draft is ignored), Org 1's submitted one (its older award's is ignored), Org
        # 2's in assessment.
        rung = {True: "engagement", False: "co_design"}[twin]
        SelfAssessmentFactory(application=draft, principle=principles[0], rung="co_production")
        SelfAssessmentFactory(application=awarded_1, principle=principles[0], rung=rung)
        SelfAssessmentFactory(application=awarded_1, principle=principles[1], rung="informing")
        SelfAssessmentFactory(application=submitted, principle=principles[0], rung="consultation")
        SelfAssessmentFactory(application=awarded_2, principle=principles[0], rung="co_production")
        SelfAssessmentFactory(application=in_assessment, principle=principles[0], rung="co_design")
    return Council(officer=officer, member=member, assessor=a)


@pytest.fixture
def alpha(tenant_a, tenant_b) -> Council:
    align_sequences(tenant_a, tenant_b)
    return build_council(tenant_a, "Alpha")


@pytest.fixture
def beta(tenant_b, alpha) -> Council:
    """Built after Alpha's, call for call: the same primary keys, different figures."""
    return build_council(tenant_b, "Beta", twin=True)


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def officer_client(tenant, council) -> Client:
    return login(Client(HTTP_HOST=host_of(tenant)), tenant, council.officer)


def months_table(counts: dict[int, int]) -> list[list[str]]:
    return [
        [month_start(back).strftime("%B %Y"), str(counts.get(back, 0))]
        for back in range(11, -1, -1)
    ]


ALPHA_GLANCE = [
    ["Figure", "Item", "Value"],
    ["Organisations registered", "All kinds", "5"],
    ["Organisations signed", "All kinds", "3"],
    ["Organisations registered", "School", "3"],
    ["Organisations registered", "GP practice", "1"],
    ["Organisations registered", "Charity or voluntary group", "1"],
    ["Organisations signed", "School", "2"],
    ["Organisations signed", "GP practice", "0"],
    ["Organisations signed", "Charity or voluntary group", "1"],
    ["Applications", "Draft", "1"],
    ["Applications", "Submitted", "1"],
    ["Applications", "Being assessed", "1"],
    ["Applications", "More information requested", "1"],
    ["Applications", "Assessed", "1"],
    ["Applications", "Awarded", "3"],
    ["Applications", "Not yet awarded", "1"],
    ["Applications", "Withdrawn", "1"],
    ["Awards held", "All levels", "2"],
    ["Awards held", "Charter Status", "0"],  # provisioning's level
    ["Awards held", "Alpha Bronze", "1"],
    ["Awards held", "Alpha Silver", "1"],
    ["Awards expiring within 90 days", "All levels", "1"],
    ["Median days from submission to decision", "4 decisions", "25"],
    ["Open assessments", "Alpha Assessor A", "2"],
    ["Open assessments", "Alpha Assessor B", "0"],
    ["Open assessments", "Alpha Assessor C", "0"],
    ["Assessments completed", "Alpha Assessor A", "1"],
    ["Assessments completed", "Alpha Assessor B", "1"],
    ["Assessments completed", "Alpha Assessor C", "0"],
]
ALPHA_FUNNEL = [
    ["Stage", "Applications", "Share of those started"],
    ["Started", "10", "100%"],
    ["Submitted", "9", "90%"],
    ["Assessment started", "8", "80%"],
    ["Assessed", "6", "60%"],
    ["Awarded", "3", "30%"],
]
LADDER_HEADER = [
    "Principle",
    "Coercion",
    "Educating",
    "Informing",
    "Consultation",
    "Engagement",
    "Co-design",
    "Co-production",
    "Organisations",
]
ALPHA_LADDER = [
    LADDER_HEADER,
    ["Alpha principle 1", "0", "0", "0", "1", "0", "2", "0", "3"],
    ["Alpha principle 2", "0", "0", "1", "0", "0", "0", "0", "1"],
    ["Alpha principle 3", "0", "0", "0", "0", "0", "0", "0", "0"],
]


def test_each_csv_shows_the_councils_figures_exactly(tenant_a, alpha):
    client = officer_client(tenant_a, alpha)

    csvs = {name: client.get(f"/manage/dashboard/{name}.csv") for name in CSV_NAMES}

    assert {name: r.status_code for name, r in csvs.items()} == dict.fromkeys(CSV_NAMES, 200)
    assert csvs["ladder"]["Content-Type"] == "text/csv; charset=utf-8"
    assert csvs["ladder"]["Content-Disposition"] == 'attachment; filename="ladder.csv"'
    assert rows_of(csvs["at-a-glance"]) == ALPHA_GLANCE
    assert rows_of(csvs["signatures-per-month"]) == [
        ["Month", "Signatures"],
        *months_table({2: 2, 1: 1, 0: 1}),
    ]
    assert rows_of(csvs["application-funnel"]) == ALPHA_FUNNEL
    assert rows_of(csvs["ladder"]) == ALPHA_LADDER


def test_the_twin_councils_dashboards_each_show_their_own_figures(tenant_a, tenant_b, alpha, beta):
    with tenant_context(tenant_a):
        alpha_ids = sorted(Application.objects.values_list("pk", flat=True))
    with tenant_context(tenant_b):
        assert sorted(Application.objects.values_list("pk", flat=True)) == alpha_ids
    a, b = officer_client(tenant_a, alpha), officer_client(tenant_b, beta)

    for name in CSV_NAMES:
        assert "Beta" not in a.get(f"/manage/dashboard/{name}.csv").content.decode()
        assert "Alpha" not in b.get(f"/manage/dashboard/{name}.csv").content.decode()
    assert rows_of(a.get("/manage/dashboard/at-a-glance.csv")) == ALPHA_GLANCE
    assert rows_of(a.get("/manage/dashboard/application-funnel.csv")) == ALPHA_FUNNEL
    assert rows_of(a.get("/manage/dashboard/ladder.csv")) == ALPHA_LADDER
    beta_glance = rows_of(b.get("/manage/dashboard/at-a-glance.csv"))
    assert ["Organisations registered", "College", "1"] in beta_glance
    assert ["Applications", "Draft", "0"] in beta_glance
    assert ["Awards expiring within 90 days", "All levels", "2"] in beta_glance
    assert ["Median days from submission to decision", "4 decisions", "50"] in beta_glance
    assert rows_of(b.get("/manage/dashboard/signatures-per-month.csv"))[1:] == months_table({0: 5})
    assert rows_of(b.get("/manage/dashboard/ladder.csv"))[1] == [
        "Beta principle 1", "0", "0", "0", "1", "0", "1", "1", "3"
    ]  # fmt: skip
    page_a, page_b = a.get("/manage/").content.decode(), b.get("/manage/").content.decode()
    assert "Beta" not in page_a and "Alpha" not in page_b
    assert "Alpha Assessor A" in page_a and "Beta Assessor A" in page_b


def test_the_page_shows_the_figures_charts_summaries_and_tables(tenant_a, alpha):
    response = officer_client(tenant_a, alpha).get("/manage/")

    html = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "pages/manage_hub.html"
    for text in [
        '<span class="app-figure__value">3</span> <span class="app-figure__label">'
        "organisations signed, of 5 registered</span>",
        '<span class="app-figure__value">5</span> <span class="app-figure__label">'
        "applications in progress</span>",
        '<span class="app-figure__value">2</span> <span class="app-figure__label">'
        "organisations holding Charter Status</span>",
        '<span class="app-figure__value">1</span> <span class="app-figure__label">'
        "award ending within 90 days</span>",
        '<span class="app-figure__value">25</span> <span class="app-figure__label">'
        "days from submission to decision (median of 4 decisions)</span>",
        '<span class="app-figure__value">2</span> <span class="app-figure__label">'
        "open assessments held by 3 assessors</span>",
        'Alpha Org 0</a></td><td class="govuk-table__cell">Alpha Bronze</td>',
        'Alpha Assessor A <strong class="govuk-tag govuk-tag--blue">Lived experience</strong> '
        '<strong class="govuk-tag govuk-tag--orange">At their limit</strong>',
        "Of 10 applications started, 9 were submitted, 8 reached assessment, 6 were assessed "
        "and 3 awarded.",
        '<h3 class="govuk-heading-s" id="ladder-1-title">Alpha principle 1</h3>\n'
        '          <p class="govuk-body-s" id="ladder-1-summary">3 organisations, most at '
        "Co-design (2).</p>",
        'aria-labelledby="ladder-1-title ladder-1-summary"',
        '<p class="govuk-body-s" id="ladder-3-summary">No organisation has placed itself yet.',
    ]:
        assert text in html
    # Every chart: a figure with its caption, summary, SVG labelled by the summary, table, CSV.
    assert html.count("<figure ") == 3
    assert html.count("<figcaption ") == 3
    assert html.count('role="img"') == 2 + 3  # signatures, funnel, and a ladder per principle
    assert 'aria-labelledby="funnel-summary"' in html
    for name in CSV_NAMES:
        assert f'href="/manage/dashboard/{name}.csv"' in html
    assert " style=" not in html and "<style" not in html  # the CSP allows no inline styles
    # The areas to manage, still listed.
    assert 'href="/manage/people/"' in html and 'href="/manage/charter/"' in html


def test_a_new_council_sees_a_dashboard_without_figures(tenant_a, officer_a, client_a):
    login(client_a, tenant_a, officer_a)

    html = client_a.get("/manage/").content.decode()

    assert "No application for Charter Status has been started yet." in html
    assert "No organisation signed the charter in the last 12 months." in html
    assert "No organisation has placed itself on the Ladder of Co-production yet." in html
    assert 'None</span> <span class="app-figure__label">decisions yet' in html


@pytest.mark.parametrize(
    "role", [{"is_organisation_member": True}, {"is_assessor": True}, {}], ids=str
)
@pytest.mark.parametrize("path", ["/manage/", *(f"/manage/dashboard/{n}.csv" for n in CSV_NAMES)])
def test_only_officers_see_the_dashboard_and_its_csvs(tenant_a, client_a, role, path):
    login(client_a, tenant_a, make_user(tenant_a, "someone@alpha.test", **role))

    assert client_a.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/manage/", "/manage/dashboard/ladder.csv"])
def test_anonymous_visitors_are_sent_to_sign_in(client_a, path):
    response = client_a.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


def test_an_unknown_csv_is_not_found(tenant_a, officer_a, client_a):
    login(client_a, tenant_a, officer_a)

    assert client_a.get("/manage/dashboard/everything.csv").status_code == 404


def test_csv_cells_that_a_spreadsheet_would_run_are_made_text(tenant_a, officer_a, client_a):
    with tenant_context(tenant_a):
        UserFactory(full_name='=HYPERLINK("https://evil.example")', is_assessor=True)
        version = CharterVersionFactory(title="Charter")
        PrincipleFactory(version=version, position=1, title="+1 and @everyone")
    login(client_a, tenant_a, officer_a)

    glance = client_a.get("/manage/dashboard/at-a-glance.csv").content.decode()
    ladder = client_a.get("/manage/dashboard/ladder.csv").content.decode()

    assert 'Open assessments,"\'=HYPERLINK(""https://evil.example"")",0' in glance
    assert "\n'+1 and @everyone,0,0,0,0,0,0,0,0" in ladder.replace("\r\n", "\n")


# --- Queries ---------------------------------------------------------------------------------


def grow(tenant, count: int) -> None:
    """``count`` signed organisations (spread over the year), each with an application in a
    state of its own, a self-assessment, an assessor, and for the awarded an award and decision."""
    states = list(ApplicationStatus)
    with tenant_context(tenant):
        version = CharterVersionFactory()
        principles = [PrincipleFactory(version=version, position=n) for n in (1, 2)]
        for n in range(count):
            organisation = OrganisationFactory(kind=["school", "charity", "college"][n % 3])
            SignatureFactory(organisation=organisation, recorded_at=mid_month(n % 12))
            status = states[n % len(states)]
            application = ApplicationFactory(organisation=organisation, status=status)
            SelfAssessmentFactory(application=application, principle=principles[n % 2])
            AssignmentFactory(application=application)
            if status == ApplicationStatus.AWARDED:
                AwardFactory(application=application)
                Decision.objects.create(application=application, outcome="award", reasons="Yes")


# Pinned: the signed-in user; the page's reads (organisations by kind, applications by state,
# awards by level, awards ending, the median, the accreditation settings, assessors, signatures
# by month, the funnel, the current version and its principles, the ladder). The connection is
# already on the council's schema and roles need no permission tables. The CSVs read only what
# their table needs.
PAGE_QUERIES = 13
CSV_QUERIES = {"at-a-glance": 8, "signatures-per-month": 2, "application-funnel": 2, "ladder": 4}


@pytest.mark.parametrize("rows", [1, 40])
def test_the_page_makes_the_same_queries_however_many_rows(
    rows, tenant_a, officer_a, client_a, django_assert_num_queries
):
    grow(tenant_a, rows)
    login(client_a, tenant_a, officer_a)
    client_a.get("/manage/")  # warm: session and tenant caches filled, as in steady use

    with django_assert_num_queries(PAGE_QUERIES):
        response = client_a.get("/manage/")

    assert response.status_code == 200
    assert response.context["figures"].registered == rows


@pytest.mark.parametrize("name", CSV_NAMES)
@pytest.mark.parametrize("rows", [1, 40])
def test_each_csv_makes_the_same_queries_however_many_rows(
    rows, name, tenant_a, officer_a, client_a, django_assert_num_queries
):
    grow(tenant_a, rows)
    login(client_a, tenant_a, officer_a)
    client_a.get("/manage/")

    with django_assert_num_queries(CSV_QUERIES[name]):
        response = client_a.get(f"/manage/dashboard/{name}.csv")

    assert response.status_code == 200


# --- Summaries --------------------------------------------------------------------------------


def months(*counts: int) -> list[MonthFigure]:
    return [MonthFigure(date(2026, n, 1), count) for n, count in enumerate(counts, start=5)]


@pytest.mark.parametrize(
    ("counts", "summary"),
    [
        (
            (0, 3, 11, 2),
            "16 signatures in the last 4 months, the most in July 2026 (11). Signatures rose "
            "from 3 in June to 11 in July. August so far: 2.",
        ),
        (
            (4, 11, 3, 0),
            "18 signatures in the last 4 months, the most in June 2026 (11). Signatures fell "
            "from 11 in June to 3 in July. August so far: 0.",
        ),
        (
            (0, 1, 1, 0),
            "2 signatures in the last 4 months, the most in July 2026 (1). Signatures held at 1 "
            "in June and July. August so far: 0.",
        ),
        ((0, 0, 0, 0), "No organisation signed the charter in the last 4 months."),
    ],
)
def test_the_signatures_summary_says_what_the_chart_shows(counts, summary):
    assert signatures_summary(months(*counts)) == summary


def test_the_funnel_summary_says_what_the_chart_shows():
    stages = [Figure(str(n), str(n), count) for n, count in enumerate([4, 1, 1, 1, 0])]

    assert funnel_summary(stages) == (
        "Of 4 applications started, 1 was submitted, 1 reached assessment, 1 was assessed and "
        "0 awarded."
    )


def ladder_of(principle: str, *counts: int) -> PrincipleLadder:
    return PrincipleLadder(principle, [Figure(str(n), f"R{n}", c) for n, c in enumerate(counts)])


def test_the_ladder_summary_names_the_highest_and_lowest_principles():
    ladders = [
        ladder_of("Equal partnership", 0, 0, 1, 1, 0, 1, 1),  # 2 of 4 at the top rungs
        ladder_of("You said, we did", 0, 0, 0, 0, 1, 2, 1),  # 3 of 4
        ladder_of("Accessible meetings", 0, 1, 2, 1, 0, 0, 0),  # none
        ladder_of("Not placed yet", 0, 0, 0, 0, 0, 0, 0),
    ]

    assert ladder_summary(ladders) == (
        "The share of organisations at R5 or R6 is highest for “You said, we did” (75%) and "
        "lowest for “Accessible meetings” (0%)."
    )
    assert ladder_summary(ladders[:1]) == (
        "50% of the organisations placed on each principle are at R5 or R6."
    )


# --- The demo council -------------------------------------------------------------------------


def test_the_demo_councils_dashboard_has_a_story_to_tell(db):
    tenant, _ = ensure_demo_tenant()
    try:
        with tenant_context(tenant):
            months = selectors.signatures_per_month(timezone.localdate())
            ladder = selectors.ladder()
            median = selectors.median_days_to_decision()
            funnel = selectors.application_funnel()
    finally:
        shutil.rmtree(Path(settings.MEDIA_ROOT) / tenant.schema_name, ignore_errors=True)

    assert sum(m.count > 0 for m in months) >= 9  # signatures over most of the year
    # And more of them lately: three months against three (this month alone may be a day old).
    assert sum(m.count for m in months[-3:]) > sum(m.count for m in months[:3])
    assert {r.key for lad in ladder for r in lad.rungs if r.count} == {
        "consultation",
        "engagement",
        "co_design",
        "co_production",
    }
    # Weeks, not the seconds the demo took to build; every stage of the funnel has someone.
    assert median.decisions >= 2 and 18 <= median.days <= 46
    counts = [stage.count for stage in funnel]
    assert counts == sorted(counts, reverse=True) and counts[-1] >= 1
