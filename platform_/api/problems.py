"""Errors as RFC 9457 problem details: one JSON shape for every error the API returns.

``{"type", "title", "status", "detail", "instance"}`` with ``Content-Type:
application/problem+json``; a validation error adds ``errors`` (field name -> messages). ``type``
ends in the kind of problem (``…#problem-validation-error``), so a client can switch on it;
the services' own refusals (a plan limit, an export limit) arrive as 409 conflicts in the words
the pages use.
"""

from __future__ import annotations

from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"
# A relative reference (RFC 9457 allows it) to the interactive docs, which describe the errors.
TYPE_BASE = "/api/v1/schema/docs/#problem-"

# The kind of problem for each status (the "type" URL's fragment).
KINDS = {
    400: "bad-request",
    401: "not-authenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    410: "gone",
    415: "unsupported-media-type",
    422: "validation-error",
    429: "too-many-requests",
}


def problem(
    status: int, detail: str, *, instance: str, errors: dict | None = None, title: str = ""
) -> dict:
    body = {
        "type": TYPE_BASE + KINDS.get(status, "error"),
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if errors is not None:
        body["errors"] = errors
    return body


def problem_response(request: HttpRequest, status: int, detail: str) -> JsonResponse:
    """A problem as a plain Django response, for middleware answering /api/ before DRF does."""
    return JsonResponse(
        problem(status, detail, instance=request.path),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def _detail_text(detail) -> str:
    if isinstance(detail, list):
        return " ".join(str(item) for item in detail)
    if isinstance(detail, dict):
        return "The request has errors; see errors."
    return str(detail)


def problem_exception_handler(exc, context) -> Response | None:
    """DRF's exception handler, answering with problem details.

    Services refuse with Django's ValidationError (PlanLimitReached, ExportError): a conflict
    with the council's state, not a malformed request, hence 409.
    """
    request = context["request"]
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.APIException(" ".join(exc.messages))
        exc.status_code = 409
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        return None
    status = response.status_code
    errors = None
    if isinstance(exc, exceptions.ValidationError):
        status = response.status_code = 422
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        detail = "The request has errors; see errors."
    else:
        detail = _detail_text(exc.detail)
    response.data = problem(status, detail, instance=request.path, errors=errors)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response
