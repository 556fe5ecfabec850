from django.contrib import messages
from django.db import connection
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from platform_.accounts.permissions import RoleRequiredMixin
from platform_.accounts.sso import callback_path, council_app
from platform_.accounts.sso_enforcement import signed_in_with_sso
from platform_.accounts.sso_forms import SSOSettingsForm
from platform_.accounts.sso_services import SSOSettings, SSOSettingsError, configure_sso


class SSOSettingsView(RoleRequiredMixin, FormView):
    """Council officers connect the council's OpenID Connect provider."""

    permission_required = "tenant.manage"
    form_class = SSOSettingsForm
    template_name = "accounts/sso/settings.html"
    success_url = reverse_lazy("accounts:sso")

    def dispatch(self, request, *args, **kwargs):
        self.app = council_app() if request.user.is_authenticated else None
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["has_secret"] = bool(self.app and self.app.settings.get("secret_encrypted"))
        return kwargs

    def get_initial(self):
        tenant = self.request.tenant
        if self.app is None:
            return {"button_label": f"Sign in with {tenant.name} account"[:40]}
        return {
            "issuer": self.app.settings.get("server_url", ""),
            "client_id": self.app.client_id,
            "button_label": self.app.name,
            "enabled": bool(self.app.settings.get("enabled")),
            "staff_must_use_sso": tenant.staff_must_use_sso,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # On the council's primary domain, never the Host this request came with.
        context["redirect_uri"] = connection.tenant.build_url(callback_path())
        context["signed_in_with_sso"] = signed_in_with_sso(self.request, self.request.user)
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            configure_sso(
                SSOSettings(
                    issuer=data["issuer"],
                    client_id=data["client_id"],
                    client_secret=data["client_secret"],
                    button_label=data["button_label"],
                    enabled=data["enabled"],
                    staff_must_use_sso=data["staff_must_use_sso"],
                    authorization_endpoint=str(form.metadata.get("authorization_endpoint", "")),
                ),
                acting_user=self.request.user,
                signed_in_with_sso=signed_in_with_sso(self.request, self.request.user),
            )
        except SSOSettingsError as error:
            form.add_error(error.field, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Sign-in settings saved."))
        return super().form_valid(form)
