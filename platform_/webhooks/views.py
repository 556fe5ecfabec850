"""Council officers' webhook pages (/manage/webhooks/). Thin: each calls one service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import FormView, TemplateView

from platform_.accounts.permissions import RoleRequiredMixin
from platform_.webhooks import services
from platform_.webhooks.enums import DeliveryStatus
from platform_.webhooks.forms import EndpointForm
from platform_.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

PERMISSION = "tenant.manage"
RECENT_DELIVERIES = 25


class WebhookListView(RoleRequiredMixin, TemplateView):
    permission_required = PERMISSION
    template_name = "webhooks/manage/list.html"

    def get_context_data(self, **kwargs):
        endpoints = WebhookEndpoint.objects.annotate(
            failing=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED))
        ).order_by("created_at", "pk")
        deliveries = WebhookDelivery.objects.select_related("endpoint")[:RECENT_DELIVERIES]
        return super().get_context_data(endpoints=endpoints, deliveries=deliveries, **kwargs)


class EndpointCreateView(RoleRequiredMixin, FormView):
    permission_required = PERMISSION
    form_class = EndpointForm
    template_name = "webhooks/manage/form.html"

    def form_valid(self, form):
        try:
            endpoint = services.create_endpoint(acting_user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            "Endpoint added. Copy its signing secret into your system to check each event.",
        )
        return redirect("webhooks:endpoint", pk=endpoint.pk)


class EndpointMixin(RoleRequiredMixin):
    permission_required = PERMISSION

    @cached_property
    def endpoint(self) -> WebhookEndpoint:
        # Read only once the role is checked; another council's endpoint lives in another schema,
        # so it is simply not found here.
        return get_object_or_404(WebhookEndpoint, pk=self.kwargs["pk"])

    def done(self, message: str):
        messages.success(self.request, message)
        return redirect("webhooks:endpoint", pk=self.endpoint.pk)


class EndpointDetailView(EndpointMixin, TemplateView):
    template_name = "webhooks/manage/endpoint.html"

    def get_context_data(self, **kwargs):
        deliveries = self.endpoint.deliveries.all()[:RECENT_DELIVERIES]
        return super().get_context_data(endpoint=self.endpoint, deliveries=deliveries, **kwargs)


class EndpointEditView(EndpointMixin, FormView):
    form_class = EndpointForm
    template_name = "webhooks/manage/form.html"

    def get_initial(self):
        return {
            "url": self.endpoint.url,
            "description": self.endpoint.description,
            "events": self.endpoint.events,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(endpoint=self.endpoint, **kwargs)

    def form_valid(self, form):
        try:
            services.update_endpoint(
                self.endpoint, acting_user=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return self.done("Endpoint changed.")


class EndpointActionView(EndpointMixin, View):
    """A POST-only button on the endpoint's page."""

    def post(self, request, pk: int):
        try:
            return self.act()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("webhooks:endpoint", pk=self.endpoint.pk)


class EndpointPingView(EndpointActionView):
    def act(self):
        services.send_ping(self.endpoint, acting_user=self.request.user)
        return self.done("Test event sent. Refresh this page to see your system's answer.")


class EndpointRotateSecretView(EndpointActionView):
    def act(self):
        services.rotate_secret(self.endpoint, acting_user=self.request.user)
        return self.done(
            "The signing secret was replaced. Events are now signed with the new secret only."
        )


class EndpointDisableView(EndpointActionView):
    def act(self):
        services.set_endpoint_active(self.endpoint, acting_user=self.request.user, active=False)
        return self.done("Endpoint turned off. No events will be sent to it.")


class EndpointEnableView(EndpointActionView):
    def act(self):
        services.set_endpoint_active(self.endpoint, acting_user=self.request.user, active=True)
        return self.done("Endpoint turned on.")


class EndpointDeleteView(EndpointMixin, TemplateView):
    template_name = "webhooks/manage/delete.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(endpoint=self.endpoint, **kwargs)

    def post(self, request, pk: int):
        services.delete_endpoint(self.endpoint, acting_user=request.user)
        messages.success(request, f"Endpoint {self.endpoint.url} deleted.")
        return redirect("webhooks:list")


class DeliveryDetailView(RoleRequiredMixin, TemplateView):
    permission_required = PERMISSION
    template_name = "webhooks/manage/delivery.html"

    def get_context_data(self, **kwargs):
        delivery = get_object_or_404(
            WebhookDelivery.objects.select_related("endpoint").prefetch_related(
                Prefetch("tries", queryset=WebhookAttempt.objects.order_by("-number", "-pk"))
            ),
            pk=kwargs["pk"],
        )
        return super().get_context_data(
            delivery=delivery,
            endpoint=delivery.endpoint,
            body=delivery.body().decode(),
            **kwargs,
        )


class DeliveryRetryView(RoleRequiredMixin, View):
    permission_required = PERMISSION

    def post(self, request, pk: int):
        delivery = get_object_or_404(WebhookDelivery, pk=pk)
        try:
            services.redeliver(delivery, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Sending again. Refresh this page to see the answer.")
        return redirect(reverse("webhooks:delivery", args=[delivery.pk]))
