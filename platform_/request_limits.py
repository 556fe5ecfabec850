"""Caps on request bodies, applied before any of the body is read or stored.

gunicorn has no body limit and Django's own limits cover only form fields in memory, so without
this a 200 MB anonymous POST to the sign-in page was spooled to disk whole. Each request gets a
cap (``request.body_limit``): small for anyone not signed in, larger for people signed in, and
the council's own file limit (plus room for the form around it) on the pages that take
uploads. A declared Content-Length over the cap is answered 413 at once; a body without one (or
longer than it said) is counted by ``BodyLimitUploadHandler`` and stopped at the cap.

The kernel does not know which pages take uploads or what a council allows: the apps that own
those pages say so with ``allow_uploads`` (accreditation for evidence), as they join in signals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

MB = 1024 * 1024


@dataclass(frozen=True)
class UploadPage:
    """A page that takes files of up to ``file_mb(request)`` megabytes."""

    file_mb: Callable[[HttpRequest], int]


_upload_pages: dict[str, UploadPage] = {}


def allow_uploads(url_name: str, *, file_mb: Callable[[HttpRequest], int]) -> None:
    """Let signed-in people send files of up to ``file_mb(request)`` MB to ``url_name``'s view
    (namespaced, e.g. ``"accreditation:application.evidence.add"``)."""
    _upload_pages[url_name] = UploadPage(file_mb=file_mb)


@dataclass(frozen=True)
class BodyLimit:
    bytes: int
    refusal: str


def body_limit_for(request: HttpRequest) -> BodyLimit:
    """The most this request may send, and what to tell someone who sends more."""
    if not request.user.is_authenticated:
        mb = settings.REQUEST_BODY_LIMIT_ANONYMOUS // MB
        return BodyLimit(
            settings.REQUEST_BODY_LIMIT_ANONYMOUS,
            f"You can send up to {mb} MB here without signing in.",
        )
    page = _upload_page(request)
    if page is not None:
        file_mb = page.file_mb(request)
        return BodyLimit(
            file_mb * MB + settings.REQUEST_BODY_FORM_MARGIN,
            f"The file is too large. Files can be up to {file_mb} MB.",
        )
    mb = settings.REQUEST_BODY_LIMIT_SIGNED_IN // MB
    return BodyLimit(settings.REQUEST_BODY_LIMIT_SIGNED_IN, f"You can send up to {mb} MB here.")


def _upload_page(request: HttpRequest) -> UploadPage | None:
    try:
        match = resolve(request.path_info, urlconf=getattr(request, "urlconf", None))
    except Resolver404:
        return None
    return _upload_pages.get(match.view_name)


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _sends_a_body(request: HttpRequest) -> bool:
    return _declared_length(request) > 0 or "HTTP_TRANSFER_ENCODING" in request.META


def too_large(request: HttpRequest, limit: BodyLimit) -> HttpResponse:
    response = render(request, "413.html", {"refusal": limit.refusal}, status=413)
    # The rest of the body is never read; closing is the only clean end to this request.
    response["Connection"] = "close"
    return response


class RequestBodyLimitMiddleware:
    """Refuses, with a 413 page, a request body over the cap for that request.

    Placed after AuthenticationMiddleware (the cap depends on who is signed in) and after the
    tenant middleware (a council's own limit); nothing before it reads the body.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _sends_a_body(request):
            return self.get_response(request)
        limit = body_limit_for(request)
        request.body_limit = limit.bytes
        if _declared_length(request) > limit.bytes:
            return too_large(request, limit)
        response = self.get_response(request)
        if getattr(request, "body_limit_exceeded", False):
            return too_large(request, limit)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Read the form now (CSRF has usually done so already), so a view never runs on a form
        # whose upload the handler cut short.
        if request.method == "POST" and hasattr(request, "body_limit"):
            request.POST  # noqa: B018 (parsing is the point)
            if getattr(request, "body_limit_exceeded", False):
                return too_large(request, body_limit_for(request))
        return None


class BodyLimitUploadHandler(FileUploadHandler):
    """Counts uploaded bytes as they arrive and stops at the request's cap, before the handlers
    after it (memory, temporary file) store any more. First in FILE_UPLOAD_HANDLERS."""

    limit: int | None = None
    received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit = getattr(self.request, "body_limit", None)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.limit is not None and self.received > self.limit:
            self.request.body_limit_exceeded = True
            # Closes (so deletes) the temporary files so far and reads no more of the body.
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler makes the file
