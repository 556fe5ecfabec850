from django.contrib import messages
from django.contrib.auth import login
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from platform_.accounts import services
from platform_.accounts.enums import Role
from platform_.accounts.forms import AcceptInvitationForm, InvitationForm
from platform_.accounts.models import Invitation, User
from platform_.accounts.permissions import RoleRequiredMixin
from platform_.plan_limits import PlanLimitReached


class PeopleView(RoleRequiredMixin, TemplateView):
    """Council officers see everyone with a council role and every open invitation."""

    permission_required = "tenant.manage"
    template_name = "accounts/people/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["people"] = User.objects.filter(Q(is_council_officer=True) | Q(is_assessor=True))
        context["invitations"] = Invitation.objects.pending().select_related(
            "invited_by", "outbox_email"
        )
        return context


class InvitePersonView(RoleRequiredMixin, FormView):
    permission_required = "tenant.invite_people"
    form_class = InvitationForm
    template_name = "accounts/people/invite.html"
    success_url = reverse_lazy("accounts:people")

    def form_valid(self, form):
        try:
            invitation = services.invite_person(
                form.cleaned_data["email"],
                role=Role(form.cleaned_data["role"]),
                has_lived_experience=form.cleaned_data["has_lived_experience"],
                acting_user=self.request.user,
            )
        except PlanLimitReached as error:
            # The form again, as typed: inviting the same person as an officer still works.
            form.add_error(None, error.reason)
            return self.render_to_response(self.get_context_data(form=form, plan_limit=error))
        messages.success(self.request, f"Invitation sent to {invitation.email}.")
        return super().form_valid(form)


class RevokeInvitationView(RoleRequiredMixin, View):
    permission_required = "tenant.invite_people"

    def post(self, request, pk: int):
        invitation = get_object_or_404(Invitation.objects.pending(), pk=pk)
        services.revoke_invitation(invitation, acting_user=request.user)
        messages.success(request, f"The invitation to {invitation.email} was revoked.")
        return redirect("accounts:people")


class AcceptInvitationView(View):
    """The link in an invitation email: choose a name and password, then you are signed in."""

    template_name = "accounts/invitation/accept.html"

    def dispatch(self, request, token: str):
        try:
            self.invitation = services.find_invitation(token)
        except services.InvitationError as error:
            return render(
                request, "accounts/invitation/invalid.html", {"reason": str(error)}, status=410
            )
        self.existing_user = User.objects.filter(email__iexact=self.invitation.email).first()
        return super().dispatch(request, token)

    def get(self, request, token: str):
        return self._render(self._form())

    def post(self, request, token: str):
        try:
            if self.existing_user is not None:
                # Someone with an account here gains the role by accepting; they then sign in.
                services.accept_invitation(self.invitation, full_name="", password=None)
                messages.success(request, _("Invitation accepted. Sign in to continue."))
                return redirect(reverse("account_login"))
            form = self._form(request.POST)
            if not form.is_valid():
                return self._render(form)
            user = services.accept_invitation(
                self.invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except PlanLimitReached as error:
            # The link stays good: it works once the council has moved to a bigger plan.
            reason = (
                f"{error.reason} Ask the council to move to a bigger plan, "
                "then use this link again."
            )
            return render(
                request, "accounts/invitation/invalid.html", {"reason": reason}, status=409
            )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to {request.tenant.name}.")
        return redirect("home")

    def _form(self, data=None):
        return AcceptInvitationForm(data, email=self.invitation.email)

    def _render(self, form):
        return render(
            self.request,
            self.template_name,
            {"form": form, "invitation": self.invitation, "existing_user": self.existing_user},
        )
