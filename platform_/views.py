"""Pages that belong to no single app: the accessibility page, the language switch.

The platform home shows the plans, so it lives in billing (platform_/billing/views/signup.py);
the council dashboard at /manage/ reads from charters and accreditation, which the kernel may
not import: it lives in platform_.dashboard.
"""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from platform_.accounts.services import remember_language


class AccessibilityStatementView(TemplateView):
    template_name = "pages/accessibility.html"

    def get_context_data(self, **kwargs):
        # The platform's own page names the platform's address; a council's names the council's.
        return {
            **super().get_context_data(**kwargs),
            "platform_contact_email": settings.PLATFORM_CONTACT_EMAIL,
        }


class LanguageView(View):
    """``/language/<code>/?next=<path>``: show the site in that language from now on.

    A link rather than Django's ``set_language`` POST form: a form would put a CSRF token in
    every page, and the public pages are cached whole and shared. Choosing a language changes
    nothing but the person's own cookie (and, signed in, the language of their emails), so a
    GET is safe to follow. It brings the person back to the page they were on, on this host.
    """

    def get(self, request, code: str):
        if code not in dict(settings.LANGUAGES):
            raise Http404
        target = request.GET.get("next", "")
        # A path on this same site only (no host at all, so "//elsewhere.example/" is refused),
        # and no line break, which no Location header may hold.
        if (
            not target.startswith("/")
            or any(character.isspace() for character in target)
            or not url_has_allowed_host_and_scheme(target, allowed_hosts=set())
        ):
            target = "/"
        response = HttpResponseRedirect(target)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        remember_language(request.user, language=code)
        return response
