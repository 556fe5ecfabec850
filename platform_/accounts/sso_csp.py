"""The sign-in pages' Content-Security-Policy lets their SSO button reach the council's provider.

The button posts to /accounts/oidc/council/login/, which redirects to the provider; browsers
apply ``form-action`` to the redirects after a form is sent too, so under the site's policy
(``form-action 'self'``) the button would do nothing. Only these pages name the provider, and
only the current council's (one query, on these pages only).
"""

from django.conf import settings
from django.db import connection

from platform_.accounts.sso import council_app, form_action_origin

SIGN_IN_PATHS = ("/accounts/login/", "/accounts/oidc/")
HEADER = "Content-Security-Policy"


class SSOFormActionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith(SIGN_IN_PATHS)
            and connection.schema_name != "public"
            and HEADER not in response.headers
            and "text/html" in response.get("Content-Type", "")
        ):
            origin = form_action_origin(council_app())
            if origin:
                response.headers[HEADER] = settings.CONTENT_SECURITY_POLICY.replace(
                    "form-action 'self'", f"form-action 'self' {origin}"
                )
        return response
