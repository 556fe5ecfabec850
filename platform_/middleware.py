"""Response headers that Django 5.2 does not set itself."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils.cache import patch_vary_headers


class ContentSecurityPolicyMiddleware:
    """Sends a strict Content-Security-Policy: templates carry no inline scripts or styles."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware without URL prefixes: the language comes from the cookie the
    switcher sets (``/language/<code>/``), else from the browser's Accept-Language, else English.

    It already adds ``Vary: Accept-Language``; the cookie decides the language too, so shared
    caches must also keep pages apart by ``Cookie``.
    """

    def process_response(self, request, response):
        response = super().process_response(request, response)
        patch_vary_headers(response, ("Cookie",))
        return response
