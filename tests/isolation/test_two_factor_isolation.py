"""A council's rule of two-step sign-in reaches only its own officers and assessors, and only
its own authenticators count: twin tenants, the same primary keys in both."""

from allauth.mfa.models import Authenticator
from django_tenants.utils import tenant_context

from platform_.accounts.two_factor import TwoFactorAdapter
from tests.accounts.test_two_factor_enforcement import REQUIRED, give_totp, require_two_factor
from tests.helpers import login


def test_the_rule_of_one_council_does_not_reach_another(
    tenant_a, tenant_b, alpha_world, beta_world, client_a, client_b
):
    officer_a, officer_b = alpha_world.users["officer"], beta_world.users["officer"]
    require_two_factor(tenant_a)
    login(client_a, tenant_a, officer_a)
    login(client_b, tenant_b, officer_b)
    assert client_a.get("/manage/")["Location"] == REQUIRED
    assert client_b.get("/manage/").status_code == 200
    # Beta's officer has the same primary key as Alpha's: Beta's factor does not count at Alpha.
    assert officer_a.pk == officer_b.pk
    give_totp(tenant_b, officer_b)
    assert client_a.get("/manage/")["Location"] == REQUIRED
    give_totp(tenant_a, officer_a)
    assert client_a.get("/manage/").status_code == 200


def test_a_rule_in_another_council_lets_the_factor_go(tenant_a, tenant_b, alpha_world, beta_world):
    officer_b = beta_world.users["officer"]
    require_two_factor(tenant_a)
    give_totp(tenant_b, officer_b)
    with tenant_context(tenant_b):
        authenticator = Authenticator.objects.get(user=officer_b)
        assert TwoFactorAdapter().can_delete_authenticator(authenticator) is True
