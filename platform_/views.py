"""Pages that belong to no single app: the tenant home and area hubs, the accessibility page.

The platform home shows the plans, so it lives in billing (platform_/billing/views/signup.py).
"""

from django.views.generic import TemplateView

from platform_.accounts.permissions import RoleRequiredMixin


class AccessibilityStatementView(TemplateView):
    template_name = "pages/accessibility.html"


class TenantHomeView(TemplateView):
    template_name = "pages/tenant_home.html"


class ManageHubView(RoleRequiredMixin, TemplateView):
    permission_required = "tenant.manage"
    template_name = "pages/manage_hub.html"
