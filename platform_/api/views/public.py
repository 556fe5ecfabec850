"""Public, read-only endpoints: what the public pages show, as JSON, cached like them.

Each answer is built from the selectors the pages use (so nothing unlisted or personal appears)
and kept in the public cache (charters.public_cache) under the generation the services bump on
every change, and today's date, since Charter Status depends on it. Searches (``q``) are not
cached, as the register page's are not: any text could be a key.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from accreditation.models import Award
from accreditation.views.verify import released_award_or_404
from charters import public_cache, selectors
from charters.enums import OrganisationKind, SignatureAction
from platform_.api import serializers as shapes
from platform_.api.base import ApiView, TenantNamePagination, TenantNewestFirstPagination
from platform_.api.schema import PUBLIC_PROBLEMS


def _cached(request, name: str, build: Callable[[], object]) -> object:
    params = urlencode(sorted(request.query_params.items()))
    return public_cache.cached(f"api:{name}:{timezone.localdate()}:{params}", build)


class RegisterFilters(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    kind = serializers.ChoiceField(choices=OrganisationKind.choices, required=False)
    area = serializers.CharField(required=False, allow_blank=True, max_length=100)
    holders = serializers.BooleanField(required=False, default=False)
    level = serializers.CharField(required=False, allow_blank=True, max_length=20)


class CharterApiView(ApiView):
    @extend_schema(
        summary="The published charter",
        description="The latest published version, with its easy-read words beside the "
        "standard ones. 404 until the council publishes its charter.",
        responses={200: shapes.CharterSerializer, **PUBLIC_PROBLEMS},
        tags=["Public"],
        auth=[],
    )
    def get(self, request):
        def build():
            version = selectors.current_version()
            if version is None:
                raise NotFound("The council has not published its charter yet.")
            return shapes.CharterSerializer(version, context={"tenant": request.tenant}).data

        return Response(_cached(request, "charter", build))


class RegisterListApiView(ApiView):
    @extend_schema(
        summary="The register of signatories",
        operation_id="register_list",
        description="Organisations that signed the charter and agreed to be listed, with the "
        "Charter Status each holds today. Filters as on the register page; cursor pagination "
        "by name (follow `next`).",
        parameters=[
            RegisterFilters,
            OpenApiParameter("cursor", OpenApiTypes.STR, description="From `next`/`previous`."),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="1-100, default 20."),
        ],
        responses={200: shapes.RegisterEntrySerializer(many=True), **PUBLIC_PROBLEMS},
        tags=["Public"],
        auth=[],
    )
    def get(self, request):
        filters = RegisterFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        values = filters.validated_data

        def build():
            entries = selectors.register_entries(
                query=values.get("q", ""),
                kind=values.get("kind", ""),
                area=values.get("area", ""),
                holders=values.get("holders", False),
                level=values.get("level", ""),
            )
            paginator = TenantNamePagination()
            page = paginator.paginate_queryset(entries, request, view=self)
            data = shapes.RegisterEntrySerializer(page, many=True).data
            return paginator.get_paginated_response(data).data

        if values.get("q"):
            return Response(build())
        return Response(_cached(request, "register", build))

    # The paginated envelope ({next, previous, results}) in the schema.
    pagination_class = TenantNamePagination


class RegisterEntryApiView(ApiView):
    @extend_schema(
        summary="One organisation on the register",
        operation_id="register_entry",
        responses={200: shapes.RegisterEntrySerializer, **PUBLIC_PROBLEMS},
        tags=["Public"],
        auth=[],
    )
    def get(self, request, slug: str):
        def build():
            entry = selectors.register_entries().filter(slug=slug).first()
            if entry is None:
                raise NotFound("No organisation on the register has that name.")
            return shapes.RegisterEntrySerializer(entry).data

        return Response(_cached(request, f"register-entry:{slug}", build))


class AwardFilters(serializers.Serializer):
    holding = serializers.BooleanField(
        required=False, default=False, help_text="Only awards that give Charter Status today."
    )


class AwardListApiView(ApiView):
    pagination_class = TenantNewestFirstPagination

    @extend_schema(
        summary="Charter Status awards of organisations on the register",
        description="Released awards (never embargoed ones) of listed organisations, newest "
        "first, each with its verification status today.",
        parameters=[
            AwardFilters,
            OpenApiParameter("cursor", OpenApiTypes.STR, description="From `next`/`previous`."),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="1-100, default 20."),
        ],
        responses={200: shapes.RegisterAwardSerializer(many=True), **PUBLIC_PROBLEMS},
        tags=["Public"],
        auth=[],
    )
    def get(self, request):
        filters = AwardFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        today = timezone.localdate()

        def build():
            awards = Award.objects.filter(
                released_at__isnull=False,
                organisation__current_signature__action=SignatureAction.SIGNED,
                organisation__current_signature__consent_to_publish=True,
            ).select_related("organisation", "level")
            if filters.validated_data["holding"]:
                awards = awards.filter(
                    revoked_at__isnull=True, superseded_at__isnull=True, expires_on__gte=today
                )
            paginator = TenantNewestFirstPagination()
            page = paginator.paginate_queryset(awards, request, view=self)
            data = shapes.RegisterAwardSerializer(
                page, many=True, context={"tenant": request.tenant, "today": today}
            ).data
            return paginator.get_paginated_response(data).data

        return Response(_cached(request, "awards", build))


class VerifyApiView(ApiView):
    @extend_schema(
        summary="Verify a certificate by its code",
        description="What the certificate's QR code page shows: the award and its status "
        "today. Unknown and embargoed codes are the same 404.",
        responses={200: shapes.PublicAwardSerializer, **PUBLIC_PROBLEMS},
        tags=["Public"],
        auth=[],
    )
    def get(self, request, code: str):
        today = timezone.localdate()

        def build():
            try:
                award = released_award_or_404(code)
            except Http404 as error:
                raise NotFound("No certificate has this code.") from error
            return shapes.PublicAwardSerializer(
                award, context={"tenant": request.tenant, "today": today}
            ).data

        return Response(_cached(request, f"verify:{code}", build))
