"""Council officers: settings, levels, criteria, rounds; applications, assignment, decisions."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from accreditation import history, selectors, services
from accreditation.enums import ApplicationStatus
from accreditation.forms import (
    AssignForm,
    CriterionForm,
    DecisionForm,
    LevelForm,
    ReissueAwardForm,
    RevokeAwardForm,
    RoundForm,
    SettingsForm,
)
from accreditation.models import Application, AwardLevel, Criterion, Round
from accreditation.services import setup
from charters.selectors import current_version
from charters.signed_in_page_cache import SignedInPageCacheMixin
from platform_.accounts.models import User
from platform_.accounts.permissions import RoleRequiredMixin
from platform_.audit.services import events_for


def detail_or_404(pk: int):
    try:
        return selectors.application_detail(pk)
    except Application.DoesNotExist as missing:
        raise Http404("No such application.") from missing


class OfficerMixin(RoleRequiredMixin):
    permission_required = "accreditation.manage"

    def get_permission_object(self):
        # Officers' permission is not per object; without this the mixin would call
        # get_object() (a query, and before the view is ready for it) just to check it.
        return None


class AccreditationHubView(OfficerMixin, SignedInPageCacheMixin, TemplateView):
    template_name = "accreditation/manage/hub.html"

    def get_context_data(self, **kwargs):
        version = current_version()
        criteria = (
            Criterion.objects.filter(version=version)
            .select_related("principle")
            .prefetch_related("levels")
            if version
            else []
        )
        return {
            **super().get_context_data(**kwargs),
            "settings": setup.settings_for_tenant(),
            "levels": selectors.levels(),
            "criteria": criteria,
            "version": version,
            "rounds": Round.objects.order_by("-opens_on"),
        }


class ModelFormView(OfficerMixin, View):
    """Add (no pk) or edit one object through a ModelForm and a setup service."""

    model = None
    form_class = None
    template_name = "accreditation/manage/form.html"
    title = ""

    def get_object(self):
        pk = self.kwargs.get("pk")
        return get_object_or_404(self.model, pk=pk) if pk else None

    def get_form(self, data=None, files=None):
        return self.form_class(data, files, instance=self.get_object())

    def get(self, request, pk=None):
        return self.render(self.get_form())

    def post(self, request, pk=None):
        form = self.get_form(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form)
        try:
            self.save(form)
        except services.AccreditationError as error:
            form.add_error(None, error.messages)
            return self.render(form)
        messages.success(request, _("Saved."))
        return redirect("accreditation:manage.hub")

    def render(self, form):
        return render(self.request, self.template_name, {"form": form, "title": self.title})


class SettingsView(ModelFormView):
    form_class = SettingsForm
    title = "How you run Charter Status"

    def get_object(self):
        return setup.settings_for_tenant()

    def save(self, form):
        setup.update_settings(
            acting_user=self.request.user,
            **{name: form.cleaned_data[name] for name in form.Meta.fields},
        )


class LevelView(ModelFormView):
    model = AwardLevel
    form_class = LevelForm
    title = "Award level"

    def save(self, form):
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if form.instance.pk:
            setup.update_level(form.instance, acting_user=self.request.user, **fields)
        else:
            setup.add_level(acting_user=self.request.user, **fields)


class CriterionView(ModelFormView):
    model = Criterion
    form_class = CriterionForm
    title = "Criterion"

    def get_object(self):
        # Only criteria of the current version: saving sets the version, so editing an older
        # version's criterion here would silently move it.
        pk = self.kwargs.get("pk")
        return get_object_or_404(Criterion, pk=pk, version=self.version) if pk else None

    def get_form(self, data=None, files=None):
        self.version = current_version()
        if self.version is None:
            raise Http404("Publish the charter before writing criteria.")
        return CriterionForm(data, instance=self.get_object(), version=self.version)

    def save(self, form):
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if form.instance.pk:
            setup.update_criterion(form.instance, acting_user=self.request.user, **fields)
        else:
            setup.add_criterion(acting_user=self.request.user, **fields)


class RoundView(ModelFormView):
    model = Round
    form_class = RoundForm
    title = "Award round"

    def save(self, form):
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if form.instance.pk:
            setup.update_round(form.instance, acting_user=self.request.user, **fields)
        else:
            setup.open_round(acting_user=self.request.user, **fields)


# A page of the officers' list: its cost stays the same however many applications a council has.
APPLICATIONS_PAGE_SIZE = 50


class ApplicationListView(OfficerMixin, SignedInPageCacheMixin, TemplateView):
    template_name = "accreditation/manage/applications.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", "")
        if status not in ApplicationStatus.values:
            status = ""
        paginator = Paginator(
            selectors.application_list_for_officers(status), APPLICATIONS_PAGE_SIZE
        )
        page = paginator.get_page(self.request.GET.get("page"))
        return {
            **super().get_context_data(**kwargs),
            "status": status,
            "statuses": ApplicationStatus.choices,
            "page": page,
            "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=2),
            "query_string": f"status={status}" if status else "",
        }


class ApplicationManageView(OfficerMixin, View):
    """Everything about one application, side by side, and the officer's actions on it."""

    template_name = "accreditation/manage/application.html"

    def get(self, request, pk):
        return self.render(pk)

    @staticmethod
    def evidence_context(application, criteria) -> dict:
        """The evidence under the criterion it supports, as assessors read it, and any mapped
        to no criterion of this application's charter version (kept, never hidden)."""
        by_criterion = selectors.evidence_by_criterion(application.evidence.all())
        under_one = {item.pk for c in criteria for item in by_criterion.get(c.pk, [])}
        return {
            "evidence_by_criterion": [(c, by_criterion.get(c.pk, [])) for c in criteria],
            "other_evidence": [i for i in application.evidence.all() if i.pk not in under_one],
        }

    def render(self, pk, **forms):
        application = detail_or_404(pk)
        assigned = [a.assessor_id for a in application.assignments.all()]
        assessors = User.objects.filter(is_assessor=True, is_active=True).exclude(pk__in=assigned)
        criteria = list(selectors.criteria_for(application))
        assignments = [a for a in application.assignments.all() if not a.has_conflict]
        grid = [
            (
                criterion,
                [
                    next((j for j in a.judgements.all() if j.criterion_id == criterion.pk), None)
                    for a in assignments
                ],
            )
            for criterion in criteria
        ]
        return render(
            self.request,
            self.template_name,
            {
                "application": application,
                "criteria": criteria,
                "assignments": application.assignments.all(),
                "judging": assignments,
                "grid": grid,
                "assign_form": forms.get("assign_form") or AssignForm(assessors=assessors),
                "decision_form": forms.get("decision_form")
                or DecisionForm(levels=selectors.levels()),
                "may_view_evidence": self.request.user.has_perm(
                    "accreditation.view_evidence", application
                ),
                **self.evidence_context(application, criteria),
                "history": [history.in_words(event) for event in events_for(application)],
                "error": forms.get("error"),
                "awards": selectors.awards_of_application(application),
                "revoke_form": forms.get("revoke_form") or RevokeAwardForm(),
                "reissue_form": forms.get("reissue_form") or ReissueAwardForm(),
            },
        )


class AssignAssessorView(ApplicationManageView):
    def post(self, request, pk):
        application = get_object_or_404(selectors.applications_for_officers(), pk=pk)
        form = AssignForm(request.POST, assessors=User.objects.filter(is_assessor=True))
        if not form.is_valid():
            return self.render(pk, assign_form=form)
        try:
            services.assign_assessor(
                application, acting_user=request.user, assessor=form.cleaned_data["assessor"]
            )
        except services.AccreditationError as error:
            form.add_error("assessor", error.messages)
            return self.render(pk, assign_form=form)
        messages.success(request, f"{form.cleaned_data['assessor']} is assigned.")
        return redirect("accreditation:manage.application", pk=pk)


class DecideView(ApplicationManageView):
    def post(self, request, pk):
        application = get_object_or_404(selectors.applications_for_officers(), pk=pk)
        form = DecisionForm(request.POST, levels=selectors.levels())
        if not form.is_valid():
            return self.render(pk, decision_form=form)
        try:
            services.decide_application(
                application,
                acting_user=request.user,
                outcome=form.cleaned_data["outcome"],
                reasons=form.cleaned_data["reasons"],
                level=form.cleaned_data.get("level"),
            )
        except services.AccreditationError as error:
            form.add_error(None, error.messages)
            return self.render(pk, decision_form=form)
        messages.success(request, _("Decision recorded; the applicant has been told."))
        return redirect("accreditation:manage.application", pk=pk)


class AwardActionView(ApplicationManageView):
    """Revoke or re-issue the application's current award; a refusal shows on the page."""

    form_class: type
    form_name: str
    done: str

    def act(self, award, *, acting_user, reason):
        raise NotImplementedError

    def post(self, request, pk):
        application = get_object_or_404(selectors.applications_for_officers(), pk=pk)
        form = self.form_class(request.POST)
        award = selectors.current_award(application)
        if award is None:
            raise Http404("This application has no award.")
        if not form.is_valid():
            return self.render(pk, **{self.form_name: form})
        try:
            self.act(award, acting_user=request.user, reason=form.cleaned_data["reason"])
        except services.AccreditationError as error:
            form.add_error("reason", error.messages)
            return self.render(pk, **{self.form_name: form})
        messages.success(request, self.done)
        return redirect("accreditation:manage.application", pk=pk)


class RevokeAwardView(AwardActionView):
    form_class = RevokeAwardForm
    form_name = "revoke_form"
    done = "Charter Status revoked; the organisation has been told."

    def act(self, award, **kwargs):
        services.revoke_award(award, **kwargs)


class ReissueAwardView(AwardActionView):
    form_class = ReissueAwardForm
    form_name = "reissue_form"
    done = "Certificate re-issued with a new number."

    def act(self, award, **kwargs):
        services.reissue_award(award, **kwargs)
