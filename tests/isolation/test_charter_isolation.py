"""Tenant A's charter, organisations, register entries and badges do not exist at tenant B."""

import pytest
from django_tenants.utils import tenant_context

from charters import selectors
from tests.fixtures.charters import publish_current_draft, register, sign
from tests.helpers import login, make_user


@pytest.fixture
def alpha_signed(tenant_a, officer_a):
    publish_current_draft(tenant_a, officer_a)
    lead = make_user(tenant_a, "head@oakfield.test")
    organisation = register(tenant_a, lead)
    sign(tenant_a, organisation, lead)
    return organisation, lead


@pytest.mark.parametrize(
    "path",
    [
        "/register/oakfield-primary-school/",
        "/badge/oakfield-primary-school.svg",
        "/org/oakfield-primary-school/join/",
    ],
)
def test_alpha_urls_are_not_found_at_beta(
    alpha_signed, tenant_a, officer_a, tenant_b, officer_b, client_a, client_b, path
):
    login(client_a, tenant_a, officer_a)
    login(client_b, tenant_b, officer_b)
    assert client_a.get(path).status_code == 200  # control
    assert client_b.get(path).status_code == 404


def test_alphas_published_charter_is_not_betas(alpha_signed, client_a, client_b):
    """Beta has published nothing: its charter page says so (200, see CharterView), and shows
    nothing of Alpha's."""
    alpha = client_a.get("/charter/")
    assert alpha.templates[0].name == "charters/charter/public.html"  # control
    title = alpha.context["version"].title

    beta = client_b.get("/charter/")

    assert beta.templates[0].name == "charters/charter/being_written.html"
    assert title not in beta.content.decode()
    assert "Alpha" not in beta.content.decode()


@pytest.mark.usefixtures("beta_world")
def test_officer_of_beta_cannot_reach_alpha_organisations(
    alpha_signed, tenant_b, officer_b, client_b
):
    login(client_b, tenant_b, officer_b)
    assert client_b.get("/org/oakfield-primary-school/").status_code == 404
    assert "Oakfield" not in client_b.get("/manage/organisations/").content.decode()
    assert "Oakfield" not in client_b.get("/manage/organisations.csv").content.decode()
    assert "Oakfield" not in client_b.get("/register.csv").content.decode()
    assert "Oakfield" not in client_b.get("/register.json").content.decode()


@pytest.mark.usefixtures("beta_world")
def test_a_lead_of_alpha_is_nobody_at_beta(alpha_signed, tenant_b, client_b):
    _, lead = alpha_signed
    # The same person signing in at beta has no account there at all.
    response = client_b.post(
        "/accounts/login/", {"login": lead.email, "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 200


def test_publishing_at_alpha_leaves_beta_draft_alone(alpha_signed, tenant_b, client_b):
    with tenant_context(tenant_b):
        assert selectors.current_version() is None
        assert selectors.draft_version() is not None


@pytest.mark.usefixtures("beta_world")
def test_principle_pictures_are_per_tenant(tenant_a, officer_a, alpha_signed, client_b):
    with tenant_context(tenant_a):
        principle = selectors.current_version().principles.first()
    assert client_b.get(f"/charter/pictures/{principle.pk}/").status_code == 404


@pytest.mark.usefixtures("beta_world")
def test_register_cache_is_per_tenant(alpha_signed, tenant_b, officer_b, client_a, client_b):
    client_a.get("/register.csv")  # fill alpha's cache
    publish_current_draft(tenant_b, officer_b)
    assert "Oakfield" not in client_b.get("/register.csv").content.decode()


@pytest.mark.usefixtures("beta_world")
def test_organisation_slugs_are_per_tenant(alpha_signed, tenant_b):
    lead_b = make_user(tenant_b, "head@oakfield-b.test")
    organisation = register(tenant_b, lead_b)
    assert organisation.slug == "oakfield-primary-school"
