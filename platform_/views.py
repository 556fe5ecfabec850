"""Pages that belong to no single app: the platform landing page, tenant home and area hubs."""

from django.conf import settings
from django.views.generic import TemplateView

from platform_.accounts.permissions import RoleRequiredMixin


class PlatformLandingView(TemplateView):
    template_name = "platform/landing.html"


class AccessibilityStatementView(TemplateView):
    template_name = "pages/accessibility.html"

    def get_context_data(self, **kwargs):
        # The platform's own page names the platform's address; a council's names the council's.
        return {
            **super().get_context_data(**kwargs),
            "platform_contact_email": settings.PLATFORM_CONTACT_EMAIL,
        }


class ManageHubView(RoleRequiredMixin, TemplateView):
    permission_required = "tenant.manage"
    template_name = "pages/manage_hub.html"
