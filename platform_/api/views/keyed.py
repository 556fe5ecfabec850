"""Endpoints for the council's own systems, with a council API key: what an officer sees on the
/manage/ pages, and the actions an officer's system needs (invite people, export the data).

Reads use the officers' selectors; writes call the same services as the pages, acting as the
officer who made the key, so the same permission checks, audit events and emails follow.
"""

from __future__ import annotations

from http import HTTPStatus

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from accreditation import selectors as accreditation_selectors
from accreditation.enums import ApplicationStatus
from accreditation.models import Application, Award
from charters import selectors as charter_selectors
from charters.models import Pledge, Signature
from platform_.accounts.models import Invitation
from platform_.accounts.services import invite_person
from platform_.api import serializers as shapes
from platform_.api.base import KeyedApiView, TenantNamePagination, TenantNewestFirstPagination
from platform_.api.schema import KEYED_PROBLEMS, WRITE_PROBLEMS
from platform_.exports import services as export_services
from platform_.exports.downloads import export_download
from platform_.exports.models import DataExport

PAGING = [
    OpenApiParameter("cursor", OpenApiTypes.STR, description="From `next`/`previous`."),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="1-100, default 20."),
]
TAGS = ["With a council key"]


def _page(view, request, queryset, serializer_class, *, context=None):
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(queryset, request, view=view)
    data = serializer_class(page, many=True, context=context or {}).data
    return paginator.get_paginated_response(data)


class OrganisationListApiView(KeyedApiView):
    pagination_class = TenantNamePagination

    @extend_schema(
        summary="Every organisation (listed or not)",
        operation_id="manage_organisations_list",
        parameters=PAGING,
        responses={200: shapes.OrganisationSerializer(many=True), **KEYED_PROBLEMS},
        tags=TAGS,
    )
    def get(self, request):
        return _page(
            self,
            request,
            charter_selectors.organisations_for_officers(),
            shapes.OrganisationSerializer,
        )


class OrganisationApiView(KeyedApiView):
    @extend_schema(
        summary="One organisation",
        operation_id="manage_organisation",
        responses={200: shapes.OrganisationSerializer, **KEYED_PROBLEMS},
        tags=TAGS,
    )
    def get(self, request, slug: str):
        organisation = charter_selectors.organisations_for_officers().filter(slug=slug).first()
        if organisation is None:
            raise NotFound("No organisation has that name.")
        return Response(shapes.OrganisationSerializer(organisation).data)


class SignatureFilters(serializers.Serializer):
    organisation = serializers.SlugField(required=False, help_text="An organisation's slug.")


class SignatureListApiView(KeyedApiView):
    pagination_class = TenantNewestFirstPagination

    @extend_schema(
        summary="Signatures and withdrawals, newest first",
        parameters=[SignatureFilters, *PAGING],
        responses={200: shapes.SignatureSerializer(many=True), **KEYED_PROBLEMS},
        tags=TAGS,
    )
    def get(self, request):
        filters = SignatureFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        signatures = Signature.objects.select_related("organisation", "version").prefetch_related(
            Prefetch("pledges", queryset=Pledge.objects.order_by("target_date", "pk"))
        )
        if slug := filters.validated_data.get("organisation"):
            signatures = signatures.filter(organisation__slug=slug)
        return _page(self, request, signatures, shapes.SignatureSerializer)


class ApplicationFilters(serializers.Serializer):
    status = serializers.ChoiceField(choices=ApplicationStatus.choices, required=False)


class ApplicationListApiView(KeyedApiView):
    pagination_class = TenantNewestFirstPagination

    @extend_schema(
        summary="Applications for Charter Status and their states, newest first",
        operation_id="manage_applications_list",
        parameters=[ApplicationFilters, *PAGING],
        responses={200: shapes.ApplicationSerializer(many=True), **KEYED_PROBLEMS},
        tags=TAGS,
    )
    def get(self, request):
        filters = ApplicationFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        applications = accreditation_selectors.applications_for_officers(
            filters.validated_data.get("status", "")
        )
        return _page(self, request, applications, shapes.ApplicationSerializer)


class ApplicationApiView(KeyedApiView):
    @extend_schema(
        summary="One application and its state",
        operation_id="manage_application",
        responses={200: shapes.ApplicationSerializer, **KEYED_PROBLEMS},
        tags=TAGS,
    )
    def get(self, request, pk: int):
        application = get_object_or_404(
            Application.objects.select_related("organisation", "round", "level_sought"), pk=pk
        )
        return Response(shapes.ApplicationSerializer(application).data)


class CouncilAwardListApiView(KeyedApiView):
    pagination_class = TenantNewestFirstPagination

    @extend_schema(
        summary="Every award, embargoed ones too, newest first",
        parameters=PAGING,
        responses={200: shapes.CouncilAwardSerializer(many=True), **KEYED_PROBLEMS},
        tags=TAGS,
    )
    def get(self, request):
        awards = Award.objects.select_related("organisation", "level")
        return _page(
            self,
            request,
            awards,
            shapes.CouncilAwardSerializer,
            context={"tenant": request.tenant},
        )


class InvitationFilters(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=shapes.INVITATION_STATES,
        required=False,
        help_text="Only invitations in this state.",
    )


class InvitationApiView(KeyedApiView):
    pagination_class = TenantNewestFirstPagination

    @extend_schema(
        summary="Invitations sent, newest first",
        description="As the People page lists them: who was invited, in which role, and whether "
        "they joined. The link itself is only ever in the invitation email.",
        operation_id="manage_invitations_list",
        parameters=[InvitationFilters, *PAGING],
        responses={200: shapes.InvitationSerializer(many=True), **KEYED_PROBLEMS},
        tags=TAGS,
    )
    def get(self, request):
        filters = InvitationFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        invitations = Invitation.objects.all()
        if "state" in filters.validated_data:
            invitations = invitations.in_state(filters.validated_data["state"])
        return _page(self, request, invitations, shapes.InvitationSerializer)

    @extend_schema(
        summary="Invite someone to the council (read-write key)",
        description="As the People page does: an email with a link is sent; an open "
        "invitation for the same email and role is renewed.",
        request=shapes.InvitationSerializer,
        responses={
            201: shapes.InvitationSerializer,
            **WRITE_PROBLEMS,
        },
        tags=TAGS,
    )
    def post(self, request):
        incoming = shapes.InvitationSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        invitation = invite_person(
            incoming.validated_data["email"],
            role=incoming.validated_data["role"],
            acting_user=request.user,
            has_lived_experience=incoming.validated_data.get("has_lived_experience", False),
        )
        return Response(shapes.InvitationSerializer(invitation).data, status=HTTPStatus.CREATED)


class ExportListApiView(KeyedApiView):
    pagination_class = TenantNewestFirstPagination

    @extend_schema(
        summary="The council's data exports, newest first",
        operation_id="manage_exports_list",
        parameters=PAGING,
        responses={200: shapes.ExportSerializer(many=True), **KEYED_PROBLEMS},
        tags=TAGS,
    )
    def get(self, request):
        return _page(
            self,
            request,
            DataExport.objects.all(),
            shapes.ExportSerializer,
            context={"tenant": request.tenant},
        )

    @extend_schema(
        summary="Export all the council's data (read-write key)",
        description="As the Export page does: one export is prepared at a time (asking again "
        "returns it), a few a day. Poll the export until it is ready, then download it.",
        request=None,
        responses={
            202: shapes.ExportSerializer,
            **WRITE_PROBLEMS,
        },
        tags=TAGS,
    )
    def post(self, request):
        export = export_services.request_export(acting_user=request.user)
        return Response(
            shapes.ExportSerializer(export, context={"tenant": request.tenant}).data,
            status=HTTPStatus.ACCEPTED,
        )


class ExportApiView(KeyedApiView):
    @extend_schema(
        summary="One data export",
        operation_id="manage_export",
        responses={200: shapes.ExportSerializer, **KEYED_PROBLEMS},
        tags=TAGS,
    )
    def get(self, request, pk: int):
        export = get_object_or_404(DataExport, pk=pk)
        return Response(shapes.ExportSerializer(export, context={"tenant": request.tenant}).data)


class ExportDownloadApiView(KeyedApiView):
    @extend_schema(
        summary="Download a ready export (a zip)",
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY),
            **KEYED_PROBLEMS,
        },
        tags=TAGS,
    )
    def get(self, request, pk: int):
        return export_download(request, pk)
