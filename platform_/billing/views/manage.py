"""The council's billing page (tenant host, officers only) and its way to Stripe's portal."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.shortcuts import render
from django.views import View

from platform_.accounts.permissions import RoleRequiredMixin
from platform_.billing import selectors
from platform_.billing.csp import allow_forms_to_stripe, see_other
from platform_.billing.errors import PortalUnavailable
from platform_.billing.services.portal import open_billing_portal


def billing_page(request, *, problem: str = ""):
    tenant = connection.tenant
    subscription = selectors.subscription_of(tenant)
    response = render(
        request,
        "billing/manage/billing.html",
        {
            "page_title": "Error: Billing" if problem else "Billing",
            "summary": selectors.billing_summary(tenant, subscription),
            "problem": problem,
            "contact_email": settings.PLATFORM_CONTACT_EMAIL,
        },
    )
    return allow_forms_to_stripe(response)


class ManageBillingView(RoleRequiredMixin, View):
    permission_required = "tenant.manage"

    def get(self, request):
        return billing_page(request)


class BillingPortalView(RoleRequiredMixin, View):
    """POST only. Allowed while the council is suspended (tenants/middleware.py): paying is how
    a suspended council opens its site again."""

    permission_required = "tenant.manage"

    def post(self, request):
        try:
            url = open_billing_portal(connection.tenant, acting_user=request.user)
        except PortalUnavailable as error:
            return billing_page(request, problem=error.message)
        return see_other(url)
