"""What a key may do: every key reads; only a read-write key makes changes."""

from rest_framework import permissions

from platform_.api.models import ApiKey


class HasCouncilKey(permissions.BasePermission):
    """A valid key of this council (ApiKeyAuthentication found it); read-write for changes.

    Without a key DRF answers 401 (the authenticator names the Bearer scheme); with a read-only
    key, a change is 403.
    """

    message = "This API key may only read; ask a council officer for a read-write key."

    def has_permission(self, request, view) -> bool:
        if not isinstance(request.auth, ApiKey):
            return False
        return request.method in permissions.SAFE_METHODS or request.auth.may_write
