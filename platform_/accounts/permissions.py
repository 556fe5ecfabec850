"""View mixins that apply the role rules in rules.py."""

from rules.contrib.views import PermissionRequiredMixin


class RoleRequiredMixin(PermissionRequiredMixin):
    """Anonymous visitors are sent to log in; signed-in people without the role get a 403."""

    permission_required: str
