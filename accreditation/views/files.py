"""Evidence files, served only after a permission check and never from a guessable path."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views import View

from accreditation.models import Evidence


class EvidenceFileView(View):
    def get(self, request, pk: int):
        evidence = get_object_or_404(
            Evidence.objects.select_related("application__organisation"), pk=pk
        )
        if not evidence.file or not request.user.has_perm(
            "accreditation.view_evidence", evidence.application
        ):
            # Not found rather than forbidden: nothing about the file is confirmed to strangers.
            raise Http404
        response = FileResponse(
            evidence.file.open("rb"),
            content_type=evidence.content_type,
            as_attachment=True,
            filename=evidence.original_filename,
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
