"""Officers' pages for the council's API keys: list, make (the key shown once), revoke."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.db.models import Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView

from platform_.accounts.permissions import RoleRequiredMixin
from platform_.api import services
from platform_.api.enums import ApiKeyScope
from platform_.api.forms import ApiKeyForm
from platform_.api.models import ApiKey

USAGE_DAYS = 30


class ApiKeyListView(RoleRequiredMixin, TemplateView):
    permission_required = "tenant.manage"
    template_name = "api/keys/list.html"

    def get_context_data(self, **kwargs):
        since = timezone.localdate() - timedelta(days=USAGE_DAYS - 1)
        keys = (
            ApiKey.objects.select_related("created_by", "revoked_by")
            .annotate(
                recent_reads=Sum("usage__reads", filter=Q(usage__day__gte=since)),
                recent_writes=Sum("usage__writes", filter=Q(usage__day__gte=since)),
            )
            .order_by("revoked_at", "-created_at", "-pk")
        )
        return super().get_context_data(keys=keys, usage_days=USAGE_DAYS, **kwargs)


class CreateApiKeyView(RoleRequiredMixin, FormView):
    permission_required = "tenant.manage"
    form_class = ApiKeyForm
    template_name = "api/keys/create.html"

    def form_valid(self, form):
        issued = services.create_api_key(
            name=form.cleaned_data["name"],
            scope=ApiKeyScope(form.cleaned_data["scope"]),
            acting_user=self.request.user,
        )
        # Rendered, not redirected: the token exists only in this response and is never stored.
        response = render(
            self.request, "api/keys/created.html", {"key": issued.key, "token": issued.token}
        )
        response["Cache-Control"] = "no-store"
        return response


class RevokeApiKeyView(RoleRequiredMixin, View):
    permission_required = "tenant.manage"
    template_name = "api/keys/revoke.html"

    def get(self, request, pk: int):
        key = get_object_or_404(ApiKey, pk=pk, revoked_at__isnull=True)
        return render(request, self.template_name, {"key": key})

    def post(self, request, pk: int):
        key = get_object_or_404(ApiKey, pk=pk, revoked_at__isnull=True)
        services.revoke_api_key(key, acting_user=request.user)
        messages.success(request, f"The API key “{key.name}” was revoked. It no longer works.")
        return redirect("api_keys:list")
