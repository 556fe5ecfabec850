"""Public verification of an award (no sign-in): the page a certificate's QR code opens, a lookup
by certificate number, and "raise a concern".

The verification page is cached whole, per tenant, under the public-cache generation (which the
award services bump on every change) and today's date (the status depends on it), so a hit
renders no template and runs no query beyond the cached tenant lookup.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views import View

from accreditation import services
from accreditation.enums import AwardStatus
from accreditation.forms import CertificateLookupForm, ConcernForm
from accreditation.models import Award
from charters import public_cache, reading_mode
from platform_ import ratelimit
from tenants.enums import LifecycleStatus

# The concern form's trap for bots: a field people never see or hear (hidden by CSS and from
# assistive technology, out of the tab order), which scripts that fill every field fill.
HONEYPOT_FIELD = "website"


def released_award_or_404(code: str) -> Award:
    """The public award with this code. Unknown and embargoed are the same plain 404."""
    award = (
        Award.objects.select_related("organisation", "level", "replaced_by")
        .filter(verification_code=code, released_at__isnull=False)
        .first()
    )
    if award is None:
        raise Http404
    return award


def _verify_url(award: Award) -> str:
    return reverse("accreditation:verify", args=[award.verification_code])


def _replacement(award: Award) -> Award | None:
    try:
        replacement = award.replaced_by
    except Award.DoesNotExist:
        return None
    return replacement if replacement.released_at is not None else None


def _is_anonymous_without_session(request: HttpRequest) -> bool:
    """True when the page this request gets is the one everybody gets: no session (so nobody
    signed in, and no messages waiting). Deciding it from the cookie costs no query."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES


class VerifyView(View):
    template_name = "accreditation/verify/award.html"

    def get(self, request, code: str):
        today = timezone.localdate()
        if not _is_anonymous_without_session(request):
            return self.respond(self.build(request, code, today))

        # An unknown or embargoed code raises Http404 inside build, so nothing is cached for it:
        # random codes cannot fill the cache, and an award shows as soon as it is released.
        # The council's state is in the key (a paused or closed site offers no concern form), and
        # so is the reader's easy read / standard choice: each is a page of its own.
        mode = reading_mode.current(request)
        body = public_cache.cached(
            f"verify:{request.tenant.status}:{mode}:{today.isoformat()}:{code}",
            lambda: self.build(request, code, today),
        )
        return self.respond(body)

    @staticmethod
    def respond(body: str) -> HttpResponse:
        response = HttpResponse(body)
        # Signed-in people get their own header on this page, and the reading mode is a cookie
        # too: a shared cache must tell them apart.
        patch_vary_headers(response, ["Cookie"])
        return response

    def build(self, request, code: str, today) -> str:
        award = released_award_or_404(code)
        status = award.status_on(today)
        return render_to_string(
            self.template_name,
            {
                "award": award,
                "status": status,
                "status_label": AwardStatus(status).label,
                "holding": status in AwardStatus.holding(),
                "replacement": _replacement(award) if status == AwardStatus.SUPERSEDED else None,
                "council": request.tenant.name,
                "easy_read": reading_mode.is_easy_read(request),
                "reading_mode_next": request.path,
                # A paused (read-only) or closed site cannot take a concern: say where to write.
                "takes_concerns": request.tenant.status in LifecycleStatus.taking_changes(),
            },
            request=request,
        )


class LookupView(View):
    """Find a certificate by its number (a GET form): found goes to its verification page."""

    template_name = "accreditation/verify/lookup.html"

    def get(self, request):
        if "number" not in request.GET:
            return render(request, self.template_name, {"form": CertificateLookupForm()})
        form = CertificateLookupForm(request.GET)
        if form.is_valid():
            try:
                ratelimit.check(request, "accreditation.lookup_certificate")
            except ratelimit.Throttled as error:
                return ratelimit.throttled_response(
                    request, error, message=_("You have looked up too many certificates.")
                )
            award = (
                Award.objects.filter(
                    certificate_number__iexact=form.cleaned_data["number"].strip(),
                    released_at__isnull=False,
                )
                .only("verification_code")
                .first()
            )
            if award is not None:
                return redirect(_verify_url(award))
            form.add_error(
                "number",
                "No certificate has this number. Check the number on the certificate and try "
                "again.",
            )
        return render(request, self.template_name, {"form": form})


class ConcernView(View):
    """Raise a concern about an award; anyone may, with no sign-in."""

    template_name = "accreditation/verify/concern.html"

    def get(self, request, code: str):
        award = released_award_or_404(code)
        if request.tenant.status not in LifecycleStatus.taking_changes():
            # A paused or closed site would refuse the form: its page says where to write.
            return redirect(_verify_url(award))
        return render(request, self.template_name, {"award": award, "form": ConcernForm()})

    def post(self, request, code: str):
        award = released_award_or_404(code)
        try:
            ratelimit.check(request, "accreditation.raise_concern")
        except ratelimit.Throttled as error:
            return ratelimit.throttled_response(
                request, error, message=_("You have raised too many concerns.")
            )
        sent = reverse("accreditation:verify.concern.sent", args=[code])
        if request.POST.get(HONEYPOT_FIELD):
            # A bot: it is told what a person is told, and nothing is saved or sent.
            return redirect(sent)
        form = ConcernForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"award": award, "form": form})
        services.raise_concern(
            award,
            acting_user=request.user,
            details=form.cleaned_data["details"],
            contact_email=form.cleaned_data["contact_email"],
        )
        return redirect(sent)


class ConcernSentView(View):
    template_name = "accreditation/verify/concern_sent.html"

    def get(self, request, code: str):
        award = released_award_or_404(code)
        return render(request, self.template_name, {"award": award})
