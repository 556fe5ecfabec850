import pytest
from django.core.exceptions import ValidationError

from tenants.enums import LifecycleStatus
from tenants.services import set_tenant_status
from tests.helpers import TEST_PASSWORD, login, make_user


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
