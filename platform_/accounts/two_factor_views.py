"""The council's sign-in rules page for officers, and the page that explains two-step sign-in
to an officer or assessor who must set it up (two_factor.py sends them there)."""

from allauth.account.authentication import get_authentication_records
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from platform_.accounts.forms import SignInRulesForm
from platform_.accounts.permissions import RoleRequiredMixin
from platform_.accounts.two_factor import is_staff, request_meets_rule, rule_applies
from platform_.accounts.two_factor_rule import OwnTwoFactorMissing, set_staff_two_factor_rule


class SignInRulesView(RoleRequiredMixin, FormView):
    """Officers choose whether officers and assessors must use two-step sign-in."""

    permission_required = "tenant.manage"
    form_class = SignInRulesForm
    template_name = "accounts/sign_in_rules.html"

    def get_initial(self):
        return {"staff_must_use_2fa": self.request.tenant.staff_must_use_2fa}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["has_two_factor"] = request_meets_rule(self.request)
        return context

    def form_valid(self, form):
        required = form.cleaned_data["staff_must_use_2fa"]
        try:
            set_staff_two_factor_rule(
                self.request.tenant,
                required=required,
                acting_user=self.request.user,
                authentication_records=get_authentication_records(self.request, self.request.user),
            )
        except OwnTwoFactorMissing as error:
            form.add_error("staff_must_use_2fa", error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Officers and assessors must now use two-step sign-in.")
            if required
            else _("Officers and assessors no longer have to use two-step sign-in."),
        )
        return redirect("manage")


class TwoFactorRequiredView(LoginRequiredMixin, TemplateView):
    """Why and how to set up two-step sign-in, in plain words."""

    template_name = "accounts/two_factor_required.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["rule_on"] = rule_applies(self.request.tenant)
        context["is_staff"] = is_staff(user)
        context["set_up"] = request_meets_rule(self.request)
        return context
