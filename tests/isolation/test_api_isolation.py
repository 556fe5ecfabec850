"""Every REST API route, read from the URL conf, with tenant B holding its own rows at the same
primary keys (and the same slugs and verification code) as tenant A's: Beta's key is refused at
Alpha's host on every endpoint, and Alpha's key and the public endpoints show Alpha's rows,
never Beta's."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from accreditation.models import Award
from platform_.accounts.models import Invitation
from platform_.api.enums import ApiKeyScope
from platform_.exports.enums import ExportStatus
from platform_.exports.models import DataExport
from tests.fixtures.api import bearer, issue_key
from tests.urlconf import TENANT_URLCONF, parameters, tenant_routes

BETA = re.compile(r"Beta|beta\.(test|example)|beta-minutes|beta\.localhost")
ALPHA_ROW = re.compile(r"Alpha (?!City Council)")
ALPHA_INVITEE = re.compile(r"invitee@alpha\.test")
# The schema and its docs describe the API to anyone and ignore keys: no council data in them.
DOCS = {"api:schema", "api:docs"}
WRITES = {"api:invitations", "api:exports"}


def api_routes() -> dict[str, str]:
    return {name: route for name, route in tenant_routes().items() if route.startswith("api/")}


def kwargs_for(route: str, world) -> dict:
    values = {
        "slug": world.organisation.slug,
        "pk": world.objects["export"].pk if "exports" in route else world.application.pk,
        "code": world.objects["award"].verification_code,
    }
    return {name: values[name] for name in parameters(route)}


@pytest.fixture
def twin_rows(tenant_a, tenant_b, alpha_world, beta_world):
    """An award (one verification code in both councils) and a ready export in each, at the
    same primary keys; the exports' files deleted afterwards."""
    for tenant, world in ((tenant_a, alpha_world), (tenant_b, beta_world)):
        with tenant_context(tenant):
            world.objects["award"] = Award.objects.create(
                application=world.application,
                organisation=world.organisation,
                level=world.objects["level"],
                certificate_number=f"{world.prefix.upper()}-2027-0001",
                verification_code="twin-verification-code",
                expires_on=timezone.localdate() + timedelta(days=365),
                released_at=timezone.now(),
            )
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


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def test_the_api_has_the_routes_this_module_expects():
    # A new route is covered below without anyone listing it; this only guards the walk.
    assert len(api_routes()) == 17
    assert set(api_routes()) >= DOCS | WRITES


def test_betas_key_is_refused_at_alphas_host_on_every_endpoint(
    tenant_a, tenant_b, alpha_world, beta_world, twin_rows, client_a, client_b
):
    beta_key = issue_key(tenant_b, beta_world.users["officer"], ApiKeyScope.READ_WRITE)
    alpha_key = issue_key(tenant_a, alpha_world.users["officer"], ApiKeyScope.READ_WRITE)
    # Same primary key and prefix length: only the schema tells them apart.
    assert beta_key.key.pk == alpha_key.key.pk
    with tenant_context(tenant_a):
        invitations = Invitation.objects.count()
    problems, checked = [], 0
    for name, route in api_routes().items():
        if name in DOCS:
            continue
        path = reverse(name, urlconf=TENANT_URLCONF, kwargs=kwargs_for(route, alpha_world))
        methods = ["get", "post"] if name in WRITES else ["get"]
        for method in methods:
            # Control: at its own host, Beta's key works.
            own = getattr(client_b, method)(
                path, content_type="application/json", **bearer(beta_key)
            )
            response = getattr(client_a, method)(
                path, content_type="application/json", **bearer(beta_key)
            )
            checked += 1
            if own.status_code == 401:
                problems.append(f"{method} {path}: Beta's key refused at Beta (control)")
            if response.status_code != 401:
                problems.append(f"{method} {path}: {response.status_code} with Beta's key")
            if BETA.search(body(response)):
                problems.append(f"{method} {path}: shows {BETA.search(body(response)).group()}")
    assert "\n".join(problems) == ""
    assert checked == 17
    with tenant_context(tenant_a):
        assert Invitation.objects.count() == invitations
        assert DataExport.objects.count() == 1


def test_alphas_key_and_the_public_see_alphas_rows_never_betas(
    tenant_a, alpha_world, beta_world, twin_rows, client_a
):
    alpha_key = issue_key(tenant_a, alpha_world.users["officer"])
    problems = []
    for name, route in api_routes().items():
        if name in DOCS:
            continue
        path = reverse(name, urlconf=TENANT_URLCONF, kwargs=kwargs_for(route, alpha_world))
        for headers in ({}, bearer(alpha_key)):
            response = client_a.get(path, **headers)
            text = body(response)
            if BETA.search(text):
                problems.append(f"{path}: shows Beta's {BETA.search(text).group()}")
            if headers and response.status_code != 200:
                problems.append(f"{path}: {response.status_code} with Alpha's key")
            alpha_row = ALPHA_INVITEE if "invitations" in path else ALPHA_ROW
            if (
                response.status_code == 200
                and "/download/" not in path
                and not alpha_row.search(text)
                and "exports" not in path
            ):
                problems.append(f"{path}: 200 without Alpha's row")
            if "/download/" in path and response.status_code == 200:
                assert text == "Alpha export"
    assert "\n".join(problems) == ""
