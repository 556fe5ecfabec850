"""Tenant A's applications, assignments and evidence files do not exist at tenant B."""

import pytest
from django_tenants.utils import tenant_context

from accreditation import services
from tests.fixtures.accreditation import pdf, submitted
from tests.helpers import login, make_user

# Tenant B holds its own rows at the primary keys of the world both tenants share (conftest).
pytestmark = pytest.mark.usefixtures("beta_world")


@pytest.fixture
def alpha_case(tenant_a, officer_a, application, lead_a, criteria_a, assessor_a):
    with tenant_context(tenant_a):
        evidence = services.add_evidence(
            application,
            acting_user=lead_a,
            kind="file",
            title="Minutes",
            criteria=criteria_a,
            upload=pdf(),
        )
    submitted(tenant_a, application, lead_a, criteria_a)
    with tenant_context(tenant_a):
        assignment = services.assign_assessor(
            application, acting_user=officer_a, assessor=assessor_a
        )
    yield {"application": application, "evidence": evidence, "assignment": assignment}
    with tenant_context(tenant_a):
        evidence.file.delete(save=False)


def test_officer_of_beta_reaches_nothing_of_alpha(alpha_case, tenant_b, officer_b, client_b):
    login(client_b, tenant_b, officer_b)
    pk = alpha_case["application"].pk
    assert client_b.get(f"/manage/applications/{pk}/").status_code == 404
    assert (
        client_b.post(
            f"/manage/applications/{pk}/decide/", {"outcome": "award", "reasons": "x"}
        ).status_code
        == 404
    )
    assert "Oakfield" not in client_b.get("/manage/applications/").content.decode()
    assert client_b.get(f"/evidence/{alpha_case['evidence'].pk}/file/").status_code == 404


def test_an_assessor_of_beta_cannot_open_alphas_assignment(alpha_case, tenant_b, client_b):
    assessor_b = make_user(tenant_b, "assessor@beta.test", is_assessor=True)
    login(client_b, tenant_b, assessor_b)
    assert client_b.get(f"/assess/{alpha_case['assignment'].pk}/").status_code == 404


def test_alpha_application_urls_are_not_found_at_beta(alpha_case, tenant_b, officer_b, client_b):
    login(client_b, tenant_b, officer_b)
    pk = alpha_case["application"].pk
    for suffix in ("", "evidence/add/", "submit/"):
        assert (
            client_b.get(f"/org/oakfield-primary-school/applications/{pk}/{suffix}").status_code
            == 404
        )


def test_evidence_files_live_under_the_tenants_own_folder(tenant_a, alpha_case):
    with tenant_context(tenant_a):
        path = alpha_case["evidence"].file.path
    assert f"/{tenant_a.schema_name}/evidence/{alpha_case['application'].pk}/" in path


def test_alpha_criteria_and_rounds_are_not_found_at_beta(
    tenant_a, officer_a, criteria_a, round_a, tenant_b, officer_b, client_a, client_b
):
    login(client_a, tenant_a, officer_a)
    login(client_b, tenant_b, officer_b)
    for path in (
        f"/manage/accreditation/criteria/{criteria_a[0].pk}/",
        f"/manage/accreditation/rounds/{round_a.pk}/",
    ):
        assert client_a.get(path).status_code == 200  # control
        assert client_b.get(path).status_code == 404
