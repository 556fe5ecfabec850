"""A user, session, URL, cache entry or file of tenant A reaches nothing of tenant B."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_tenants.utils import tenant_context

from platform_.accounts import services
from platform_.accounts.enums import Role
from platform_.accounts.models import User
from tests.helpers import TEST_PASSWORD, login, make_user


@pytest.mark.usefixtures("beta_world")
def test_a_user_of_tenant_a_cannot_sign_in_at_tenant_b(tenant_a, client_a, client_b):
    make_user(tenant_a, "officer@alpha.test", is_council_officer=True)
    credentials = {"login": "officer@alpha.test", "password": TEST_PASSWORD}

    at_b = client_b.post("/accounts/login/", credentials)
    assert at_b.status_code == 200
    assert "govuk-error-summary" in at_b.content.decode()
    assert client_b.get("/manage/").status_code == 302

    assert client_a.post("/accounts/login/", credentials).status_code == 302  # control


def test_users_of_each_tenant_live_in_their_own_schema(tenant_a, tenant_b):
    make_user(tenant_a, "same@person.test")
    make_user(tenant_b, "same@person.test", password="another-password-1")
    with tenant_context(tenant_a):
        assert list(User.objects.values_list("email", flat=True)) == ["same@person.test"]
    with tenant_context(tenant_b):
        user_b = User.objects.get()
        assert user_b.check_password("another-password-1")


@pytest.mark.usefixtures("beta_world")
def test_a_session_cookie_of_tenant_a_does_nothing_at_tenant_b(tenant_a, client_a, client_b):
    officer = make_user(tenant_a, "officer@alpha.test", is_council_officer=True)
    login(client_a, tenant_a, officer)
    assert client_a.get("/manage/").status_code == 200  # control

    client_b.cookies = client_a.cookies  # the stolen cookie, replayed at B
    response = client_b.get("/manage/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.usefixtures("beta_world")
def test_an_object_url_of_tenant_a_is_not_found_at_tenant_b(
    tenant_a, tenant_b, officer_a, officer_b, client_b
):
    with tenant_context(tenant_a):
        invitation = services.invite_person(
            "x@alpha.test", role=Role.ASSESSOR, acting_user=officer_a
        )
    login(client_b, tenant_b, officer_b)

    response = client_b.post(f"/manage/people/invitations/{invitation.pk}/revoke/")

    assert response.status_code == 404
    with tenant_context(tenant_a):
        invitation.refresh_from_db()
        assert invitation.revoked_at is None


@pytest.mark.usefixtures("beta_world")
def test_an_invitation_link_of_tenant_a_is_not_valid_at_tenant_b(
    tenant_a, officer_a, client_a, client_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), tenant_context(tenant_a):
        services.invite_person("x@alpha.test", role=Role.ASSESSOR, acting_user=officer_a)
    path = mail.outbox[0].body.split("http://alpha.localhost", 1)[1].split()[0]

    response = client_b.get(path)

    assert response.status_code == 410
    assert "not valid here" in response.content.decode()
    assert client_a.get(path).status_code == 200  # control


@pytest.mark.usefixtures("beta_world")
def test_people_list_of_tenant_b_shows_nobody_of_tenant_a(
    tenant_a, officer_a, tenant_b, officer_b, client_b
):
    make_user(tenant_a, "assessor@alpha.test", is_assessor=True)
    login(client_b, tenant_b, officer_b)
    html = client_b.get("/manage/people/").content.decode()
    assert "officer@beta.test" in html
    assert "alpha.test" not in html


@pytest.mark.usefixtures("beta_world")
def test_cache_keys_are_per_tenant(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        cache.set("isolation-probe", "alpha's value", 30)
    with tenant_context(tenant_b):
        assert cache.get("isolation-probe") is None
        cache.set("isolation-probe", "beta's value", 30)
    with tenant_context(tenant_a):
        assert cache.get("isolation-probe") == "alpha's value"
        cache.delete("isolation-probe")
    with tenant_context(tenant_b):
        cache.delete("isolation-probe")


@pytest.mark.usefixtures("beta_world")
def test_media_paths_are_per_tenant(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        name = default_storage.save("evidence/probe.txt", ContentFile(b"alpha"))
        path_a = default_storage.path(name)
    try:
        assert f"/{tenant_a.schema_name}/evidence/" in path_a
        with tenant_context(tenant_b):
            assert not default_storage.exists(name)
            assert f"/{tenant_b.schema_name}/" in default_storage.path(name)
    finally:
        with tenant_context(tenant_a):
            default_storage.delete(name)


def test_an_unknown_host_is_not_found(db, client):
    assert client.get("/", HTTP_HOST="nobody.localhost").status_code == 404


def test_the_template_schema_is_not_reachable_by_any_host(db, client):
    assert client.get("/", HTTP_HOST="cocharter-template.localhost").status_code == 404
