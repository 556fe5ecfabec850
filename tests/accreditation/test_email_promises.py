"""What each email promises happens: "we will email you when assessors start" is sent, once;
"now on the public register" only when it is; a revocation names where to write."""

from django_tenants.utils import tenant_context

from accreditation import emails, services
from accreditation.enums import ApplicationStatus
from accreditation.services import setup
from platform_.outbox.models import OutboxEmail
from tenants.services import update_contact_email
from tests.fixtures.accreditation import submitted
from tests.fixtures.charters import sign
from tests.helpers import make_user

STARTED = "Assessors have started looking at Oakfield Primary School's application"


def subjects_to(address: str) -> list[str]:
    return list(
        OutboxEmail.objects.filter(recipient=address)
        .order_by("pk")
        .values_list("subject", flat=True)
    )


def test_leads_hear_once_when_a_pair_of_assessors_starts(
    tenant_a, officer_a, application, lead_a, criteria_a, assessor_a, lived_assessor_a
):
    second_lead = make_user(tenant_a, "deputy@oakfield.test")
    with tenant_context(tenant_a):
        application.organisation.memberships.create(user=second_lead, role="lead", status="active")
        setup.update_settings(acting_user=officer_a, requires_pair=True)
    submitted(tenant_a, application, lead_a, criteria_a)
    with tenant_context(tenant_a):
        services.assign_assessor(application, acting_user=officer_a, assessor=assessor_a)
        # One assessor is not yet a pair: nothing has started.
        assert STARTED not in subjects_to("head@oakfield.test")

        services.assign_assessor(application, acting_user=officer_a, assessor=lived_assessor_a)

        assert application.status == ApplicationStatus.IN_ASSESSMENT
        for lead in ("head@oakfield.test", "deputy@oakfield.test"):
            assert subjects_to(lead).count(STARTED) == 1
        # Owed once per application, whatever calls it again.
        assert emails.assessment_started(application) == 0
        assert OutboxEmail.objects.filter(subject=STARTED).count() == 2


def test_the_award_email_says_on_the_register_only_when_it_is(
    tenant_a, published_a, organisation_a, award_a, lead_a
):
    with tenant_context(tenant_a):
        emails.award_released(award_a)  # not signed: not on the register
        (unlisted,) = OutboxEmail.objects.filter(recipient="head@oakfield.test")
        assert "public register" not in unlisted.body
        unlisted.delete()
    sign(tenant_a, organisation_a, lead_a)
    with tenant_context(tenant_a):
        emails.award_released(award_a)
        (listed,) = OutboxEmail.objects.filter(recipient="head@oakfield.test")
    assert "Your Charter Status is now on the public register." in listed.body


def test_a_revocation_says_where_to_write_if_it_is_wrong(tenant_a, award_a, officer_a, lead_a):
    with tenant_context(tenant_a):
        update_contact_email(tenant_a, contact_email="charter@alpha.test", acting_user=None)
        services.revoke_award(award_a, acting_user=officer_a, reason="Copied")
        (email,) = OutboxEmail.objects.filter(recipient="head@oakfield.test")
    assert "If you think this is wrong, contact charter@alpha.test." in email.body
    assert "reply to the council" not in email.body
