"""The committed OpenAPI schema (docs/api/openapi.yaml) is the one the code generates, and it is
a valid OpenAPI 3 document. After changing the API, regenerate it:

    python manage.py spectacular --validate --fail-on-warn --file docs/api/openapi.yaml
"""

from pathlib import Path

import yaml
from django.conf import settings
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer
from drf_spectacular.validation import validate_schema

from tests.urlconf import TENANT_URLCONF, tenant_routes

COMMITTED = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.yaml"


def generated() -> dict:
    return SchemaGenerator(urlconf=TENANT_URLCONF).get_schema(request=None, public=True)


def test_the_committed_schema_matches_the_code():
    text = OpenApiYamlRenderer().render(generated(), renderer_context={}).decode()

    assert text == COMMITTED.read_text(), (
        "docs/api/openapi.yaml is stale: regenerate it (see this module's docstring)"
    )


def test_the_schema_is_valid_openapi_3():
    schema = yaml.safe_load(COMMITTED.read_text())
    validate_schema(schema)  # raises on an invalid document
    assert schema["openapi"].startswith("3.")


def test_the_schema_describes_every_api_route():
    routes = {
        "/"
        + route.replace("<slug:slug>", "{slug}")
        .replace("<int:pk>", "{id}")
        .replace("<str:code>", "{code}")
        for route in tenant_routes().values()
        if route.startswith("api/v1/") and not route.startswith("api/v1/schema/")
    }
    assert set(yaml.safe_load(COMMITTED.read_text())["paths"]) == routes


def test_every_error_is_documented_as_problem_details():
    schema = yaml.safe_load(COMMITTED.read_text())
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert list(response["content"]) == ["application/problem+json"], (
                        path,
                        method,
                        status,
                    )
                    assert response["content"]["application/problem+json"]["schema"] == {
                        "$ref": "#/components/schemas/Problem"
                    }


def test_the_schema_is_served_with_the_interactive_docs(client_a):
    schema = client_a.get("/api/v1/schema/")
    docs = client_a.get("/api/v1/schema/docs/")
    script = client_a.get("/api/v1/schema/docs/?script=")

    assert schema.status_code == 200
    assert yaml.safe_load(schema.content)["info"]["title"] == "CoCharter API"
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "<style" not in html and "<script>" not in html  # nothing inline: the CSP holds
    assert script["Content-Type"] == "application/javascript"
