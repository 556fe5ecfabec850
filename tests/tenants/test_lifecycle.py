import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from tenants.enums import LifecycleStatus
from tenants.middleware import forget_cached_hosts, tenant_cache_key
from tenants.models import Tenant
from tenants.services import set_tenant_status
from tests.helpers import TEST_PASSWORD, host_of, login, make_user


def test_suspended_tenant_is_read_only(tenant_a, officer_a, client_a):
    login(client_a, tenant_a, officer_a)
    set_tenant_status(tenant_a, LifecycleStatus.SUSPENDED, acting_user=None)

    assert client_a.get("/manage/people/").status_code == 200
    response = client_a.post(
        "/manage/people/invite/", {"email": "x@alpha.test", "role": "assessor"}
    )
    assert response.status_code == 403
    assert "Changes are paused" in response.content.decode()


def test_suspended_tenant_still_lets_people_sign_in(tenant_a, client_a):
    make_user(tenant_a, "officer@alpha.test", is_council_officer=True)
    set_tenant_status(tenant_a, LifecycleStatus.SUSPENDED, acting_user=None)
    response = client_a.post(
        "/accounts/login/", {"login": "officer@alpha.test", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302


def test_closed_tenant_answers_gone(tenant_a, client_a):
    set_tenant_status(tenant_a, LifecycleStatus.CLOSED, acting_user=None)
    response = client_a.get("/")
    assert response.status_code == 410
    assert "This site has closed" in response.content.decode()


def test_status_change_reaches_the_next_request_despite_the_host_cache(tenant_a, client_a):
    assert client_a.get("/").status_code == 200  # caches the tenant by host
    set_tenant_status(tenant_a, LifecycleStatus.CLOSED, acting_user=None)
    assert client_a.get("/").status_code == 410
    set_tenant_status(tenant_a, LifecycleStatus.ACTIVE, acting_user=None)
    assert client_a.get("/").status_code == 200


def test_template_status_cannot_be_set(tenant_a):
    with pytest.raises(ValidationError):
        set_tenant_status(tenant_a, LifecycleStatus.TEMPLATE, acting_user=None)


def test_the_tenant_by_host_is_held_in_the_process_for_a_moment(tenant_a, client_a, monkeypatch):
    """A second request skips Redis too (the verification page's speed); a change made through
    the models clears it at once (forget_cached_hosts)."""
    monkeypatch.setattr("tenants.middleware.LOCAL_TIMEOUT", 60)  # however slow this machine is
    assert client_a.get("/").status_code == 200
    Tenant.objects.filter(pk=tenant_a.pk).update(name="Renamed without signals")
    with schema_context("public"):  # not even Redis holds the old row now: only the process
        cache.delete(tenant_cache_key(host_of(tenant_a)))
    assert "Alpha City Council" in client_a.get("/").content.decode()

    forget_cached_hosts([host_of(tenant_a)])
    assert "Renamed without signals" in client_a.get("/").content.decode()
