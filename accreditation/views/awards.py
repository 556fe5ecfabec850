"""An award's certificate (signed PDF and its text twin) and credential, for the organisation's
people and the council only; everyone else has the public verification page."""

import json

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views import View

from accreditation.documents import certificate_text
from accreditation.models import Award


class AwardDocumentView(View):
    """Not found, rather than forbidden, for a signed-in person who may not see it, an award of
    another organisation or council, and one whose documents are still being made."""

    def get(self, request, slug: str, pk: int):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        award = get_object_or_404(
            Award.objects.select_related("organisation", "level"),
            pk=pk,
            organisation__slug=slug,
        )
        if award.certificate_generated_at is None or not request.user.has_perm(
            "accreditation.view_award_documents", award
        ):
            raise Http404
        content, content_type, extension = self.document(award)
        response = HttpResponse(content, content_type=content_type)
        filename = f"charter-status-{award.certificate_number}.{extension}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def document(self, award: Award) -> tuple[bytes | str, str, str]:
        raise NotImplementedError


class CertificatePdfView(AwardDocumentView):
    def document(self, award):
        with award.certificate.open("rb") as file:
            return file.read(), "application/pdf", "pdf"


class CertificateTextView(AwardDocumentView):
    def document(self, award):
        return certificate_text(award), "text/plain; charset=utf-8", "txt"


class CredentialView(AwardDocumentView):
    def document(self, award):
        return json.dumps(award.credential, indent=2), "application/json", "json"
