"""View mixins that apply the role rules in rules.py."""

from django.core.exceptions import PermissionDenied
from rules.contrib.views import PermissionRequiredMixin


class RoleRequiredMixin(PermissionRequiredMixin):
    """Anonymous visitors are sent to log in; signed-in people without the role get a 403."""

    permission_required: str


def require_permission(
    user, permission: str, obj=None, message: str = "You cannot do that."
) -> None:
    """For services: raise PermissionDenied with ``message`` unless ``user`` holds the rule."""
    if user is None or not user.has_perm(permission, obj):
        raise PermissionDenied(message)
