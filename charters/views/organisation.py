"""Organisation members: register an organisation, manage members, sign, withdraw, pledges."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from charters import selectors, services
from charters.enums import MembershipStatus
from charters.forms import (
    InviteMemberForm,
    OrganisationForm,
    PledgeFormSet,
    PledgeMetForm,
    SignatureForm,
    WithdrawForm,
)
from charters.models import Membership, Organisation, Pledge
from charters.signed_in_page_cache import SignedInPageCacheMixin
from platform_ import ratelimit
from platform_.accounts.permissions import RoleRequiredMixin
from platform_.plan_limits import PlanLimitReached


class OrganisationObjectMixin(RoleRequiredMixin):
    """Loads the organisation named in the URL; permissions are checked against it."""

    def get_permission_object(self):
        if not hasattr(self, "organisation"):
            self.organisation = get_object_or_404(
                Organisation.objects.select_related("current_signature__version"),
                slug=self.kwargs["slug"],
            )
        return self.organisation


class OrganisationHubView(RoleRequiredMixin, SignedInPageCacheMixin, TemplateView):
    """/org/: the organisations you belong to, and how to register or join one."""

    permission_required = "charters.register_organisation"
    template_name = "charters/organisation/hub.html"

    def get_context_data(self, **kwargs):
        memberships = list(selectors.hub_memberships(self.request.user))
        return {
            **super().get_context_data(**kwargs),
            "organisations": [
                m.organisation for m in memberships if m.status == MembershipStatus.ACTIVE
            ],
            "pending": [m for m in memberships if m.status == MembershipStatus.REQUESTED],
            "current": selectors.current_version_number(),
        }


class RegisterOrganisationView(RoleRequiredMixin, View):
    permission_required = "charters.register_organisation"
    template_name = "charters/organisation/register.html"

    def get(self, request):
        return render(request, self.template_name, {"form": OrganisationForm()})

    def post(self, request):
        # Throttled here, not in the service: only the request knows the client's address, and
        # the demo and tasks that call the service need no throttle. Every attempt counts, as
        # the duplicate-name check answers whether a name is registered.
        try:
            ratelimit.check(request, "charters.register_organisation")
        except ratelimit.Throttled as error:
            return ratelimit.throttled_response(
                request,
                error,
                message=_("You have tried to register organisations too many times."),
            )
        form = OrganisationForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        details = {
            name: value
            for name, value in form.cleaned_data.items()
            if name != "confirmed_different"
        }
        try:
            organisation = services.register_organisation(
                acting_user=request.user,
                confirmed_different=form.cleaned_data["confirmed_different"],
                **details,
            )
        except services.DuplicateOrganisation as duplicate:
            # Ask kindly: is it one of these? The form keeps everything typed, and carries the
            # answer "mine is different" if they press Register again.
            data = request.POST.copy()
            data["confirmed_different"] = "True"
            return render(
                request,
                self.template_name,
                {
                    "form": OrganisationForm(data),
                    "matches": duplicate.matches,
                    "unlisted_matches": duplicate.unlisted,
                },
            )
        except PlanLimitReached as error:
            # The form keeps what was typed, for when the council has moved to a bigger plan.
            form.add_error(None, error.reason)
            return render(request, self.template_name, {"form": form, "plan_limit": error})
        except services.CharterError as error:
            form.add_error(None, error.message)
            return render(request, self.template_name, {"form": form})
        messages.success(request, f"{organisation.name} is registered. You are its lead.")
        return redirect("charters:org.detail", slug=organisation.slug)


class OrganisationDetailView(OrganisationObjectMixin, SignedInPageCacheMixin, TemplateView):
    permission_required = "charters.view_organisation"
    template_name = "charters/organisation/detail.html"

    def get_context_data(self, **kwargs):
        organisation = self.organisation
        signature = organisation.current_signature
        tenant = self.request.tenant
        return {
            **super().get_context_data(**kwargs),
            "organisation": organisation,
            "members": selectors.members_of(organisation),
            "is_lead": self.request.user.has_perm("charters.manage_members", organisation),
            "signature": signature,
            "pledges": signature.pledges.all() if signature else [],
            "history": organisation.signatures.select_related("version", "recorded_by"),
            "current": selectors.current_version(),
            "invite_form": InviteMemberForm(),
            # Pasted into the organisation's own website: the tenant's real domain, never the
            # Host this page happened to be asked for.
            "badge_url": tenant.build_url(reverse("charters:badge", args=[organisation.slug])),
            "entry_url": tenant.build_url(
                reverse("charters:register.entry", args=[organisation.slug])
            ),
        }


class JoinOrganisationView(RoleRequiredMixin, View):
    """Ask to join (or accept an invitation to) an organisation.

    Only organisations the person may see: an unlisted one is not found for outsiders, as if it
    did not exist, so its page reveals neither its details nor that it is there. People join it
    by the invitation its lead sends.
    """

    permission_required = "charters.register_organisation"
    template_name = "charters/organisation/join.html"

    def get_organisation(self) -> Organisation:
        return get_object_or_404(
            selectors.organisations_visible_to(self.request.user), slug=self.kwargs["slug"]
        )

    def get(self, request, slug):
        return render(request, self.template_name, {"organisation": self.get_organisation()})

    def post(self, request, slug):
        # Before the lookup, so probing for organisations' addresses counts too (see above).
        try:
            ratelimit.check(request, "charters.join_organisation")
        except ratelimit.Throttled as error:
            return ratelimit.throttled_response(
                request, error, message=_("You have asked to join organisations too many times.")
            )
        organisation = self.get_organisation()
        try:
            membership = services.request_to_join(organisation, acting_user=request.user)
        except services.CharterError as error:
            messages.error(request, error.message)
            return redirect("charters:org.hub")
        if membership.status == MembershipStatus.ACTIVE:
            messages.success(request, f"You have joined {organisation.name}.")
            return redirect("charters:org.detail", slug=organisation.slug)
        messages.success(request, f"We have asked {organisation.name}'s lead to let you in.")
        return redirect("charters:org.hub")


class InviteMemberView(OrganisationObjectMixin, View):
    permission_required = "charters.manage_members"

    def post(self, request, slug):
        organisation = self.get_permission_object()
        form = InviteMemberForm(request.POST)
        if not form.is_valid():
            return render(
                request,
                "charters/organisation/invite_member.html",
                {"form": form, "organisation": organisation},
            )
        try:
            services.invite_member(
                organisation, acting_user=request.user, email=form.cleaned_data["email"]
            )
        except services.CharterError as error:
            form.add_error("email", error.message)
            return render(
                request,
                "charters/organisation/invite_member.html",
                {"form": form, "organisation": organisation},
            )
        messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
        return redirect("charters:org.detail", slug=organisation.slug)


class DecideMembershipView(OrganisationObjectMixin, View):
    permission_required = "charters.manage_members"
    approve = True

    def post(self, request, slug, pk):
        organisation = self.get_permission_object()
        membership = get_object_or_404(Membership, pk=pk, organisation=organisation)
        action = services.approve_membership if self.approve else services.decline_membership
        try:
            action(membership, acting_user=request.user)
        except services.CharterError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Approved." if self.approve else "Declined.")
        return redirect("charters:org.detail", slug=organisation.slug)


class SignCharterView(OrganisationObjectMixin, View):
    permission_required = "charters.sign_charter"
    template_name = "charters/organisation/sign.html"

    def get(self, request, slug):
        return self._render(SignatureForm(), PledgeFormSet(prefix="pledges"))

    def post(self, request, slug):
        form = SignatureForm(request.POST)
        pledges = PledgeFormSet(request.POST, prefix="pledges")
        form_valid, pledges_valid = form.is_valid(), pledges.is_valid()
        if not (form_valid and pledges_valid):
            # "Up to 10 pledges" belongs to no one pledge: shown in the page's error summary.
            for error in pledges.non_form_errors():
                form.add_error(None, error)
            return self._render(form, pledges)
        try:
            services.sign_charter(
                self.organisation,
                acting_user=request.user,
                **form.cleaned_data,
                pledges=[
                    (p["text"], p["target_date"]) for p in pledges.cleaned_data if p.get("text")
                ],
            )
        except services.CharterError as error:
            form.add_error(None, error.message)
            return self._render(form, pledges)
        messages.success(request, f"{self.organisation.name} has signed the charter. Thank you.")
        return redirect("charters:org.detail", slug=self.organisation.slug)

    def _render(self, form, pledges):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "pledges": pledges,
                "organisation": self.get_permission_object(),
                "version": selectors.current_version(),
            },
        )


class WithdrawSignatureView(OrganisationObjectMixin, View):
    permission_required = "charters.sign_charter"
    template_name = "charters/organisation/withdraw.html"

    def get(self, request, slug):
        return render(
            request,
            self.template_name,
            {"form": WithdrawForm(), "organisation": self.get_permission_object()},
        )

    def post(self, request, slug):
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                services.withdraw_signature(
                    self.organisation, acting_user=request.user, reason=form.cleaned_data["reason"]
                )
            except services.CharterError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, f"{self.organisation.name} has withdrawn its signature.")
                return redirect("charters:org.detail", slug=self.organisation.slug)
        return render(
            request, self.template_name, {"form": form, "organisation": self.organisation}
        )


class PledgeMetView(OrganisationObjectMixin, View):
    permission_required = "charters.update_pledges"
    template_name = "charters/organisation/pledge_met.html"

    def get_pledge(self) -> Pledge:
        return get_object_or_404(
            Pledge, pk=self.kwargs["pk"], signature__organisation=self.get_permission_object()
        )

    def get(self, request, slug, pk):
        return render(
            request,
            self.template_name,
            {
                "form": PledgeMetForm(),
                "pledge": self.get_pledge(),
                "organisation": self.organisation,
            },
        )

    def post(self, request, slug, pk):
        pledge = self.get_pledge()
        form = PledgeMetForm(request.POST)
        if form.is_valid():
            try:
                services.record_pledge_met(
                    pledge, acting_user=request.user, met_on=form.cleaned_data["met_on"]
                )
            except services.CharterError as error:
                form.add_error("met_on", error.message)
            else:
                messages.success(request, _("Pledge marked as met."))
                return redirect("charters:org.detail", slug=self.organisation.slug)
        return render(
            request,
            self.template_name,
            {"form": form, "pledge": pledge, "organisation": self.organisation},
        )
