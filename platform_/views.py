"""Pages that belong to no single app: the platform landing page, tenant home and area hubs."""

from django.views.generic import TemplateView

from platform_.accounts.permissions import RoleRequiredMixin


class PlatformLandingView(TemplateView):
    template_name = "platform/landing.html"


class AccessibilityStatementView(TemplateView):
    template_name = "pages/accessibility.html"


class TenantHomeView(TemplateView):
    template_name = "pages/tenant_home.html"


class ManageHubView(RoleRequiredMixin, TemplateView):
    permission_required = "tenant.manage"
    template_name = "pages/manage_hub.html"
