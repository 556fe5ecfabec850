"""The council's billing page (tenant host, officers only) and its way to Stripe's portal."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.shortcuts import redirect, render
from django.views import View

from platform_.accounts.permissions import RoleRequiredMixin
from platform_.billing import selectors
from platform_.billing.csp import allow_forms_to_stripe, see_other
from platform_.billing.errors import PortalUnavailable
from platform_.billing.services.portal import (
    complete_reactivation,
    open_billing_portal,
    open_reactivation_checkout,
)
from platform_.billing.stripe_api import billing_enabled


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
        session_id = request.GET.get("session_id", "")
        if session_id and billing_enabled():
            # Back from subscribing again: record it now rather than wait for the webhook.
            complete_reactivation(session_id, tenant=connection.tenant)
            return redirect("billing:manage")
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


class ReactivateView(RoleRequiredMixin, View):
    """POST only: a new Checkout for a council whose subscription ended. Allowed while the
    council is suspended (tenants/middleware.py), like the portal."""

    permission_required = "tenant.manage"

    def post(self, request):
        try:
            url = open_reactivation_checkout(connection.tenant, acting_user=request.user)
        except PortalUnavailable as error:
            return billing_page(request, problem=error.message)
        return see_other(url)
