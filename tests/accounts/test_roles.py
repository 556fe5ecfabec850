"""Every role against every permission and every area: the role rules, as a matrix."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django_tenants.utils import schema_context, tenant_context

from platform_.accounts.rules import TENANT_PERMISSIONS
from tests.factories import UserFactory
from tests.helpers import login, make_user

ROLES = {
    "council officer": {"is_council_officer": True},
    "assessor": {"is_assessor": True},
    "lived-experience assessor": {"is_assessor": True, "has_lived_experience": True},
    "organisation member": {"is_organisation_member": True},
    "officer who also assesses": {"is_council_officer": True, "is_assessor": True},
    "no role": {},
}

# role -> the tenant permissions it holds
EXPECTED = {
    "council officer": {"tenant.manage", "tenant.invite_people"},
    "assessor": {"tenant.assess"},
    "lived-experience assessor": {"tenant.assess"},
    "organisation member": {"tenant.use_organisation_area"},
    "officer who also assesses": {"tenant.manage", "tenant.invite_people", "tenant.assess"},
    "no role": set(),
}
# Every signed-in person may reach /org/ to register or join an organisation.
SIGNED_IN = {"charters.register_organisation"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("permission", TENANT_PERMISSIONS)
def test_role_permission_matrix(tenant_a, role, permission):
    with tenant_context(tenant_a):
        user = UserFactory(**ROLES[role])
        assert user.has_perm(permission) is (permission in EXPECTED[role])


@pytest.mark.parametrize("permission", TENANT_PERMISSIONS)
def test_anonymous_holds_no_tenant_permission(tenant_a, permission):
    with tenant_context(tenant_a):
        assert AnonymousUser().has_perm(permission) is False


@pytest.mark.parametrize("permission", TENANT_PERMISSIONS)
def test_inactive_officer_holds_no_permission(tenant_a, permission):
    with tenant_context(tenant_a):
        user = UserFactory(
            is_council_officer=True, is_assessor=True, is_organisation_member=True, is_active=False
        )
        assert user.has_perm(permission) is False


def test_tenant_roles_mean_nothing_on_the_platform_host(db):
    with schema_context("public"):
        user = UserFactory(is_council_officer=True, is_staff=True)
        assert user.has_perm("tenant.manage") is False
        assert user.has_perm("platform.operate") is True


def test_platform_staff_cannot_operate_from_a_tenant_site(tenant_a):
    with tenant_context(tenant_a):
        assert UserFactory(is_staff=True).has_perm("platform.operate") is False


AREAS = {
    "/manage/": "tenant.manage",
    "/manage/people/": "tenant.manage",
    "/manage/contact/": "tenant.manage",
    "/manage/people/invite/": "tenant.invite_people",
    "/manage/billing/": "tenant.manage",
    "/manage/api-keys/": "tenant.manage",
    "/manage/api-keys/new/": "tenant.manage",
    "/manage/webhooks/": "tenant.manage",
    "/manage/webhooks/add/": "tenant.manage",
    "/assess/": "tenant.assess",
    "/org/": "charters.register_organisation",
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", AREAS)
def test_area_access_matrix(tenant_a, client_a, role, path):
    user = make_user(tenant_a, "person@alpha.test", **ROLES[role])
    login(client_a, tenant_a, user)

    response = client_a.get(path)

    expected = 200 if AREAS[path] in EXPECTED[role] | SIGNED_IN else 403
    assert response.status_code == expected


@pytest.mark.parametrize("path", AREAS)
def test_anonymous_visitors_are_sent_to_sign_in(client_a, path):
    response = client_a.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


def test_navigation_shows_only_the_areas_a_role_may_use(tenant_a, client_a):
    user = make_user(tenant_a, "assessor@alpha.test", is_assessor=True)
    login(client_a, tenant_a, user)

    html = client_a.get("/").content.decode()

    assert 'href="/assess/"' in html
    assert 'href="/manage/"' not in html
    assert 'href="/org/"' in html  # anyone may register an organisation


def test_permissions_refused_on_a_council_site_read_no_permission_tables(
    tenant_a, django_assert_num_queries
):
    """Roles are flags: a permission rules refuses (the navigation asks three on every page) is
    refused without reading Django's user and group permission tables."""
    member = make_user(tenant_a, "member@alpha.test", is_organisation_member=True)
    with tenant_context(tenant_a):
        member = type(member).objects.get(pk=member.pk)
        with django_assert_num_queries(0):
            assert member.has_perm("tenant.manage") is False
            assert member.has_perm("tenant.use_organisation_area") is True
            assert member.has_perm("accounts.change_user") is False
            assert member.get_all_permissions() == set()
            assert member.has_module_perms("accounts") is False
