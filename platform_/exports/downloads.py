"""The response that hands an officer (page or API key) a ready export: one place, so the page
and the API cannot drift apart in what they check, record or send."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from platform_.exports import services
from platform_.exports.enums import ExportStatus
from platform_.exports.models import DataExport


def export_download(request, pk: int) -> FileResponse:
    """The ready export ``pk`` of the current council as a zip attachment, its download audited.

    The file is opened from the council's own folder by the row's name, never a path the caller
    chose. Raises Http404 for an export that is missing, not ready, or whose file has gone (the
    API's problem handler answers that as a 404 problem).
    """
    export = get_object_or_404(DataExport, pk=pk, status=ExportStatus.READY)
    if not export.file:
        raise Http404
    try:
        file = export.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    services.record_download(export, acting_user=request.user)
    filename = f"{request.tenant.slug}-data-{export.created_at:%Y-%m-%d}-{export.pk}.zip"
    response = FileResponse(
        file, content_type="application/zip", as_attachment=True, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
