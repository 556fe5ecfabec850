"""State predicates join the role rules: the same rule shows a button and guards the service."""

import pytest
from django_tenants.utils import tenant_context

from accreditation import services
from accreditation.enums import TRANSITIONS, ApplicationStatus
from accreditation.models import Application

LEAD_ACTIONS = {
    "accreditation.submit_application": {ApplicationStatus.DRAFT},
    "accreditation.resubmit_application": {ApplicationStatus.MORE_INFO_REQUESTED},
    "accreditation.withdraw_application": {
        state for state, moves in TRANSITIONS.items() if ApplicationStatus.WITHDRAWN in moves
    },
    "accreditation.edit_application": set(ApplicationStatus.editable_by_applicant()),
}


@pytest.mark.parametrize("state", ApplicationStatus.values)
def test_the_leads_rules_follow_the_state(tenant_a, application, lead_a, officer_a, state):
    lead = lead_a
    with tenant_context(tenant_a):
        Application.objects.filter(pk=application.pk).update(status=state)
        application.refresh_from_db()
        for permission, allowed_states in LEAD_ACTIONS.items():
            assert lead.has_perm(permission, application) is (state in allowed_states), permission
            assert not officer_a.has_perm(permission, application), permission


@pytest.mark.parametrize(
    "state",
    [s for s in ApplicationStatus.values if ApplicationStatus.WITHDRAWN not in TRANSITIONS[s]],
)
def test_withdrawing_in_a_final_state_is_refused_with_a_message(
    tenant_a, application, lead_a, state
):
    lead = lead_a
    with tenant_context(tenant_a):
        Application.objects.filter(pk=application.pk).update(status=state)
        application.refresh_from_db()
        label = ApplicationStatus(state).label.lower()
        with pytest.raises(
            services.AccreditationError, match=f"that is {label} cannot be withdrawn"
        ):
            services.withdraw_application(application, acting_user=lead)


def test_resubmitting_what_nobody_asked_for_is_refused(tenant_a, application, lead_a):
    lead = lead_a
    with (
        tenant_context(tenant_a),
        pytest.raises(services.AccreditationError, match="has not asked for more information"),
    ):
        services.resubmit_application(application, acting_user=lead, response="Here you are")
