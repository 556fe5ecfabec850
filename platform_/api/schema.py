"""What the OpenAPI schema says beyond what drf-spectacular reads from the views: the key's
security scheme and the problem-details shape every error has."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

Problem = inline_serializer(
    name="Problem",
    fields={
        "type": serializers.URLField(help_text="What kind of problem: a link to its description."),
        "title": serializers.CharField(help_text="The HTTP status phrase."),
        "status": serializers.IntegerField(),
        "detail": serializers.CharField(help_text="What went wrong, in words to act on."),
        "instance": serializers.CharField(help_text="The path that was asked for."),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text="Validation errors (422 only): field name -> messages.",
        ),
    },
)


PROBLEMS = {
    401: "No key, or not a valid key of this council.",
    403: "The key may not do this: a read-only key, or the council's site is read only.",
    404: "Not found.",
    409: "The council's state refuses it (a plan limit, the day's exports); detail says why.",
    422: "The query or body is not valid; errors names each field's problems.",
    429: "Too many requests; the Retry-After header says in how many seconds to try again.",
}


def problem_responses(*statuses: int) -> dict:
    """The problem-details answers (application/problem+json) for these statuses."""
    return {
        (status, "application/problem+json"): OpenApiResponse(
            response=Problem, description=PROBLEMS[status]
        )
        for status in statuses
    }


PUBLIC_PROBLEMS = problem_responses(404, 422, 429)
KEYED_PROBLEMS = problem_responses(401, 403, 404, 422, 429)
WRITE_PROBLEMS = problem_responses(401, 403, 409, 422, 429)


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "platform_.api.authentication.ApiKeyAuthentication"
    name = "councilApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "cck_<prefix>_<secret>",
            "description": "A council API key, made by an officer at /manage/api-keys/.",
        }
