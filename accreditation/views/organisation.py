"""Organisations apply for Charter Status: start, self-assess, evidence, submit, respond."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views import View

from accreditation import selectors, services
from accreditation.forms import (
    EvidenceForm,
    StartApplicationForm,
    SubmitResponseForm,
    WithdrawApplicationForm,
    self_assessment_form_class,
)
from accreditation.models import Application, Evidence
from accreditation.services import setup
from charters.models import Organisation
from platform_.accounts.permissions import RoleRequiredMixin


class ApplicationsView(RoleRequiredMixin, View):
    """An organisation's applications, and starting one in an open round."""

    permission_required = "charters.view_organisation"
    template_name = "accreditation/organisation/applications.html"

    def get_permission_object(self):
        self.organisation = get_object_or_404(
            Organisation.objects.select_related("current_signature"), slug=self.kwargs["slug"]
        )
        return self.organisation

    def get(self, request, slug):
        return self.render(self.start_form())

    def post(self, request, slug):
        form = self.start_form(request.POST)
        if not form.is_valid():
            return self.render(form)
        try:
            application = services.start_application(
                self.organisation,
                acting_user=request.user,
                award_round=form.cleaned_data["round"],
                level_sought=form.cleaned_data.get("level_sought"),
            )
        except services.AccreditationError as error:
            form.add_error(None, error.messages)
            return self.render(form)
        messages.success(request, _("Your application is started. Add your evidence below."))
        return redirect("accreditation:application.detail", slug=slug, pk=application.pk)

    def start_form(self, data=None):
        return StartApplicationForm(data, rounds=selectors.open_rounds(), levels=selectors.levels())

    def render(self, form):
        renewable = selectors.renewable_award(self.organisation)
        return render(
            self.request,
            self.template_name,
            {
                "organisation": self.organisation,
                "form": form,
                "applications": selectors.applications_of(self.organisation),
                "may_start": self.request.user.has_perm(
                    "accreditation.start_application", self.organisation
                ),
                "rounds": selectors.open_rounds(),
                "awards": [
                    (award, self.badge_snippet(award) if award.is_held else "")
                    for award in selectors.awards_of(self.organisation)
                ],
                "renewable": renewable,
                "may_renew": self.request.user.has_perm("accreditation.renew_award", renewable),
            },
        )

    def badge_snippet(self, award) -> str:
        """HTML for the organisation's website: the badge, linking to its register entry.

        Built from the council's own domain (site_urls), never this request's Host.
        """
        tenant = self.request.tenant
        entry = tenant.build_url(reverse("charters:register.entry", args=[self.organisation.slug]))
        badge = tenant.build_url(reverse("charters:badge", args=[self.organisation.slug]))
        alt = f"{self.organisation.name} holds Charter Status from {tenant.name}"
        return format_html(
            '<a href="{}"><img src="{}" alt="{}" width="300" height="96"></a>', entry, badge, alt
        )


class RenewView(RoleRequiredMixin, View):
    """The lead applies again, starting from the last application, once Charter Status is
    expiring or has expired."""

    permission_required = "accreditation.start_application"
    http_method_names = ["post"]

    def get_permission_object(self):
        self.organisation = get_object_or_404(Organisation, slug=self.kwargs["slug"])
        return self.organisation

    def post(self, request, slug):
        award = selectors.renewable_award(self.organisation)
        if award is None:
            raise Http404("No Charter Status to renew.")
        try:
            application = services.start_renewal(award, acting_user=request.user)
        except services.AccreditationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("accreditation:applications", slug=slug)
        messages.success(
            request,
            "Your renewal is started from your last application. Check each answer and piece "
            "of evidence, change what is new, then submit.",
        )
        return redirect("accreditation:application.detail", slug=slug, pk=application.pk)


class ApplicationMixin(RoleRequiredMixin):
    """Loads the application in the URL, within the organisation in the URL."""

    permission_required = "accreditation.view_application"

    def get_permission_object(self):
        if not hasattr(self, "application"):
            self.application = get_object_or_404(
                Application.objects.select_related(
                    "organisation", "round", "version", "level_sought"
                ),
                pk=self.kwargs["pk"],
                organisation__slug=self.kwargs["slug"],
            )
        return self.application

    def back(self):
        return redirect(
            "accreditation:application.detail", slug=self.kwargs["slug"], pk=self.kwargs["pk"]
        )


class ApplicationDetailView(ApplicationMixin, View):
    template_name = "accreditation/organisation/application.html"

    def get(self, request, slug, pk):
        return self.render()

    def render(self, response_form=None):
        application = self.get_permission_object()
        user = self.request.user
        # Whoever may open this page, its evidence is shown only to those who may see evidence.
        may_view_evidence = user.has_perm("accreditation.view_evidence", application)
        by_criterion = (
            selectors.evidence_by_criterion(application.evidence.prefetch_related("criteria"))
            if may_view_evidence
            else {}
        )
        criteria = list(selectors.criteria_for(application))
        done, total = selectors.progress(application)
        return render(
            self.request,
            self.template_name,
            {
                "application": application,
                "organisation": application.organisation,
                "criteria": [
                    (c, c.pk in by_criterion, by_criterion.get(c.pk, [])) for c in criteria
                ],
                "may_view_evidence": may_view_evidence,
                "done": done,
                "total": total,
                "percent": int(100 * done / total) if total else 100,
                "self_assessed": application.self_assessments.count(),
                "principle_count": application.version.principles.count(),
                "may_edit": user.has_perm("accreditation.edit_application", application),
                "may_submit": user.has_perm("accreditation.submit_application", application),
                "may_resubmit": user.has_perm("accreditation.resubmit_application", application),
                "may_withdraw": user.has_perm("accreditation.withdraw_application", application),
                "info_request": application.info_requests.filter(responded_at__isnull=True).first(),
                "decision": application.decisions.first(),
                "response_form": response_form or SubmitResponseForm(),
            },
        )


class SelfAssessmentView(ApplicationMixin, View):
    permission_required = "accreditation.edit_application"
    template_name = "accreditation/organisation/self_assessment.html"

    def form_class(self):
        application = self.get_permission_object()
        principles = list(application.version.principles.order_by("position"))
        existing = {s.principle_id: s for s in application.self_assessments.all()}
        return principles, self_assessment_form_class(principles, existing)

    def get(self, request, slug, pk):
        principles, form_class = self.form_class()
        return self.render(form_class(), principles)

    def post(self, request, slug, pk):
        principles, form_class = self.form_class()
        form = form_class(request.POST)
        if not form.is_valid():
            return self.render(form, principles)
        services.save_self_assessment(
            self.application,
            acting_user=request.user,
            answers={
                p.pk: (form.cleaned_data[f"rung_{p.pk}"], form.cleaned_data[f"reason_{p.pk}"])
                for p in principles
            },
        )
        messages.success(request, _("Self-assessment saved."))
        return self.back()

    def render(self, form, principles):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "application": self.application,
                "questions": [
                    (p, form[f"rung_{p.pk}"], form[f"reason_{p.pk}"]) for p in principles
                ],
            },
        )


class AddEvidenceView(ApplicationMixin, View):
    permission_required = "accreditation.edit_application"
    template_name = "accreditation/organisation/evidence_form.html"

    def form(self, data=None, files=None):
        application = self.get_permission_object()
        initial = {}
        if self.request.GET.get("criterion", "").isdigit():
            initial["criteria"] = [int(self.request.GET["criterion"])]
        return EvidenceForm(
            data,
            files,
            initial=initial,
            criteria=selectors.criteria_for(application),
            max_mb=setup.settings_for_tenant().max_upload_mb,
        )

    def get(self, request, slug, pk):
        return self.render(self.form())

    def post(self, request, slug, pk):
        form = self.form(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form)
        data = form.cleaned_data
        try:
            services.add_evidence(
                self.application,
                acting_user=request.user,
                kind=data["kind"],
                title=data["title"],
                criteria=list(data["criteria"]),
                upload=data.get("file"),
                url=data.get("url") or "",
                account=data.get("account") or "",
                you_said=data.get("you_said") or "",
                we_did=data.get("we_did") or "",
                changed_on=data.get("changed_on"),
                shows_people=data["shows_people"],
                consent_confirmed=data["consent_confirmed"],
            )
        except services.AccreditationError as error:
            form.add_error("file" if data["kind"] == "file" else None, error.messages)
            return self.render(form)
        messages.success(request, f"Added “{data['title']}”.")
        return self.back()

    def render(self, form):
        return render(
            self.request, self.template_name, {"form": form, "application": self.application}
        )


class RemoveEvidenceView(ApplicationMixin, View):
    permission_required = "accreditation.edit_application"

    def post(self, request, slug, pk, evidence_pk):
        evidence = get_object_or_404(
            Evidence, pk=evidence_pk, application=self.get_permission_object()
        )
        services.remove_evidence(evidence, acting_user=request.user)
        messages.success(request, f"Removed “{evidence.title}”.")
        return self.back()


class SubmitView(ApplicationMixin, View):
    # The lead reaches the page in any state; the service refuses a wrong state with a message.
    permission_required = "accreditation.lead_application"
    template_name = "accreditation/organisation/submit.html"

    def get(self, request, slug, pk):
        application = self.get_permission_object()
        return render(
            request,
            self.template_name,
            {"application": application, "missing": selectors.missing_criteria(application)},
        )

    def post(self, request, slug, pk):
        application = self.get_permission_object()
        try:
            services.submit_application(application, acting_user=request.user)
        except services.AccreditationError as error:
            return render(
                request,
                self.template_name,
                {"application": application, "problems": error.messages},
                status=200,
            )
        messages.success(request, _("Your application is submitted. We will email you."))
        return self.back()


class RespondView(ApplicationDetailView):
    """Answer a request for more information and resubmit."""

    permission_required = "accreditation.lead_application"

    def post(self, request, slug, pk):
        form = SubmitResponseForm(request.POST)
        if form.is_valid():
            try:
                services.resubmit_application(
                    self.get_permission_object(),
                    acting_user=request.user,
                    response=form.cleaned_data["response"],
                )
            except services.AccreditationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("Sent back to the assessors. Thank you."))
                return self.back()
        return self.render(response_form=form)


class WithdrawView(ApplicationMixin, View):
    permission_required = "accreditation.lead_application"
    template_name = "accreditation/organisation/withdraw.html"

    def get(self, request, slug, pk):
        return render(
            request,
            self.template_name,
            {"form": WithdrawApplicationForm(), "application": self.get_permission_object()},
        )

    def post(self, request, slug, pk):
        form = WithdrawApplicationForm(request.POST)
        application = self.get_permission_object()
        if form.is_valid():
            try:
                services.withdraw_application(
                    application, acting_user=request.user, reason=form.cleaned_data["reason"]
                )
            except services.AccreditationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("The application is withdrawn."))
                return self.back()
        return render(request, self.template_name, {"form": form, "application": application})
