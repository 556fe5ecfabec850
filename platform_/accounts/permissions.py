"""View mixins that apply the role rules in rules.py."""

from django.core.exceptions import PermissionDenied
from rules.contrib.views import PermissionRequiredMixin


class RoleRequiredMixin(PermissionRequiredMixin):
    """Anonymous visitors are sent to log in; signed-in people without the role get a 403."""

    permission_required: str


def require_permission(
    user,
    permission: str,
    obj=None,
    message: str = "You cannot do that.",
    *,
    refusal: type[Exception] = PermissionDenied,
) -> None:
    """For services: raise ``refusal(message)`` unless ``user`` holds the rule for ``obj``.

    The one way services check permissions (never ``has_perm`` or a predicate directly). A
    service asks about the person first (PermissionDenied), then about the state of things with
    a rule that joins a state predicate (``refusal=`` the app's error, whose message tells the
    person what to do), e.g. "the lead may withdraw" and then "the lead may withdraw it now".
    """
    if user is None or not user.has_perm(permission, obj):
        raise refusal(message)
