"""The officer's application page reads as people speak: evidence under the criterion it
supports, the history in sentences, and a decision that names its level once."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils.html import escape
from django_tenants.utils import tenant_context

from accreditation import history, services
from accreditation.enums import AccreditationEvent, DecisionOutcome
from accreditation.models import AwardLevel, Decision
from platform_.audit.models import AuditEvent
from tests.fixtures.accreditation import assessed
from tests.helpers import login, make_user

LONDON = ZoneInfo("Europe/London")


def test_every_accreditation_event_has_words():
    """A new key without a phrase fails here, before an officer reads it raw."""
    assert set(history.PHRASES) == set(AccreditationEvent)
    for key, phrase in history.PHRASES.items():
        assert str(phrase) and "." not in str(phrase) and "_" not in str(phrase), key


def test_an_event_reads_as_a_sentence_with_who_and_when(tenant_a):
    with tenant_context(tenant_a):
        jane = make_user(tenant_a, "jane@alpha.test", full_name="Jane Smith")
        event = AuditEvent(
            key=AccreditationEvent.APPLICATION_AWARDED,
            actor=jane,
            created_at=datetime(2027, 7, 3, 14, 5, tzinfo=LONDON),
        )
        assert history.in_words(event) == "Awarded by Jane Smith on 3 July 2027, 2:05pm"

        event.actor = None  # the system (a beat task)
        event.key = AccreditationEvent.AWARD_RELEASED
        assert history.in_words(event) == "Award made public on 3 July 2027, 2:05pm"

        event.key = "someapp.thing.done"
        assert history.in_words(event) == "Something changed on 3 July 2027, 2:05pm"


def test_a_decision_names_its_level_once(tenant_a):
    with tenant_context(tenant_a):
        single = AwardLevel(name="Charter Status")
        gold = AwardLevel(name="Gold")
        assert Decision(outcome=DecisionOutcome.AWARD, level=single).in_words == (
            "Awarded Charter Status"
        )
        assert Decision(outcome=DecisionOutcome.AWARD, level=gold).in_words == (
            "Awarded Charter Status: Gold"
        )
        assert Decision(outcome=DecisionOutcome.NOT_YET).in_words == "Not awarded yet"
        assert Decision(outcome=DecisionOutcome.MORE_INFO).in_words == (
            "More information asked for"
        )


def test_the_officers_page_shows_evidence_under_its_criterion_history_and_decision(
    tenant_a, officer_a, application, lead_a, criteria_a, assessor_a, client_a
):
    assessed(tenant_a, application, lead_a, criteria_a, officer_a, assessor_a)
    with tenant_context(tenant_a):
        services.decide_application(
            application, acting_user=officer_a, outcome="award", reasons="Parents lead."
        )
        application.awards.get().certificate.delete(save=False)
    login(client_a, tenant_a, officer_a)

    html = client_a.get(f"/manage/applications/{application.pk}/").content.decode()

    evidence = html.split('<h2 class="govuk-heading-l">Evidence</h2>')[1].split("<h2")[0]
    # As assessors see it: each criterion, its principle and guidance, then its evidence.
    headings = re.findall(r'<h3 class="govuk-heading-m">([^<]+)</h3>', evidence)
    assert headings == ["Criterion 1", "Criterion 2", "Criterion 3"]
    first, second, third = re.split(r'<h3 class="govuk-heading-m">', evidence)[1:]
    assert "Show 1" in first and "Our story" in first
    assert '<h4 class="govuk-summary-card__title">Our story</h4>' in first
    assert "Our story" in second
    assert "Our story" not in third and "No evidence for this criterion." in third

    officer = escape(officer_a.get_full_name())
    assert f"<strong>Awarded Charter Status</strong> by {officer} on " in html
    assert "(Charter Status)" not in html

    story = html.split('<h2 class="govuk-heading-l">History</h2>')[1]
    items = re.findall(r"<li>([^<]+)</li>", story)
    assert [re.sub(r" on \d.*", "", item) for item in items] == [
        f"Awarded by {officer}",
        f"Assessment finished by {escape(assessor_a.get_full_name())}",
        f"Sent to the assessors by {officer}",
        f"Submitted by {escape(lead_a.get_full_name())}",
        f"Self-assessment saved by {escape(lead_a.get_full_name())}",
    ]
    assert "accreditation." not in html
