"""The platform host's own pages: the home page with the plans, council sign up, its progress.

All on the public schema. Thin: the rules for subdomains and the Stripe calls live in
services/signups.py. Stripe's pages are on another origin, so the pages whose forms lead there
widen the Content-Security-Policy's form-action to it (Chromium applies form-action to the
redirect that follows a form's submission, too).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import TemplateView

from platform_ import ratelimit
from platform_.billing.csp import allow_forms_to_stripe, see_other
from platform_.billing.enums import SignupStatus
from platform_.billing.errors import CheckoutUnavailable, SubdomainUnavailable
from platform_.billing.forms import SignupForm
from platform_.billing.models import CouncilSignup
from platform_.billing.services import signups
from platform_.billing.stripe_api import billing_enabled
from tenants.enums import TenantKind
from tenants.models import Plan


class PlatformLandingView(TemplateView):
    """What CoCharter does for a council, the plans and prices, and the way to sign up."""

    template_name = "platform/landing.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "plans": list(Plan.objects.filter(is_available=True)),
            "billing_enabled": billing_enabled(),
            "contact_email": settings.PLATFORM_CONTACT_EMAIL,
            "platform_domain": settings.PLATFORM_DOMAIN,
        }


def _signup_off(request):
    """Without Stripe there is no online sign up: say who creates councils instead."""
    return render(
        request,
        "billing/signup/off.html",
        {
            "page_title": "Online sign up is not available",
            "contact_email": settings.PLATFORM_CONTACT_EMAIL,
        },
    )


def _parse_uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value or "")
    except ValueError:
        return None


UNPAID = (SignupStatus.CHECKOUT, SignupStatus.EXPIRED)


class SignupView(View):
    template_name = "billing/signup/form.html"

    def get(self, request):
        if not billing_enabled():
            return _signup_off(request)
        # Back from Stripe without paying (its cancel address), or starting again after an
        # expired checkout: the form keeps what was typed.
        previous = self._previous_signup(request.GET.get("again"))
        if previous is not None and previous.status not in UNPAID:
            return redirect(signups.progress_path(previous))
        if previous is not None:
            initial = {
                "council_name": previous.council_name,
                "kind": previous.kind,
                "slug": previous.slug,
                "officer_name": previous.officer_name,
                "officer_email": previous.officer_email,
                "plan": previous.plan_id,
            }
        else:
            initial = {"kind": TenantKind.COUNCIL}
        form = SignupForm(initial=initial)
        return self._render(request, form, previous=previous)

    def post(self, request):
        if not billing_enabled():
            return _signup_off(request)
        try:
            ratelimit.check(request, "billing.signup")
        except ratelimit.Throttled as error:
            return ratelimit.throttled_response(
                request, error, message="There have been too many sign ups from your connection."
            )
        previous = self._previous_signup(request.POST.get("previous"))
        if previous is not None:
            # Starting again after leaving the payment page: the old checkout must not be paid
            # as well, and its subdomain is free again for this sign up.
            signups.abandon_signup(previous)
        form = SignupForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, previous=previous)
        details = {name: form.cleaned_data[name] for name in SignupForm.base_fields}
        try:
            _signup, checkout_url = signups.sign_up_council(**details)
        except SubdomainUnavailable as error:
            form.add_error("slug", error.message)
            return self._render(request, form, previous=previous)
        except CheckoutUnavailable as error:
            return self._render(request, form, previous=previous, problem=error.message)
        return see_other(checkout_url)

    def _previous_signup(self, value: str | None) -> CouncilSignup | None:
        public_id = _parse_uuid(value)
        if public_id is None:
            return None
        return CouncilSignup.objects.select_related("plan").filter(public_id=public_id).first()

    def _render(self, request, form, *, previous=None, problem: str = ""):
        response = render(
            request,
            self.template_name,
            {
                "page_title": ("Error: " if form.errors or problem else "")
                + "Sign up your council",
                "form": form,
                "plans": list(form.fields["plan"].queryset),
                "previous": previous,
                "problem": problem,
                "platform_domain": settings.PLATFORM_DOMAIN,
                "contact_email": settings.PLATFORM_CONTACT_EMAIL,
            },
        )
        return allow_forms_to_stripe(response)


class SignupProgressView(View):
    """Where Stripe sends the council after paying: progress in words until the site answers."""

    template_name = "billing/signup/progress.html"

    def get(self, request, public_id):
        signup = _signup_or_404(public_id)
        signup = signups.check_checkout(signup, session_id=request.GET.get("session_id", ""))
        progress = signups.signup_progress(signup)
        response = render(
            request,
            self.template_name,
            {
                "page_title": progress.heading,
                "signup": signup,
                "progress": progress,
                "contact_email": settings.PLATFORM_CONTACT_EMAIL,
            },
        )
        response["Cache-Control"] = "no-store"
        return response


class SignupStatusView(View):
    """The progress page's JSON, polled by static/src/signup_progress.mjs."""

    def get(self, request, public_id):
        signup = signups.check_checkout(_signup_or_404(public_id))
        response = JsonResponse(signups.signup_progress(signup).as_json())
        response["Cache-Control"] = "no-store"
        return response


def _signup_or_404(public_id) -> CouncilSignup:
    return get_object_or_404(
        CouncilSignup.objects.select_related("plan", "tenant"), public_id=public_id
    )
