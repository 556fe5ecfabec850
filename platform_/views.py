"""Pages that belong to no single app: the platform landing page, tenant home, accessibility.

The council dashboard at /manage/ reads from charters and accreditation, which the kernel may
not import: it lives in platform_.dashboard.
"""

from django.views.generic import TemplateView


class PlatformLandingView(TemplateView):
    template_name = "platform/landing.html"


class AccessibilityStatementView(TemplateView):
    template_name = "pages/accessibility.html"


class TenantHomeView(TemplateView):
    template_name = "pages/tenant_home.html"
