"""Every move of the application state machine, allowed and refused."""

import pytest
from django_tenants.utils import tenant_context

from accreditation.enums import TRANSITIONS, ApplicationStatus
from accreditation.models import Application
from accreditation.services import AccreditationError, set_application_state
from platform_.audit.models import AuditEvent

PAIRS = [(old, new) for old in ApplicationStatus.values for new in ApplicationStatus.values]


@pytest.mark.parametrize(("old", "new"), PAIRS)
def test_every_transition_is_allowed_or_refused_as_designed(
    tenant_a, application, officer_a, old, new
):
    with tenant_context(tenant_a):
        Application.objects.filter(pk=application.pk).update(status=old)
        application.refresh_from_db()
        before = AuditEvent.objects.count()
        if new in TRANSITIONS[old]:
            set_application_state(application, new, acting_user=officer_a, reason="test")
            application.refresh_from_db()
            assert application.status == new
            event = AuditEvent.objects.latest("pk")
            assert event.key == f"accreditation.application.{new}"
            assert (event.old_value, event.new_value["status"]) == ({"status": old}, new)
            assert event.actor == officer_a
        else:
            with pytest.raises(AccreditationError, match="cannot become"):
                set_application_state(application, new, acting_user=officer_a)
            application.refresh_from_db()
            assert application.status == old
            assert AuditEvent.objects.count() == before


def test_the_design_reaches_every_state_from_draft():
    reached, frontier = {ApplicationStatus.DRAFT}, [ApplicationStatus.DRAFT]
    while frontier:
        for nxt in TRANSITIONS[frontier.pop()]:
            if nxt not in reached:
                reached.add(nxt)
                frontier.append(nxt)
    assert reached == set(ApplicationStatus.values)
    assert all(
        not TRANSITIONS[s] for s in [*ApplicationStatus.decided(), ApplicationStatus.WITHDRAWN]
    )


def test_only_the_state_service_writes_status_outside_tests():
    """Nothing in the code base assigns .status on an application except the state service."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    offenders = []
    for path in (root / "accreditation").rglob("*.py"):
        if path.name == "state.py" or "migrations" in path.parts:
            continue
        if re.search(r"application\.status\s*=[^=]", path.read_text()):
            offenders.append(str(path))
    assert offenders == []
