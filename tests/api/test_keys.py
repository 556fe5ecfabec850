"""API keys: made and shown once, stored hashed, revoked, audited; the officers' pages."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django_tenants.utils import tenant_context

from platform_.api import services
from platform_.api.enums import ApiEvent, ApiKeyScope
from platform_.api.models import ApiKey
from platform_.audit.models import AuditEvent
from tests.fixtures.api import bearer
from tests.helpers import login, make_user


def test_a_new_key_is_stored_only_as_a_hash_of_its_secret(tenant_a, read_key_a):
    _, prefix, secret = read_key_a.token.split("_")

    with tenant_context(tenant_a):
        key = ApiKey.objects.get()
        row = ApiKey.objects.filter(pk=key.pk).values().first()
    assert (key.prefix, key.scope) == (prefix, ApiKeyScope.READ)
    assert len(secret) == 64  # 256 random bits
    assert key.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(row)


def test_making_and_revoking_a_key_are_audited(tenant_a, officer_a, read_key_a):
    with tenant_context(tenant_a):
        services.revoke_api_key(read_key_a.key, acting_user=officer_a)
        services.revoke_api_key(read_key_a.key, acting_user=officer_a)  # nothing more
        events = list(
            AuditEvent.objects.filter(object_type="api.apikey")
            .order_by("pk")
            .values_list("key", "actor", "new_value", "old_value")
        )
    assert events == [
        (ApiEvent.KEY_CREATED, officer_a.pk, {"name": "Council website", "scope": "read"}, None),
        (ApiEvent.KEY_REVOKED, officer_a.pk, None, {"name": "Council website"}),
    ]


def test_only_officers_make_or_revoke_keys(tenant_a, read_key_a):
    assessor = make_user(tenant_a, "assessor@alpha.test", is_assessor=True)
    with tenant_context(tenant_a):
        with pytest.raises(PermissionDenied):
            services.create_api_key(name="x", scope=ApiKeyScope.READ, acting_user=assessor)
        with pytest.raises(PermissionDenied):
            services.revoke_api_key(read_key_a.key, acting_user=assessor)


@pytest.mark.parametrize(
    "token",
    ["", "cck", "cck__secret", "cck_prefix_", "xyz_abc_def", "cck_abc"],
)
def test_tokens_not_shaped_like_a_key_are_not_looked_up(tenant_a, token):
    with tenant_context(tenant_a):
        assert services.key_for_token(token) is None


def test_the_key_list_shows_keys_without_their_secrets(tenant_a, client_a, officer_a, read_key_a):
    login(client_a, tenant_a, officer_a)
    client_a.get("/api/v1/manage/awards/", **bearer(read_key_a))

    html = client_a.get("/manage/api-keys/").content.decode()

    assert "Council website" in html
    assert f"cck_{read_key_a.key.prefix}_" in html
    assert read_key_a.token not in html
    assert "1 reads, 0 changes" in html


def test_making_a_key_shows_the_token_once(tenant_a, client_a, officer_a):
    login(client_a, tenant_a, officer_a)

    response = client_a.post("/manage/api-keys/new/", {"name": "Schools CRM", "scope": "read"})

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    with tenant_context(tenant_a):
        key = ApiKey.objects.get()
    html = response.content.decode()
    token = html.split('id="api-key" name="api-key" type="text" value="')[1].split('"')[0]
    assert token.startswith(f"cck_{key.prefix}_")
    assert key.secret_hash == hashlib.sha256(token.split("_")[2].encode()).hexdigest()
    assert token not in client_a.get("/manage/api-keys/").content.decode()
    assert (
        client_a.get("/api/v1/manage/awards/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code
        == 200
    )


def test_making_a_key_without_a_name_shows_the_error_summary(tenant_a, client_a, officer_a):
    login(client_a, tenant_a, officer_a)

    response = client_a.post("/manage/api-keys/new/", {"name": "", "scope": "read"})

    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter" in html or "This field is required" in html
    with tenant_context(tenant_a):
        assert not ApiKey.objects.exists()


def test_revoking_asks_first_then_revokes(tenant_a, client_a, officer_a, read_key_a):
    login(client_a, tenant_a, officer_a)
    path = f"/manage/api-keys/{read_key_a.key.pk}/revoke/"

    question = client_a.get(path).content.decode()
    response = client_a.post(path)

    assert "Revoke the key “Council website”?" in question
    assert response.status_code == 302 and response["Location"] == "/manage/api-keys/"
    with tenant_context(tenant_a):
        assert ApiKey.objects.get().revoked_at is not None
    assert client_a.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/manage/api-keys/", "/manage/api-keys/new/"])
def test_people_who_are_not_officers_cannot_see_the_key_pages(tenant_a, client_a, path):
    login(client_a, tenant_a, make_user(tenant_a, "assessor@alpha.test", is_assessor=True))

    assert client_a.get(path).status_code == 403
