"""Every tenant URL, with tenant B holding its own rows at the same primary keys as tenant A's.

The URLs come from the URL conf (tests/urlconf.py); those taking an id or slug get it from the
classification in tests/accreditation/test_access_matrix.py or from OBJECT_KWARGS below, so a
new URL is covered (or fails the classification test) without anyone remembering to list it.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from accreditation.models import Award, Concern
from charters import selectors
from charters.signed_in_page_cache import SignedInPageCacheMixin
from platform_ import data_generation
from platform_.exports.enums import ExportStatus
from platform_.exports.models import DataExport
from platform_.webhooks.models import WebhookDelivery, WebhookEndpoint
from tenants.services import update_branding
from tests.accreditation.test_access_matrix import MATRIX, NOT_APPLICATION_DATA
from tests.factories import PNG
from tests.fixtures.api import issue_key
from tests.helpers import host_of, login
from tests.urlconf import TENANT_URLCONF, parameters, tenant_routes, tenant_views_with

BETA = re.compile(r"Beta|beta\.(test|example)|beta-minutes")
# Alpha's own rows, not the council's name, which every page of A's host shows.
ALPHA_ROW = re.compile(r"Alpha (?!City Council)|alpha\.(test|example)|alpha-minutes")


def draft_principle(world) -> dict:
    # The draft charter comes from the tenant template, the same words in both tenants.
    return {"pk": world.objects["draft_principle"].pk}


OBJECT_KWARGS = {
    "charters:principle.picture": lambda w: {"pk": w.principles[0].pk},
    "charters:manage.principle.edit": draft_principle,
    "charters:manage.principle.remove": draft_principle,
    "charters:manage.principle.move": draft_principle,
    "charters:manage.version": lambda w: {"number": w.version.number},
    "accreditation:manage.level": lambda w: {"pk": w.objects["level"].pk},
    "accreditation:manage.criterion": lambda w: {"pk": w.objects["criterion"].pk},
    "accreditation:manage.round": lambda w: {"pk": w.objects["round"].pk},
    "accounts:invitation.revoke": lambda w: {"pk": w.objects["invitation"].pk},
    "accreditation:verify": lambda w: {"code": w.objects["award"].verification_code},
    "accreditation:verify.concern": lambda w: {"code": w.objects["award"].verification_code},
    "accreditation:verify.concern.sent": lambda w: {"code": w.objects["award"].verification_code},
    "accreditation:manage.concern": lambda w: {"pk": w.objects["concern"].pk},
    "accreditation:manage.concern.close": lambda w: {"pk": w.objects["concern"].pk},
    "accreditation:manage.concern.reassess": lambda w: {"pk": w.objects["concern"].pk},
    "exports:download": lambda w: {"pk": w.objects["export"].pk},
    "api:register.entry": lambda w: {"slug": w.organisation.slug},
    "api:verify": lambda w: {"code": w.objects["award"].verification_code},
    "api:organisation": lambda w: {"slug": w.organisation.slug},
    "api:application": lambda w: {"pk": w.application.pk},
    "api:export": lambda w: {"pk": w.objects["export"].pk},
    "api:export.download": lambda w: {"pk": w.objects["export"].pk},
    "api_keys:revoke": lambda w: {"pk": w.objects["api_key"].pk},
    "language": lambda w: {"code": "cy"},
    "webhooks:endpoint": lambda w: {"pk": w.objects["webhook_endpoint"].pk},
    "webhooks:endpoint.edit": lambda w: {"pk": w.objects["webhook_endpoint"].pk},
    "webhooks:endpoint.ping": lambda w: {"pk": w.objects["webhook_endpoint"].pk},
    "webhooks:endpoint.rotate": lambda w: {"pk": w.objects["webhook_endpoint"].pk},
    "webhooks:endpoint.disable": lambda w: {"pk": w.objects["webhook_endpoint"].pk},
    "webhooks:endpoint.enable": lambda w: {"pk": w.objects["webhook_endpoint"].pk},
    "webhooks:endpoint.delete": lambda w: {"pk": w.objects["webhook_endpoint"].pk},
    "webhooks:delivery": lambda w: {"pk": w.objects["webhook_delivery"].pk},
    "webhooks:delivery.retry": lambda w: {"pk": w.objects["webhook_delivery"].pk},
}
# Signed tokens and keys, not rows: nothing of another tenant can sit at the same value.
TOKENS = {"accounts:invitation.accept", "account_confirm_email", "account_reset_password_from_key"}
# The council's own sign-in provider: one fixed id, looked up in the current schema only
# (tests/accounts/test_sso.py and tests/browser/test_sso_flows.py try it across councils).
OBJECT_KWARGS["openid_connect_login"] = lambda w: {"provider_id": "council"}
OBJECT_KWARGS["openid_connect_callback"] = lambda w: {"provider_id": "council"}
# Pages about a row that show none of its words: the template's draft charter (the same words
# in both tenants) and the confirmation forms for submitting and withdrawing an application.
SHOW_NO_WORDS = {
    "charters:manage.principle.edit",
    "charters:manage.principle.remove",
    "charters:manage.principle.move",
    "accreditation:application.submit",
    "accreditation:application.withdraw",
}
ROLES = ["anonymous", "officer", "lead", "member", "assessor_cleared"]


def test_every_url_taking_an_id_has_one_here():
    taking = {name for name, route in tenant_routes().items() if parameters(route)}
    assert taking == set(MATRIX) | set(OBJECT_KWARGS) | TOKENS
    assert set(OBJECT_KWARGS) | TOKENS == set(NOT_APPLICATION_DATA)


def path_for(name: str, route: str, world, role: str) -> str | None:
    if name in TOKENS:
        return None
    if not parameters(route):
        if name == route:  # an unnamed allauth pattern
            return "/" + route
        return reverse(name, urlconf=TENANT_URLCONF)
    kwargs = MATRIX[name].kwargs(world, role) if name in MATRIX else OBJECT_KWARGS[name](world)
    return None if kwargs is None else reverse(name, urlconf=TENANT_URLCONF, kwargs=kwargs)


def text_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


@pytest.fixture
def draft_principles(tenant_a, tenant_b, alpha_world, beta_world):
    for tenant, world in ((tenant_a, alpha_world), (tenant_b, beta_world)):
        with tenant_context(tenant):
            world.objects["draft_principle"] = selectors.draft_version().principles.first()
    assert alpha_world.objects["draft_principle"].pk == beta_world.objects["draft_principle"].pk


@pytest.fixture
def awards_and_concerns(tenant_a, tenant_b, alpha_world, beta_world):
    """An award for each world's application, with one verification code string in both
    tenants (so a lookup outside the tenant's schema shows the wrong council's award), and a
    concern about it; built call for call, so their primary keys match too."""
    code = "twin-verification-code"
    for tenant, world in ((tenant_a, alpha_world), (tenant_b, beta_world)):
        with tenant_context(tenant):
            world.objects["award"] = Award.objects.create(
                application=world.application,
                organisation=world.organisation,
                level=world.objects["level"],
                certificate_number=f"{world.prefix.upper()}-2027-0001",
                verification_code=code,
                expires_on=timezone.localdate() + timedelta(days=365),
                released_at=timezone.now(),
            )
            world.objects["concern"] = Concern.objects.create(
                award=world.objects["award"], details=f"{world.prefix} concern"
            )
    assert alpha_world.objects["concern"].pk == beta_world.objects["concern"].pk


@pytest.fixture
def exports(tenant_a, tenant_b, alpha_world, beta_world):
    """A finished data export in each council, at the same primary key, whose file holds the
    council's name; deleted afterwards."""
    for tenant, world in ((tenant_a, alpha_world), (tenant_b, beta_world)):
        with tenant_context(tenant):
            export = DataExport.objects.create(
                requested_by=world.users["officer"], status=ExportStatus.READY
            )
            export.file.save("export.zip", ContentFile(f"{world.prefix} export".encode()))
            world.objects["export"] = export
    assert alpha_world.objects["export"].pk == beta_world.objects["export"].pk
    yield
    for tenant, world in ((tenant_a, alpha_world), (tenant_b, beta_world)):
        with tenant_context(tenant):
            world.objects["export"].file.delete(save=False)


@pytest.fixture
def webhooks(tenant_a, tenant_b, alpha_world, beta_world):
    """A webhook endpoint and a delivery in each council, at the same primary keys, whose URL
    names the council."""
    for tenant, world in ((tenant_a, alpha_world), (tenant_b, beta_world)):
        with tenant_context(tenant):
            endpoint = WebhookEndpoint.objects.create(
                url=f"https://crm.{world.prefix.lower()}.example/hooks", events=["award.granted"]
            )
            world.objects["webhook_endpoint"] = endpoint
            world.objects["webhook_delivery"] = WebhookDelivery.objects.create(
                endpoint=endpoint, event_type="ping", payload={"council": world.prefix}
            )
    assert alpha_world.objects["webhook_endpoint"].pk == beta_world.objects["webhook_endpoint"].pk
    assert alpha_world.objects["webhook_delivery"].pk == beta_world.objects["webhook_delivery"].pk


@pytest.fixture
def api_keys(tenant_a, tenant_b, alpha_world, beta_world):
    """An API key in each council, made by its officer, at the same primary key."""
    for tenant, world in ((tenant_a, alpha_world), (tenant_b, beta_world)):
        world.objects["api_key"] = issue_key(
            tenant, world.users["officer"], name=f"{world.prefix} website"
        ).key
    assert alpha_world.objects["api_key"].pk == beta_world.objects["api_key"].pk


def test_each_url_on_alphas_host_shows_alphas_rows_never_betas(
    tenant_a,
    alpha_world,
    beta_world,
    draft_principles,
    awards_and_concerns,
    exports,
    webhooks,
    api_keys,
):
    clients = {role: Client(HTTP_HOST=host_of(tenant_a)) for role in ROLES}
    for role, client in clients.items():
        if role != "anonymous":
            login(client, tenant_a, alpha_world.users[role])
    problems, checked = [], 0
    for name, route in tenant_routes().items():
        for role in ROLES:
            path = path_for(name, route, alpha_world, role)
            if path is None:
                continue
            response = clients[role].get(path)
            text, checked = text_of(response), checked + 1
            if BETA.search(text):
                problems.append(f"{path} as {role}: shows Beta's {BETA.search(text).group()}")
            if (
                parameters(route)
                and response.status_code == 200
                and name not in SHOW_NO_WORDS
                and not ALPHA_ROW.search(text)
            ):
                problems.append(f"{path} as {role}: 200 without Alpha's row")
    assert "\n".join(problems) == ""
    assert checked > 300  # every URL, for each role


def test_a_session_of_beta_is_not_accepted_on_alphas_host(
    tenant_a, tenant_b, alpha_world, beta_world, client_a, client_b
):
    # Beta's lead and officer have the same primary keys as Alpha's.
    assert beta_world.users["lead"].pk == alpha_world.users["lead"].pk
    application = f"/org/hollybush-school/applications/{alpha_world.application.pk}/"
    for role, path in (
        ("lead", application),
        ("officer", f"/manage/applications/{alpha_world.application.pk}/"),
    ):
        login(client_b, tenant_b, beta_world.users[role])
        assert "Beta Hollybush School" in client_b.get(path).content.decode()  # control
        client_a.cookies = client_b.cookies  # the cookie, replayed at A
        response = client_a.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_files_are_served_only_on_their_own_tenants_host(
    tenant_a, tenant_b, alpha_world, beta_world, client_a, client_b
):
    evidence = f"/evidence/{alpha_world.evidence['file'].pk}/file/"
    picture = f"/charter/pictures/{alpha_world.principles[0].pk}/"
    login(client_a, tenant_a, alpha_world.users["lead"])
    login(client_b, tenant_b, beta_world.users["lead"])

    assert b"".join(client_a.get(evidence).streaming_content) == alpha_world.file_content
    assert b"".join(client_b.get(evidence).streaming_content) == beta_world.file_content
    assert b"".join(client_a.get(picture).streaming_content) == alpha_world.picture_content
    assert b"".join(client_b.get(picture).streaming_content) == beta_world.picture_content

    connection.set_schema_to_public()  # tenants are changed from the public schema
    update_branding(tenant_a, logo=SimpleUploadedFile("crest.png", PNG + b"Alpha"))
    update_branding(tenant_b, logo=SimpleUploadedFile("crest.png", PNG + b"Beta"))
    try:
        assert b"".join(client_a.get("/branding/logo").streaming_content) == PNG + b"Alpha"
        assert b"".join(client_b.get("/branding/logo").streaming_content) == PNG + b"Beta"
    finally:
        tenant_a.logo.delete(save=False)
        tenant_b.logo.delete(save=False)


CACHED_PUBLIC_PAGES = [
    "/register/",
    "/register.csv",
    "/register.json",
    "/register/hollybush-school/",
    "/badge/hollybush-school.svg",
    "/charter/",
    "/charter/easy-read/",
]


@pytest.mark.parametrize("path", CACHED_PUBLIC_PAGES)
def test_public_pages_cached_for_beta_are_not_served_on_alphas_host(
    alpha_world, beta_world, client_a, client_b, path
):
    primed = client_b.get(path)
    assert primed.status_code == 200 and "Beta" in primed.content.decode()  # Beta's, cached

    html = client_a.get(path).content.decode()

    assert "Beta" not in html
    assert ALPHA_ROW.search(html)


def test_signed_in_pages_kept_for_beta_are_not_served_on_alphas_host(
    tenant_a, tenant_b, alpha_world, beta_world, settings
):
    """Every view that keeps signed-in pages (charters/signed_in_page_cache.py), for every role:
    Beta's person, at the same primary key, in a browser with the same CSRF secret, fills the
    cache first; Alpha's person on Alpha's host is never given Beta's page or Beta's row."""
    settings.SIGNED_IN_CACHE = True
    for tenant in (tenant_a, tenant_b):
        data_generation.bump(tenant.schema_name)
    routes = tenant_routes()
    problems, kept = [], 0
    for name in sorted(tenant_views_with(SignedInPageCacheMixin)):
        for role in ROLES[1:]:
            path = path_for(name, routes[name], alpha_world, role)
            browsers = {}
            for tenant, world in ((tenant_b, beta_world), (tenant_a, alpha_world)):
                browsers[tenant] = Client(HTTP_HOST=host_of(tenant))
                login(browsers[tenant], tenant, world.users[role])
                browsers[tenant].cookies[settings.CSRF_COOKIE_NAME] = "t" * 32
            for _ in range(2):  # Beta's page built and kept, then served from the cache
                beta = browsers[tenant_b].get(path)
            if beta.status_code != 200:
                continue
            kept += not beta.templates
            for _ in range(2):  # Alpha's built, then Alpha's from the cache
                alpha = text_of(browsers[tenant_a].get(path))
                if BETA.search(alpha):
                    problems.append(f"{path} as {role}: shows Beta's {BETA.search(alpha).group()}")
    assert "\n".join(problems) == ""
    assert kept >= len(tenant_views_with(SignedInPageCacheMixin))
