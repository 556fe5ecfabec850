"""The one widening of the Content-Security-Policy: forms that lead to Stripe's own pages.

Chromium applies ``form-action`` to the redirect that answers a form's submission, so the sign up
form (redirected to Stripe Checkout) and the billing page's button (to Stripe's customer portal)
would be blocked under ``form-action 'self'``. Only those two pages allow Stripe's origin, or the
local fake server's in development and tests.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect

STRIPE_PAGE_ORIGINS = ("https://checkout.stripe.com", "https://billing.stripe.com")


def stripe_page_origins() -> tuple[str, ...]:
    if settings.STRIPE_API_BASE:
        # The fake server serves its checkout and portal pages beside its API.
        parts = urlsplit(settings.STRIPE_API_BASE)
        return (f"{parts.scheme}://{parts.netloc}",)
    return STRIPE_PAGE_ORIGINS


def allow_forms_to_stripe(response: HttpResponse) -> HttpResponse:
    """Set this response's policy: the site's own, with Stripe's pages added to form-action."""
    origins = " ".join(stripe_page_origins())
    response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", f"form-action 'self' {origins}"
    )
    return response


def see_other(url: str) -> HttpResponseRedirect:
    """303 to Stripe's page: the browser follows a POST's answer with a GET."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response
