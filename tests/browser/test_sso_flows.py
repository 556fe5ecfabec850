"""Signing in with the council's own accounts, end to end over HTTP: a real gunicorn serving
CoCharter, a real OpenID Connect provider (django-oauth-toolkit, tests/oidc_provider) in its own
process, and a requests session that follows the redirects, signs in at the provider's form and
allows the consent, as a browser would. Nothing is mocked."""

from __future__ import annotations

import time

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django_tenants.utils import tenant_context

from platform_.accounts.models import User
from platform_.accounts.sso_services import SSOSettings, configure_sso
from tenants.middleware import forget_cached_hosts
from tests.browser.councils import council_with_officer
from tests.fixtures.oidc import (
    hidden_fields,
    sign_in_at_provider,
    sso_sign_in,
    start_sso,
)
from tests.helpers import TEST_PASSWORD, make_user

pytestmark = pytest.mark.integration


def configure(tenant, provider, django_db_blocker, *, require: bool = False) -> None:
    """The council's officer connects the provider (the service the settings page calls)."""
    client_id, secret = provider.clients[tenant.slug]
    with django_db_blocker.unblock(), tenant_context(tenant):
        officer = User.objects.get(email=f"officer@{tenant.slug}.test")
        configure_sso(
            SSOSettings(
                issuer=provider.issuer,
                client_id=client_id,
                client_secret=secret,
                button_label=f"Sign in with {tenant.name} account",
                enabled=True,
                staff_must_use_sso=False,
            ),
            acting_user=officer,
            signed_in_with_sso=False,
        )
        if require:
            tenant.staff_must_use_sso = True
            tenant.save(update_fields=["staff_must_use_sso"])
    if require:
        # The server's workers keep a tenant for up to 2 s in memory (tenants.middleware).
        forget_cached_hosts([f"{tenant.slug}.localhost"])
        time.sleep(2.1)


@pytest.fixture
def alpha(django_db_setup, django_db_blocker, oidc_provider):
    with council_with_officer(
        django_db_blocker, name="SSO Alpha Council", slug="ssoalpha"
    ) as tenant:
        configure(tenant, oidc_provider, django_db_blocker)
        yield tenant


@pytest.fixture
def beta(django_db_setup, django_db_blocker):
    """A second council, unconfigured; its officer has the same primary key as alpha's."""
    with council_with_officer(django_db_blocker, name="SSO Beta Council", slug="ssobeta") as tenant:
        yield tenant


def base_of(server_url: str, tenant) -> str:
    return server_url.format(host=f"{tenant.slug}.localhost")


def signed_in(session, base: str) -> bool:
    """Whether the council's site has someone signed in on this session."""
    return session.get(f"{base}/accounts/email/", allow_redirects=False).status_code == 200


def person(tenant, email, django_db_blocker, **roles):
    with django_db_blocker.unblock():
        return make_user(tenant, email, **roles)


def social_accounts(tenant, django_db_blocker) -> list[tuple[str, str]]:
    with django_db_blocker.unblock(), tenant_context(tenant):
        return list(SocialAccount.objects.values_list("user__email", "provider"))


def test_first_sso_sign_in_links_by_verified_email_and_the_next_uses_the_link(
    server_url, alpha, django_db_blocker, resolve_localhost
):
    base = base_of(server_url, alpha)
    person(alpha, "assessor@ssoalpha.test", django_db_blocker, is_assessor=True)
    with requests.Session() as session:
        final = sso_sign_in(session, base, "assessor")
        assert final.status_code == 200
        assert final.url.startswith(base)
        assert session.get(f"{base}/assess/", allow_redirects=False).status_code == 200
    assert social_accounts(alpha, django_db_blocker) == [("assessor@ssoalpha.test", "council")]

    # Signed out, and in again: the link, not the email, finds the account this time.
    with requests.Session() as session:
        final = sso_sign_in(session, base, "assessor")
        assert final.status_code == 200
        assert session.get(f"{base}/assess/", allow_redirects=False).status_code == 200
    assert social_accounts(alpha, django_db_blocker) == [("assessor@ssoalpha.test", "council")]
    with django_db_blocker.unblock(), tenant_context(alpha):
        assert User.objects.filter(email="assessor@ssoalpha.test").count() == 1


def test_an_unverified_email_is_refused_and_nobody_is_linked_or_signed_in(
    server_url, alpha, django_db_blocker, resolve_localhost
):
    base = base_of(server_url, alpha)
    person(alpha, "member@ssoalpha.test", django_db_blocker, is_organisation_member=True)
    with requests.Session() as session:
        final = sso_sign_in(session, base, "unverified-member")
        assert final.status_code == 403
        assert "You cannot sign in with this account" in final.text
        assert session.get(f"{base}/org/", allow_redirects=False).status_code == 302
    assert social_accounts(alpha, django_db_blocker) == []
    with django_db_blocker.unblock(), tenant_context(alpha):
        assert User.objects.filter(email="member@ssoalpha.test").get().has_usable_password()


def test_someone_new_signs_up_through_sso_as_an_organisation_member_only(
    server_url, alpha, django_db_blocker, resolve_localhost
):
    base = base_of(server_url, alpha)
    with requests.Session() as session:
        final = sso_sign_in(session, base, "newcomer")
        assert final.status_code == 200
        assert session.get(f"{base}/org/", allow_redirects=False).status_code == 200
        assert session.get(f"{base}/manage/", allow_redirects=False).status_code == 403
    with django_db_blocker.unblock(), tenant_context(alpha):
        newcomer = User.objects.get(email="newcomer@ssoalpha.test")
        assert newcomer.roles == ["organisation_member"]
        assert not newcomer.has_usable_password()
        assert newcomer.emailaddress_set.get().verified


def test_when_sso_is_required_an_officer_cannot_use_a_password_but_can_use_sso(
    server_url, alpha, oidc_provider, django_db_blocker, resolve_localhost
):
    base = base_of(server_url, alpha)
    configure(alpha, oidc_provider, django_db_blocker, require=True)
    with requests.Session() as session:
        login_page = session.get(f"{base}/accounts/login/")
        refused = session.post(
            f"{base}/accounts/login/",
            data={
                "csrfmiddlewaretoken": hidden_fields(login_page.text)["csrfmiddlewaretoken"],
                "login": "officer@ssoalpha.test",
                "password": TEST_PASSWORD,
            },
        )
        assert refused.url == f"{base}/accounts/login/"
        assert "must sign in with the council&#x27;s own account" in refused.text
        assert 'id="sso-sign-in"' in refused.text
        assert session.get(f"{base}/manage/", allow_redirects=False).status_code == 302

        final = sso_sign_in(session, base, "officer")
        assert final.status_code == 200
        assert session.get(f"{base}/manage/sso/", allow_redirects=False).status_code == 200

    # An organisation member's password still works.
    person(alpha, "member@ssoalpha.test", django_db_blocker, is_organisation_member=True)
    with requests.Session() as session:
        login_page = session.get(f"{base}/accounts/login/")
        session.post(
            f"{base}/accounts/login/",
            data={
                "csrfmiddlewaretoken": hidden_fields(login_page.text)["csrfmiddlewaretoken"],
                "login": "member@ssoalpha.test",
                "password": TEST_PASSWORD,
            },
        )
        assert session.get(f"{base}/org/", allow_redirects=False).status_code == 200


def test_one_councils_provider_signs_nobody_into_another(
    server_url, alpha, beta, oidc_provider, django_db_blocker, resolve_localhost
):
    alpha_base, beta_base = base_of(server_url, alpha), base_of(server_url, beta)
    with django_db_blocker.unblock(), tenant_context(alpha):
        officer_a = User.objects.get(email="officer@ssoalpha.test")
    with django_db_blocker.unblock(), tenant_context(beta):
        officer_b = User.objects.get(email="officer@ssobeta.test")
    assert officer_a.pk == officer_b.pk  # a missing schema switch would find the wrong person

    # Beta has no provider: no button, and its SSO addresses are not found.
    with requests.Session() as session:
        assert 'id="sso-sign-in"' not in session.get(f"{beta_base}/accounts/login/").text
        assert session.get(f"{beta_base}/accounts/oidc/council/login/").status_code == 404

    # The provider's answer for alpha (code and state), replayed at beta's callback, signs
    # nobody in there, whether beta has a provider or not.
    for beta_configured in (False, True):
        if beta_configured:
            configure(beta, oidc_provider, django_db_blocker)
        with requests.Session() as session:
            redirect = sign_in_at_provider(
                session, start_sso(session, alpha_base), "officer", follow_callback=False
            )
            callback = redirect.headers["Location"]
            assert callback.startswith(f"{alpha_base}/accounts/oidc/council/login/callback/?")
            replayed = session.get(callback.replace(alpha_base, beta_base))
            # allauth's "signing in did not work" page: beta's session holds no such state.
            assert replayed.status_code == (401 if beta_configured else 404)
            assert not signed_in(session, beta_base)
        assert social_accounts(beta, django_db_blocker) == []

    # Linked at alpha, the same person signing in at beta's own provider gets nothing of
    # alpha's: beta has no account with that email, so a new organisation member.
    with requests.Session() as session:
        sso_sign_in(session, alpha_base, "officer")
        assert session.get(f"{alpha_base}/manage/", allow_redirects=False).status_code == 200
        assert session.get(f"{beta_base}/manage/", allow_redirects=False).status_code == 302
    with requests.Session() as session:
        sso_sign_in(session, beta_base, "officer")
        assert session.get(f"{beta_base}/manage/", allow_redirects=False).status_code == 403
    assert social_accounts(alpha, django_db_blocker) == [("officer@ssoalpha.test", "council")]
    assert social_accounts(beta, django_db_blocker) == [("officer@ssoalpha.test", "council")]
    with django_db_blocker.unblock(), tenant_context(beta):
        assert User.objects.get(email="officer@ssoalpha.test").roles == ["organisation_member"]


def test_connecting_someone_elses_council_account_is_refused(
    server_url, alpha, django_db_blocker, resolve_localhost
):
    base = base_of(server_url, alpha)
    person(alpha, "member@ssoalpha.test", django_db_blocker, is_organisation_member=True)
    with requests.Session() as session:
        login_page = session.get(f"{base}/accounts/login/")
        session.post(
            f"{base}/accounts/login/",
            data={
                "csrfmiddlewaretoken": hidden_fields(login_page.text)["csrfmiddlewaretoken"],
                "login": "member@ssoalpha.test",
                "password": TEST_PASSWORD,
            },
        )
        csrf = hidden_fields(session.get(f"{base}/accounts/3rdparty/").text)["csrfmiddlewaretoken"]
        provider_page = session.post(
            f"{base}/accounts/oidc/council/login/?process=connect",
            data={"csrfmiddlewaretoken": csrf},
        )
        final = sign_in_at_provider(session, provider_page, "assessor")
        assert final.status_code == 403
        assert "someone else" in final.text
    assert social_accounts(alpha, django_db_blocker) == []
