"""Pages that belong to no single app: the accessibility page.

The platform home shows the plans, so it lives in billing (platform_/billing/views/signup.py);
the council dashboard at /manage/ reads from charters and accreditation, which the kernel may
not import: it lives in platform_.dashboard.
"""

from django.views.generic import TemplateView


class AccessibilityStatementView(TemplateView):
    template_name = "pages/accessibility.html"


class TenantHomeView(TemplateView):
    template_name = "pages/tenant_home.html"
