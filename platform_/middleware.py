"""Response headers that Django 5.2 does not set itself."""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Sends a strict Content-Security-Policy: templates carry no inline scripts or styles."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response
