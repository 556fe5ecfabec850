"""A council's rule that officers and assessors use two-step sign-in, enforced on every page of
their areas (the URLs read from the URL conf), and nowhere it should not be."""

from __future__ import annotations

import re
import time

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django_tenants.utils import tenant_context

from accreditation.enums import ApplicationStatus
from platform_.accounts.two_factor import TwoFactorAdapter
from tests.accreditation.test_access_matrix import MATRIX
from tests.fixtures.api import bearer, issue_key
from tests.helpers import host_of, login, make_user
from tests.platform_.test_languages import english_left
from tests.urlconf import TENANT_URLCONF, parameters, tenant_routes
from tests.worlds import build_world

REQUIRED = "/accounts/two-step-sign-in/"
# The officers' and assessors' areas (DESIGN §11).
STAFF_AREAS = ("manage/", "assess/")


def require_two_factor(tenant, on: bool = True) -> None:
    """The flag written as the service writes it: saving the Tenant drops the cached host."""
    connection.set_schema_to_public()
    tenant.staff_must_use_2fa = on
    tenant.save(update_fields=["staff_must_use_2fa"])


def give_totp(tenant, user) -> None:
    with tenant_context(tenant):
        TOTP.activate(user, generate_totp_secret())


def sso_session(client, tenant, user, method: str = "socialaccount", **extra) -> None:
    """A session as allauth leaves it after signing in through the council's identity provider:
    its authentication record, naming the council's provider as allauth does."""
    with tenant_context(tenant):
        session = client.session
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [
            {"method": method, "at": time.time(), "provider": "council", "uid": "staff-1"} | extra
        ]
        session["account_authentication_methods_user"] = str(user.pk)
        session.save()


@pytest.fixture
def world(tenant_a):
    world = build_world(tenant_a, "Alpha", ApplicationStatus.IN_ASSESSMENT)
    yield world
    world.delete_files(tenant_a)


def staff_paths(world, role: str) -> list[str]:
    """Every path of the officers' and assessors' areas: real rows where the access matrix
    knows them, else any value (the rule answers before the view looks anything up)."""
    paths = []
    for name, route in sorted(tenant_routes().items()):
        if not route.startswith(STAFF_AREAS):
            continue
        kwargs = None
        if name in MATRIX:
            kwargs = MATRIX[name].kwargs(world, role)
        if kwargs is None:
            kwargs = {
                parameter: 1 if f"<int:{parameter}>" in route else "any"
                for parameter in parameters(route)
            }
        paths.append(reverse(name, urlconf=TENANT_URLCONF, kwargs=kwargs))
    return paths


@pytest.mark.parametrize("role", ["officer", "assessor_cleared"])
def test_staff_without_two_factor_are_sent_to_set_it_up_from_every_page_of_their_area(
    tenant_a, world, role
):
    require_two_factor(tenant_a)
    client = login(Client(HTTP_HOST=host_of(tenant_a)), tenant_a, world.users[role])
    paths = staff_paths(world, role)
    assert len(paths) >= 60  # every URL of both areas (60 when written)
    problems = []
    for path in paths:
        for method in (client.get, client.post):
            response = method(path)
            if (response.status_code, response.get("Location")) != (302, REQUIRED):
                problems.append(f"{method.__name__.upper()} {path}: {response.status_code}")
    assert problems == []


@pytest.mark.parametrize("role", ["officer", "assessor_cleared"])
def test_staff_with_two_factor_pass_on_every_page_of_their_area(tenant_a, world, role):
    require_two_factor(tenant_a)
    give_totp(tenant_a, world.users[role])
    client = login(Client(HTTP_HOST=host_of(tenant_a)), tenant_a, world.users[role])
    area = "manage/" if role == "officer" else "assess/"
    problems, opened = [], 0
    for path in staff_paths(world, role):
        response = client.get(path)
        if response.get("Location") == REQUIRED:
            problems.append(path)
        opened += response.status_code == 200 and path.startswith("/" + area)
    assert problems == []
    # Their own pages open, not just "not sent" (38 and 2 when written).
    assert opened >= (35 if role == "officer" else 2)


def test_the_rule_off_sends_nobody(tenant_a, world):
    client = login(Client(HTTP_HOST=host_of(tenant_a)), tenant_a, world.users["officer"])
    assert client.get("/manage/").status_code == 200


def test_every_page_but_the_allowed_ones_sends_them(tenant_a, officer_a, client_a):
    require_two_factor(tenant_a)
    login(client_a, tenant_a, officer_a)
    for path in ("/", "/charter/", "/register/", "/org/", "/accounts/email/", "/manage/"):
        assert client_a.get(path)["Location"] == REQUIRED, path
    # What they need on the way: the explanation, allauth's set-up and sign-out pages, the
    # switches, the branding.
    page = client_a.get(REQUIRED)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Alpha City Council asks its officers and assessors to use two-step sign-in." in text
    assert 'href="/accounts/2fa/totp/activate/"' in text
    activate = client_a.get("/accounts/2fa/totp/activate/")
    # allauth asks for the password first when the sign-in is not recent (force_login has none).
    assert activate.status_code == 302
    assert activate["Location"].startswith("/accounts/reauthenticate/")
    assert client_a.get(activate["Location"]).status_code == 200
    assert client_a.get("/accounts/2fa/").status_code == 200
    assert client_a.get("/accounts/logout/").status_code == 200
    assert client_a.get("/language/cy/")["Location"] != REQUIRED
    assert client_a.get("/reading-mode/easy-read/")["Location"] != REQUIRED
    assert client_a.get("/branding.css").status_code == 200
    assert client_a.get("/accessibility/").status_code == 200


def test_after_setting_it_up_the_explanation_says_so(tenant_a, officer_a, client_a):
    require_two_factor(tenant_a)
    give_totp(tenant_a, officer_a)
    login(client_a, tenant_a, officer_a)
    text = client_a.get(REQUIRED).content.decode()
    assert "You have set up two-step sign-in." in text
    assert client_a.get("/manage/").status_code == 200


def test_a_session_signed_in_through_the_councils_sso_meets_the_rule(tenant_a, officer_a, client_a):
    require_two_factor(tenant_a)
    login(client_a, tenant_a, officer_a)
    sso_session(client_a, tenant_a, officer_a)
    assert client_a.get("/manage/").status_code == 200
    # A password sign-in record does not, nor an SSO record left by someone else's sign-in.
    sso_session(client_a, tenant_a, officer_a, method="password")
    assert client_a.get("/manage/")["Location"] == REQUIRED
    other = make_user(tenant_a, "other.officer@alpha.test", is_council_officer=True)
    sso_session(client_a, tenant_a, other)
    assert client_a.get("/manage/")["Location"] == REQUIRED


def test_organisation_members_and_the_public_are_unaffected(tenant_a, client_a, world):
    require_two_factor(tenant_a)
    assert client_a.get("/charter/").status_code == 200  # nobody signed in
    login(client_a, tenant_a, world.users["lead"])
    organisation = f"/org/{world.organisation.slug}/applications/"
    for path in ("/", "/org/", organisation):
        response = client_a.get(path)
        assert response.status_code == 200, path


def test_api_key_requests_are_not_sessions_and_are_unaffected(tenant_a, officer_a, client_a):
    key = issue_key(tenant_a, officer_a)  # made by an officer without two-step sign-in
    require_two_factor(tenant_a)
    response = client_a.get("/api/v1/manage/organisations/", **bearer(key))
    assert response.status_code == 200
    # Not even with the officer's own session cookie alongside: the API reads only the key.
    login(client_a, tenant_a, officer_a)
    assert client_a.get("/api/v1/manage/organisations/", **bearer(key)).status_code == 200


def test_a_change_of_the_rule_takes_effect_at_the_next_request(tenant_a, officer_a, client_a):
    login(client_a, tenant_a, officer_a)
    assert client_a.get("/manage/").status_code == 200  # the tenant now cached by host
    require_two_factor(tenant_a)
    assert client_a.get("/manage/")["Location"] == REQUIRED
    require_two_factor(tenant_a, on=False)
    assert client_a.get("/manage/").status_code == 200


WITHOUT_RULE = [m for m in settings.MIDDLEWARE if not m.endswith("TwoFactorRuleMiddleware")]


def queries(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_the_rule_costs_no_query_when_off_and_one_exists_when_on(tenant_a, officer_a, client_a):
    give_totp(tenant_a, officer_a)
    login(client_a, tenant_a, officer_a)
    path = "/manage/contact/"
    client_a.get(path)  # the tenant cached by host, as on every request but the first
    with override_settings(MIDDLEWARE=WITHOUT_RULE):
        baseline = queries(client_a, path)
    assert len(queries(client_a, path)) == len(baseline)  # off: nothing read

    require_two_factor(tenant_a)
    client_a.get(path)
    on = queries(client_a, path)
    assert len(on) == len(baseline) + 1, "\n".join(on)
    extra = [sql for sql in on if "mfa_authenticator" in sql]
    assert len(extra) == 1 and re.search(r"SELECT 1 AS \"a\" FROM \"mfa_authenticator\"", extra[0])


def test_nobody_else_pays_for_the_rule(tenant_a, client_a, world):
    require_two_factor(tenant_a)
    login(client_a, tenant_a, world.users["lead"])
    client_a.get("/org/")
    assert not [sql for sql in queries(client_a, "/org/") if "mfa_authenticator" in sql]


# --- Keeping the last factor -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("roles", "rule", "can_delete"),
    [
        ({"is_council_officer": True}, True, False),
        ({"is_assessor": True}, True, False),
        ({"is_council_officer": True}, False, True),
        ({"is_organisation_member": True}, True, True),
    ],
)
def test_the_last_factor_cannot_be_turned_off_while_the_rule_is_on(
    tenant_a, roles, rule, can_delete
):
    require_two_factor(tenant_a, on=rule)
    person = make_user(tenant_a, "person@alpha.test", **roles)
    give_totp(tenant_a, person)
    with tenant_context(tenant_a):
        authenticator = Authenticator.objects.get(user=person, type=Authenticator.Type.TOTP)
        assert TwoFactorAdapter().can_delete_authenticator(authenticator) is can_delete


def test_the_deactivation_page_refuses_and_says_why(tenant_a, officer_a, client_a):
    require_two_factor(tenant_a)
    give_totp(tenant_a, officer_a)
    login(client_a, tenant_a, officer_a)
    # A password just typed again, so allauth does not ask for it first.
    sso_session(client_a, tenant_a, officer_a, method="password", reauthenticated=True)

    response = client_a.post("/accounts/2fa/totp/deactivate/")

    assert response.status_code == 200
    assert "so you cannot turn it off" in response.content.decode()
    with tenant_context(tenant_a):
        assert Authenticator.objects.filter(user=officer_a).count() == 1


def test_the_explanation_page_costs_a_fixed_number_of_queries(
    tenant_a, officer_a, client_a, django_assert_num_queries
):
    require_two_factor(tenant_a)
    login(client_a, tenant_a, officer_a)
    client_a.get(REQUIRED)
    # The person (the session is cached) and their authenticator (asked once by the page: the
    # allowed path skips the middleware's check). The search_path is kept from the warm-up, and
    # a council's site reads no model permissions (platform_/accounts/models.py).
    with django_assert_num_queries(2):
        assert client_a.get(REQUIRED).status_code == 200


def test_the_page_that_asks_for_two_step_sign_in_is_in_welsh(tenant_a, client_a):
    """Assessors are often young people or people with lived experience; some read Welsh."""
    require_two_factor(tenant_a)
    assessor = make_user(tenant_a, "assessor@alpha.test", is_assessor=True)
    login(client_a, tenant_a, assessor)
    assert english_left(client_a, REQUIRED, allowed=("Alpha", "@")) == []
