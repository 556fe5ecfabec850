"""Pages that belong to no single app: the accessibility page.

The platform home shows the plans, so it lives in billing (platform_/billing/views/signup.py);
the council dashboard at /manage/ reads from charters and accreditation, which the kernel may
not import: it lives in platform_.dashboard.
"""

from django.conf import settings
from django.views.generic import TemplateView


class AccessibilityStatementView(TemplateView):
    template_name = "pages/accessibility.html"

    def get_context_data(self, **kwargs):
        # The platform's own page names the platform's address; a council's names the council's.
        return {
            **super().get_context_data(**kwargs),
            "platform_contact_email": settings.PLATFORM_CONTACT_EMAIL,
        }
