"""Who is calling: a council API key in ``Authorization: Bearer cck_<prefix>_<secret>``."""

from __future__ import annotations

from rest_framework import authentication, exceptions

from platform_.api import services

SCHEME = "Bearer"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """A request with a key acts as the officer who made it (ApiKey.created_by).

    No header: anonymous (the public endpoints answer; the rest say 401). A header that is not
    an active key of this council (another council's key, a revoked one, a guess): 401. The
    lookup runs in the tenant's schema, so another council's key is simply not found. A key whose
    maker is no longer an active officer: 401 too, as their session would be refused.
    """

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme != SCHEME or not token.strip():
            raise exceptions.AuthenticationFailed("Send the key as: Authorization: Bearer <key>.")
        key = services.key_for_token(token.strip())
        if key is None:
            raise exceptions.AuthenticationFailed("This API key is not valid for this council.")
        user = key.created_by
        if not user.has_perm("tenant.manage"):
            raise exceptions.AuthenticationFailed(
                "The officer who made this API key is no longer a council officer."
            )
        return user, key

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (not 403) when no key was sent to an endpoint that needs one.
        return f'{SCHEME} realm="api"'
