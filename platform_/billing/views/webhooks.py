"""Stripe's webhook: verified, stored, answered at once; the work is done by a task."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from platform_.billing.services.events import InvalidWebhook, receive_webhook
from platform_.billing.stripe_api import billing_enabled

logger = logging.getLogger(__name__)


@method_decorator(csrf_exempt, name="dispatch")  # Stripe signs its requests; it has no cookie
class StripeWebhookView(View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        if not billing_enabled():
            return HttpResponseNotFound("Billing is off.")
        try:
            event = receive_webhook(request.body, request.headers.get("Stripe-Signature"))
        except InvalidWebhook as error:
            logger.warning("Refused a Stripe webhook: %s", error)
            return HttpResponseBadRequest("Invalid signature.")
        return HttpResponse("Stored." if event else "Already received.", content_type="text/plain")
