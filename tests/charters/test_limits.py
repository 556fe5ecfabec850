"""Every limit the pages show is enforced by the server: crafted posts over it are refused."""

import re

import pytest
from django_tenants.utils import tenant_context

from charters import selectors, services
from charters.models import Pledge, Signature
from tests.fixtures.charters import next_year, sign
from tests.helpers import login

SIGN_URL = "/org/oakfield-primary-school/sign/"


def sign_post(count: int, *, total_forms: int | None = None) -> dict:
    data = {
        "signatory_name": "Pat Head",
        "signatory_job_title": "Headteacher",
        "commitment": "We will listen.",
        "consent_to_publish": "on",
        "pledges-TOTAL_FORMS": str(count if total_forms is None else total_forms),
        "pledges-INITIAL_FORMS": "0",
    }
    for n in range(count):
        data[f"pledges-{n}-text"] = f"Pledge {n}"
        data[f"pledges-{n}-target_date"] = next_year().isoformat()
    return data


@pytest.mark.parametrize("count", [11, 40])
def test_a_crafted_sign_post_with_too_many_pledges_is_refused(
    tenant_a, organisation_a, lead_a, published_a, client_a, count
):
    login(client_a, tenant_a, lead_a)

    response = client_a.post(SIGN_URL, sign_post(count))

    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "You can make up to 10 pledges." in html
    with tenant_context(tenant_a):
        assert (Signature.objects.count(), Pledge.objects.count()) == (0, 0)


def test_a_management_form_claiming_fewer_forms_stores_no_more_than_it_claims(
    tenant_a, organisation_a, lead_a, published_a, client_a
):
    login(client_a, tenant_a, lead_a)

    response = client_a.post(SIGN_URL, sign_post(40, total_forms=10))

    assert response.status_code == 302
    with tenant_context(tenant_a):
        assert Pledge.objects.count() == 10


def test_ten_pledges_are_accepted(tenant_a, organisation_a, lead_a, published_a, client_a):
    login(client_a, tenant_a, lead_a)

    assert client_a.post(SIGN_URL, sign_post(10)).status_code == 302
    with tenant_context(tenant_a):
        assert Pledge.objects.count() == 10


def test_sign_charter_refuses_more_pledges_than_the_limit(
    tenant_a, organisation_a, lead_a, published_a
):
    pledges = [(f"Pledge {n}", next_year()) for n in range(11)]
    with pytest.raises(services.CharterError, match="You can make up to 10 pledges"):
        sign(tenant_a, organisation_a, lead_a, pledges=pledges)
    with tenant_context(tenant_a):
        assert Signature.objects.count() == 0


@pytest.mark.parametrize("text", ["x" * 301, "   "])
def test_sign_charter_refuses_a_pledge_it_could_not_store(
    tenant_a, organisation_a, lead_a, published_a, text
):
    with pytest.raises(services.CharterError, match="between 1 and 300 characters"):
        sign(tenant_a, organisation_a, lead_a, pledges=[(text, next_year())])


@pytest.mark.parametrize(
    ("co_writers", "error"),
    [
        ("\n".join(f"Group {n}" for n in range(51)), "List up to 50 people or groups."),
        ("x" * 201, "Each name must be 200 characters or fewer."),
    ],
)
def test_draft_co_writers_over_the_limits_are_refused(
    tenant_a, officer_a, client_a, co_writers, error
):
    login(client_a, tenant_a, officer_a)

    response = client_a.post(
        "/manage/charter/draft/",
        {"title": "Alpha charter", "introduction": "Hello", "co_writers": co_writers},
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    with tenant_context(tenant_a):
        assert selectors.draft_version().co_writers == []
        with pytest.raises(services.CharterError, match=re.escape(error)):
            services.update_draft(
                selectors.draft_version(),
                acting_user=officer_a,
                title="T",
                introduction="I",
                co_writers=co_writers.splitlines(),
            )
