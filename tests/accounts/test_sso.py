"""The council's sign-in provider: the settings page (who may reach it, its errors, the secret kept
write-only and encrypted, the redirect URI, queries), the lock-out guards, the staff rule at
sign-in and on every request, and one council's provider meaning nothing in another.

The end-to-end flows through a real OpenID Connect provider are in tests/browser/test_sso_*.py.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.utils import translation
from django_tenants.utils import tenant_context

from platform_.accounts.models import User
from platform_.accounts.sso import (
    PROVIDER_ID,
    SSOEvent,
    council_app,
    decrypt_secret,
)
from platform_.accounts.sso_adapter import CouncilSocialAccountAdapter, email_is_verified
from platform_.accounts.sso_services import SSOSettings, configure_sso
from platform_.audit.models import AuditEvent
from tenants.enums import LifecycleStatus
from tenants.models import Tenant
from tenants.services import set_tenant_status
from tests.helpers import TEST_PASSWORD, committed, login, make_user
from tests.platform_.test_languages import english_left, segments

SECRET = "s3cr3t-value-from-entra-0123456789"
SSO_PAGE_QUERIES = 3


class _Discovery(BaseHTTPRequestHandler):
    document: dict = {}

    def do_GET(self):
        if self.path != "/.well-known/openid-configuration":
            self.send_error(404)
            return
        body = json.dumps(self.server.document).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def issuer():
    """A real HTTP server on loopback answering an OpenID discovery document for itself."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Discovery)
    url = f"http://127.0.0.1:{server.server_port}"
    server.document = {
        "issuer": url,
        "authorization_endpoint": f"{url}/authorize",
        "token_endpoint": f"{url}/token",
        "jwks_uri": f"{url}/jwks",
    }
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url
    server.shutdown()


def settings_for(issuer: str, **changes) -> SSOSettings:
    values = {
        "issuer": issuer,
        "client_id": "client-123",
        "client_secret": SECRET,
        "button_label": "Sign in with Alpha account",
        "enabled": True,
        "staff_must_use_sso": False,
        **changes,
    }
    return SSOSettings(**values)


def form_data(issuer: str, **changes) -> dict:
    data = {
        "issuer": issuer,
        "client_id": "client-123",
        "client_secret": SECRET,
        "button_label": "Sign in with Alpha account",
        "enabled": "on",
        **changes,
    }
    return {key: value for key, value in data.items() if value is not None}


def mark_signed_in_with_sso(client, tenant, user) -> None:
    """What allauth records in the session when the council's provider signed ``user`` in."""
    with tenant_context(tenant):
        session = client.session
        session["account_authentication_methods"] = [
            {"method": "socialaccount", "at": time.time(), "provider": PROVIDER_ID, "uid": "1"}
        ]
        session["account_authentication_methods_user"] = str(user.pk)
        session.save()


def configure(tenant, officer, issuer, **changes) -> SocialApp:
    with tenant_context(tenant), committed():
        return configure_sso(
            settings_for(issuer, **changes), acting_user=officer, signed_in_with_sso=False
        )


# --- Who may reach the page ----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client_a):
    response = client_a.get("/manage/sso/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "roles",
    [
        {"is_assessor": True},
        {"is_assessor": True, "has_lived_experience": True},
        {"is_organisation_member": True},
        {},
    ],
    ids=["assessor", "lived-experience assessor", "organisation member", "no role"],
)
def test_only_officers_reach_the_page(tenant_a, client_a, issuer, roles):
    user = make_user(tenant_a, "someone@alpha.test", **roles)
    login(client_a, tenant_a, user)
    assert client_a.get("/manage/sso/").status_code == 403
    assert client_a.post("/manage/sso/", form_data(issuer)).status_code == 403
    with tenant_context(tenant_a):
        assert not SocialApp.objects.exists()


def test_the_page_does_not_exist_on_the_platform_host(platform_client):
    assert platform_client.get("/manage/sso/").status_code == 404


def test_an_officer_sees_the_redirect_uri_on_the_primary_domain_whatever_the_host(
    tenant_a, officer_a, client_a
):
    login(client_a, tenant_a, officer_a)
    response = client_a.get("/manage/sso/", HTTP_HOST="alpha.localhost:9999")
    assert response.status_code == 200
    assert (
        '<code id="redirect-uri">http://alpha.localhost/accounts/oidc/council/login/callback/'
        "</code>" in response.content.decode()
    )


# --- Saving --------------------------------------------------------------------------------------


def test_saving_stores_the_secret_encrypted_and_never_shows_it_back(
    tenant_a, officer_a, client_a, issuer
):
    login(client_a, tenant_a, officer_a)
    with committed():
        response = client_a.post("/manage/sso/", form_data(issuer))
    assert response.status_code == 302
    with tenant_context(tenant_a):
        app = council_app()
        assert (app.provider, app.provider_id, app.client_id, app.name) == (
            "openid_connect",
            "council",
            "client-123",
            "Sign in with Alpha account",
        )
        assert app.secret == ""
        assert SECRET not in json.dumps(app.settings)
        assert decrypt_secret(app) == SECRET
        assert app.settings["server_url"] == issuer
        assert app.settings["oauth_pkce_enabled"] is True
        event = AuditEvent.objects.get(key=SSOEvent.SETTINGS_CHANGED)
        assert event.actor == officer_a
        assert event.old_value == {}
        assert event.new_value == {
            "issuer": issuer,
            "client_id": "client-123",
            "button_label": "Sign in with Alpha account",
            "enabled": True,
            "client_secret": "changed",
        }
    page = client_a.get("/manage/sso/").content.decode()
    assert SECRET not in page
    assert "A secret is saved" in page

    # Saved again without a secret: the stored one is kept.
    with committed():
        client_a.post("/manage/sso/", form_data(issuer, client_secret="", button_label="Sign in"))
    with tenant_context(tenant_a):
        app = council_app()
        assert decrypt_secret(app) == SECRET
        assert app.name == "Sign in"
        latest = AuditEvent.objects.filter(key=SSOEvent.SETTINGS_CHANGED).latest("id")
        assert "client_secret" not in latest.new_value


def test_a_new_provider_needs_a_secret(tenant_a, officer_a, client_a, issuer):
    login(client_a, tenant_a, officer_a)
    response = client_a.post("/manage/sso/", form_data(issuer, client_secret=""))
    assert response.status_code == 200
    assert "Enter the client secret" in response.content.decode()


def test_an_issuer_that_does_not_answer_is_refused_with_an_error_summary(
    tenant_a, officer_a, client_a, issuer
):
    login(client_a, tenant_a, officer_a)
    response = client_a.post("/manage/sso/", form_data(f"{issuer}/nothing-here"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "We could not read the provider&#x27;s OpenID configuration" in html
    assert "<title>Error:" in html
    with tenant_context(tenant_a):
        assert not SocialApp.objects.exists()


def test_an_issuer_that_calls_itself_something_else_is_refused(
    tenant_a, officer_a, client_a, issuer
):
    login(client_a, tenant_a, officer_a)
    other_host = issuer.replace("127.0.0.1", "localhost")
    response = client_a.post("/manage/sso/", form_data(other_host))
    assert f"The provider calls itself {issuer}" in response.content.decode()


@override_settings(SSO_ALLOW_LOCAL_ISSUERS=False)
@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://login.example.com/tenant", "Enter an issuer URL that starts with https://"),
        ("https://127.0.0.1:8443/", "The issuer URL must be a public internet address."),
        ("https://localhost/", "The issuer URL must be a public internet address."),
    ],
)
def test_outside_development_only_https_public_issuers_are_fetched(
    tenant_a, officer_a, client_a, url, message
):
    login(client_a, tenant_a, officer_a)
    response = client_a.post("/manage/sso/", form_data(url))
    assert message in response.content.decode()


def test_a_suspended_council_cannot_change_sign_in(tenant_a, officer_a, client_a, issuer):
    set_tenant_status(tenant_a, LifecycleStatus.SUSPENDED, acting_user=None)
    login(client_a, tenant_a, officer_a)
    assert client_a.get("/manage/sso/").status_code == 200
    assert client_a.post("/manage/sso/", form_data(issuer)).status_code == 403
    with tenant_context(tenant_a):
        assert not SocialApp.objects.exists()


def test_a_suspended_council_still_signs_people_in_with_its_provider(
    tenant_a, officer_a, client_a, issuer
):
    configure(tenant_a, officer_a, issuer)
    set_tenant_status(tenant_a, LifecycleStatus.SUSPENDED, acting_user=None)
    response = client_a.post("/accounts/oidc/council/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{issuer}/authorize?")
    assert "code_challenge=" in response["Location"]


@pytest.mark.parametrize("with_provider", [False, True])
def test_sso_page_query_count_is_pinned(
    with_provider, tenant_a, officer_a, client_a, issuer, django_assert_num_queries
):
    if with_provider:
        configure(tenant_a, officer_a, issuer)
    login(client_a, tenant_a, officer_a)
    client_a.get("/manage/sso/")  # warm: session and tenant caches filled, as in steady use
    with django_assert_num_queries(SSO_PAGE_QUERIES):
        response = client_a.get("/manage/sso/")
    assert response.status_code == 200


# --- Requiring SSO for officers and assessors: no lock-outs ------------------------------------


def test_requiring_sso_is_refused_while_the_provider_is_off(tenant_a, officer_a, client_a, issuer):
    login(client_a, tenant_a, officer_a)
    mark_signed_in_with_sso(client_a, tenant_a, officer_a)
    response = client_a.post(
        "/manage/sso/", form_data(issuer, enabled=None, staff_must_use_sso="on")
    )
    assert "Switch on sign-in with the council&#x27;s accounts before requiring it" in (
        response.content.decode()
    )
    assert Tenant.objects.get(pk=tenant_a.pk).staff_must_use_sso is False


def test_requiring_sso_is_refused_unless_this_session_came_through_it(
    tenant_a, officer_a, client_a, issuer
):
    configure(tenant_a, officer_a, issuer)
    login(client_a, tenant_a, officer_a)
    response = client_a.post("/manage/sso/", form_data(issuer, staff_must_use_sso="on"))
    assert "Sign out, then sign in with the council" in response.content.decode()
    assert Tenant.objects.get(pk=tenant_a.pk).staff_must_use_sso is False


def test_an_officer_signed_in_through_sso_requires_it_and_it_takes_effect_at_once(
    tenant_a, officer_a, client_a, issuer
):
    configure(tenant_a, officer_a, issuer)
    login(client_a, tenant_a, officer_a)
    mark_signed_in_with_sso(client_a, tenant_a, officer_a)
    assert client_a.get("/").status_code == 200  # the tenant is now cached by host
    with committed():
        response = client_a.post("/manage/sso/", form_data(issuer, staff_must_use_sso="on"))
    assert response.status_code == 302
    assert Tenant.objects.get(pk=tenant_a.pk).staff_must_use_sso is True
    with tenant_context(tenant_a):
        event = AuditEvent.objects.get(key=SSOEvent.REQUIREMENT_CHANGED)
        assert (event.actor, event.old_value, event.new_value) == (
            officer_a,
            {"staff_must_use_sso": False},
            {"staff_must_use_sso": True},
        )

    # The cached tenant was dropped on save: another officer's password session is refused
    # on its very next request.
    other = make_user(tenant_a, "officer2@alpha.test", is_council_officer=True)
    password_session = login(Client(HTTP_HOST="alpha.localhost"), tenant_a, other)
    response = password_session.get("/manage/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert password_session.get("/manage/").status_code == 302
    # The SSO session goes on.
    assert client_a.get("/manage/sso/").status_code == 200

    # Turning the provider off while it is required would lock staff out: refused.
    response = client_a.post(
        "/manage/sso/", form_data(issuer, enabled=None, staff_must_use_sso="on")
    )
    assert response.status_code == 200
    with tenant_context(tenant_a):
        assert council_app().settings["enabled"] is True


# --- The rule at sign-in -----------------------------------------------------------------------


def require_sso(tenant) -> None:
    Tenant.objects.filter(pk=tenant.pk).update(staff_must_use_sso=True)


@pytest.mark.parametrize(
    "roles", [{"is_council_officer": True}, {"is_assessor": True}], ids=["officer", "assessor"]
)
def test_staff_cannot_sign_in_with_a_password_when_sso_is_required(
    tenant_a, client_a, issuer, roles
):
    officer = make_user(tenant_a, "boss@alpha.test", is_council_officer=True)
    configure(tenant_a, officer, issuer)
    make_user(tenant_a, "staff@alpha.test", **roles)
    require_sso(tenant_a)
    response = client_a.post(
        "/accounts/login/", {"login": "staff@alpha.test", "password": TEST_PASSWORD}, follow=True
    )
    html = response.content.decode().replace("&#x27;", "'")
    assert "must sign in with the council's own account" in html
    assert 'id="sso-sign-in"' in html
    assert "Sign in with Alpha account" in html
    assert not response.wsgi_request.user.is_authenticated
    assert client_a.get("/manage/").status_code == 302


def test_organisation_members_still_sign_in_with_a_password(tenant_a, client_a):
    make_user(tenant_a, "member@alpha.test", is_organisation_member=True)
    require_sso(tenant_a)
    response = client_a.post(
        "/accounts/login/", {"login": "member@alpha.test", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert client_a.get("/org/").status_code == 200


def test_without_the_rule_officers_sign_in_with_a_password(tenant_a, officer_a, client_a):
    response = client_a.post(
        "/accounts/login/", {"login": "officer@alpha.test", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert client_a.get("/manage/").status_code == 200


# --- The login page and the provider lookup ------------------------------------------------------


def test_the_sign_in_page_shows_the_button_only_while_the_provider_is_on(
    tenant_a, officer_a, client_a, issuer
):
    assert 'id="sso-sign-in"' not in client_a.get("/accounts/login/").content.decode()
    configure(tenant_a, officer_a, issuer)
    html = client_a.get("/accounts/login/").content.decode()
    assert 'action="/accounts/oidc/council/login/?process=login"' in html
    assert 'id="sso-sign-in">Sign in with Alpha account</button>' in html
    # The button's form is redirected to the provider: the page's policy lets it go there only.
    policy = client_a.get("/accounts/login/")["Content-Security-Policy"]
    assert f"form-action 'self' {issuer};" in policy
    assert "form-action 'self';" in client_a.get("/")["Content-Security-Policy"]
    configure(tenant_a, officer_a, issuer, client_secret="", enabled=False)
    assert 'id="sso-sign-in"' not in client_a.get("/accounts/login/").content.decode()
    assert client_a.post("/accounts/oidc/council/login/").status_code == 404


def test_one_councils_provider_is_not_found_in_another(
    tenant_a, tenant_b, officer_a, client_b, issuer, rf
):
    app = configure(tenant_a, officer_a, issuer)
    with tenant_context(tenant_b):
        assert SocialApp.objects.filter(pk=app.pk).exists() is False
        assert CouncilSocialAccountAdapter().list_apps(rf.get("/")) == []
    assert 'id="sso-sign-in"' not in client_b.get("/accounts/login/").content.decode()
    assert client_b.post("/accounts/oidc/council/login/").status_code == 404
    assert client_b.get("/accounts/oidc/council/login/callback/?code=x&state=y").status_code == 404


@pytest.mark.parametrize(
    ("claim", "verified"),
    [(True, True), ("true", True), ("TRUE", True), (False, False), ("false", False), (None, False)],
)
def test_only_a_true_email_verified_claim_counts(claim, verified):
    claims = (
        {"email": "a@b.test"} if claim is None else {"email": "a@b.test", "email_verified": claim}
    )
    assert email_is_verified(claims) is verified


ENTRA = "https://login.microsoftonline.com/6f1c2a9e-0000-4000-8000-000000000001/v2.0"


@pytest.mark.parametrize(
    ("claims", "id_token", "verified"),
    [
        # Entra ID sends no email_verified for work accounts; its xms_edov stands in.
        ({"email": "a@b.test"}, {"iss": ENTRA, "xms_edov": True}, True),
        ({"email": "a@b.test"}, {"iss": ENTRA, "xms_edov": "true"}, True),
        ({"email": "a@b.test"}, {"iss": ENTRA, "xms_edov": False}, False),
        ({"email": "a@b.test"}, {"iss": ENTRA}, False),  # the optional claim not added
        # Only from an Entra issuer, and never over an email_verified that says no.
        ({"email": "a@b.test"}, {"iss": "https://idp.example", "xms_edov": True}, False),
        ({"email": "a@b.test", "email_verified": False}, {"iss": ENTRA, "xms_edov": True}, False),
    ],
)
def test_entras_domain_owner_claim_counts_only_where_email_verified_is_absent(
    claims, id_token, verified
):
    assert email_is_verified(claims, id_token) is verified


def test_platform_staff_can_let_staff_use_passwords_again(platform_client, tenant_a, tenant_b):
    User.objects.create_superuser("staff@platform.test", TEST_PASSWORD)
    platform_client.login(username="staff@platform.test", password=TEST_PASSWORD)
    require_sso(tenant_a)
    response = platform_client.post(
        "/admin/tenants/tenant/",
        {"action": "stop_requiring_sso", ACTION_CHECKBOX_NAME: [tenant_a.pk, tenant_b.pk]},
        follow=True,
    )
    assert "Alpha City Council: officers and assessors may use passwords again." in (
        response.content.decode()
    )
    assert Tenant.objects.get(pk=tenant_a.pk).staff_must_use_sso is False
    assert Tenant.objects.get(pk=tenant_b.pk).staff_must_use_sso is False


@pytest.mark.parametrize(
    ("status", "open_"),
    [
        (LifecycleStatus.ACTIVE, True),
        (LifecycleStatus.SUSPENDED, False),
        (LifecycleStatus.CLOSED, False),
    ],
)
def test_nobody_new_joins_through_sso_while_suspended_or_closed(tenant_a, rf, status, open_):
    tenant_a.status = status
    request = rf.get("/")
    request.tenant = tenant_a
    with tenant_context(tenant_a):
        assert CouncilSocialAccountAdapter().is_open_for_signup(request, None) is open_


# --- In Welsh ------------------------------------------------------------------------------------


def test_the_sign_in_pages_with_the_councils_account_are_in_welsh(
    tenant_a, officer_a, client_a, issuer
):
    """The sign-in page's second way in, and the page before the provider's (what anyone
    signing in with the council's account meets, organisation members included)."""
    configure(tenant_a, officer_a, issuer)
    for path in ("/accounts/login/", "/accounts/oidc/council/login/"):
        assert english_left(client_a, path, allowed=("Alpha",)) == [], path


@pytest.mark.parametrize(
    "template", ["accounts/sso/refused.html", "accounts/sso/refused_connect.html"]
)
def test_the_refusals_of_a_council_account_are_in_welsh(tenant_a, rf, template):
    request = rf.get("/accounts/oidc/council/login/callback/")
    request.tenant, request.user = tenant_a, AnonymousUser()
    pages = {}
    for language in (settings.LANGUAGE_CODE, "cy"):
        with translation.override(language), tenant_context(tenant_a):
            pages[language] = render_to_string(template, {"tenant": tenant_a}, request=request)
    same = segments(pages[settings.LANGUAGE_CODE]) & segments(pages["cy"])
    assert sorted(s for s in same if "Alpha" not in s) == []
