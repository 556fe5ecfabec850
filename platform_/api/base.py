"""What every API view shares: ETags on reads, the count of each keyed request, pagination."""

from __future__ import annotations

import hashlib
from http import HTTPStatus

from django.utils.cache import patch_vary_headers
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from platform_.api import services
from platform_.api.models import ApiKey
from platform_.api.permissions import HasCouncilKey


def etag_of(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def _matches(if_none_match: str, etag: str) -> bool:
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or etag in tags


class ApiView(APIView):
    """An endpoint of the API: its reads carry a strong ETag of their body, and a request whose
    If-None-Match holds it gets 304 with no body (the client's copy is current). Requests made
    with a key are counted (platform_.api.services.record_use)."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == HTTPStatus.OK
            and isinstance(response, Response)
        ):
            response.render()
            etag = etag_of(response.content)
            response["ETag"] = etag
            if _matches(request.headers.get("If-None-Match", ""), etag):
                not_modified = Response(status=HTTPStatus.NOT_MODIFIED)
                not_modified["ETag"] = etag
                response = super().finalize_response(request, not_modified, *args, **kwargs)
        # A keyed answer differs by key: a shared cache must not give it to another caller.
        patch_vary_headers(response, ["Authorization"])
        auth = getattr(request, "auth", None)
        if isinstance(auth, ApiKey):
            services.record_use(
                auth, method=request.method, path=request.path, status=response.status_code
            )
        return response


class KeyedApiView(ApiView):
    """An endpoint for the council's own systems: a key of this council is required."""

    permission_classes = [HasCouncilKey]


class NamePagination(CursorPagination):
    """Cursor pagination by name: stable while rows are added, and no count query."""

    ordering = ("name", "pk")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class NewestFirstPagination(CursorPagination):
    ordering = ("-pk",)
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class TenantLinksMixin:
    """Next and previous links on the council's own domain, never the request's Host header
    (public pages are cached for everyone; DESIGN §7)."""

    def paginate_queryset(self, queryset, request, view=None):
        page = super().paginate_queryset(queryset, request, view)
        self.base_url = request.tenant.build_url(request.get_full_path())
        return page


class TenantNamePagination(TenantLinksMixin, NamePagination):
    pass


class TenantNewestFirstPagination(TenantLinksMixin, NewestFirstPagination):
    pass
