from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from charters import selectors, services
from tests.helpers import committed, make_user

ORGANISATION = {
    "name": "Oakfield Primary School",
    "kind": "school",
    "address_line_1": "1 Oak Lane",
    "town": "Alphaton",
    "postcode": "WV1 1RE",
    "area": "Northside",
    "school_urn": "104321",
}


def publish_current_draft(tenant, officer):
    with tenant_context(tenant), committed():
        return services.publish_version(selectors.draft_version(), acting_user=officer)


def register(tenant, lead, **overrides):
    with tenant_context(tenant):
        return services.register_organisation(acting_user=lead, **{**ORGANISATION, **overrides})


def sign(tenant, organisation, lead, *, consent=True, pledges=()):
    with tenant_context(tenant), committed():
        return services.sign_charter(
            organisation,
            acting_user=lead,
            signatory_name="Pat Head",
            signatory_job_title="Headteacher",
            commitment="We will listen and act.",
            consent_to_publish=consent,
            pledges=list(pledges),
        )


def next_year():
    return timezone.localdate() + timedelta(days=365)


@pytest.fixture
def published_a(tenant_a, officer_a):
    return publish_current_draft(tenant_a, officer_a)


@pytest.fixture
def lead_a(tenant_a):
    return make_user(tenant_a, "head@oakfield.test")


@pytest.fixture
def organisation_a(tenant_a, lead_a):
    return register(tenant_a, lead_a)


@pytest.fixture
def signed_a(tenant_a, published_a, organisation_a, lead_a):
    return sign(tenant_a, organisation_a, lead_a, pledges=[("Pay parent carers", next_year())])
