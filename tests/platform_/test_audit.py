"""Audit keys are enum members, greppable, named after their app; every state move has one."""

import pytest
from django_tenants.utils import tenant_context

from accreditation.enums import STATE_EVENTS, AccreditationEvent, ApplicationStatus
from charters.enums import CharterEvent
from platform_.accounts.enums import AccountsEvent
from platform_.audit.services import record_event

ENUMS = {"accounts": AccountsEvent, "charters": CharterEvent, "accreditation": AccreditationEvent}


def test_a_key_built_from_strings_is_refused(tenant_a, officer_a):
    with tenant_context(tenant_a), pytest.raises(TypeError, match="enum members"):
        record_event("charters.charter." + "signed", officer_a, actor=officer_a)


@pytest.mark.parametrize(("app", "enum"), ENUMS.items())
def test_every_key_is_dotted_and_starts_with_its_app(app, enum):
    for key in enum:
        parts = key.value.split(".")
        assert parts[0] == app and len(parts) == 3, key.value
        assert key.label  # words a council reads in its history


def test_every_state_but_draft_has_its_event():
    assert set(STATE_EVENTS) == set(ApplicationStatus.values) - {ApplicationStatus.DRAFT}
    for state, event in STATE_EVENTS.items():
        assert event.value == f"accreditation.application.{state}"
