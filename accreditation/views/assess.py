"""Assessors: their queue, conflict declaration, judgements and recommendation."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from accreditation import selectors, services
from accreditation.forms import ConflictForm, RecommendationForm, judgement_form_class
from accreditation.models import Assignment
from charters.signed_in_page_cache import SignedInPageCacheMixin
from platform_.accounts.permissions import RoleRequiredMixin


class QueueView(RoleRequiredMixin, SignedInPageCacheMixin, TemplateView):
    permission_required = "tenant.assess"
    template_name = "accreditation/assess/queue.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "assignments": selectors.assessor_queue(self.request.user),
        }


class AssignmentView(RoleRequiredMixin, View):
    """One assessment: the declaration first; then the evidence, judgements and recommendation."""

    permission_required = "accreditation.assess"
    template_name = "accreditation/assess/assignment.html"

    def get_permission_object(self):
        if not hasattr(self, "assignment"):
            self.assignment = get_object_or_404(
                Assignment.objects.select_related(
                    "application__organisation", "application__round", "application__version"
                ),
                pk=self.kwargs["pk"],
            )
        return self.assignment

    def get(self, request, pk):
        return self.render()

    def post(self, request, pk):
        assignment = self.get_permission_object()
        action = request.POST.get("action")
        try:
            if action == "declare":
                form = ConflictForm(request.POST)
                if not form.is_valid():
                    return self.render(conflict_form=form)
                services.declare_conflict(
                    assignment,
                    acting_user=request.user,
                    has_conflict=form.cleaned_data["has_conflict"],
                    details=form.cleaned_data["details"],
                )
            elif action in ("judge", "recommend"):
                criteria, form = self.judgement_form(request.POST)
                recommendation = RecommendationForm(request.POST) if action == "recommend" else None
                if not form.is_valid() or (recommendation and not recommendation.is_valid()):
                    return self.render(judgement_form=form, recommendation_form=recommendation)
                services.record_judgements(
                    assignment,
                    acting_user=request.user,
                    judgements={
                        c.pk: (
                            form.cleaned_data[f"outcome_{c.pk}"],
                            form.cleaned_data[f"comment_{c.pk}"],
                        )
                        for c in criteria
                        if form.cleaned_data[f"outcome_{c.pk}"]
                    },
                )
                if recommendation:
                    services.recommend(
                        assignment, acting_user=request.user, **recommendation.cleaned_data
                    )
        except services.AccreditationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("accreditation:assess.assignment", pk=pk)
        messages.success(request, _("Saved."))
        return redirect("accreditation:assess.assignment", pk=pk)

    def judgement_form(self, data=None):
        assignment = self.get_permission_object()
        criteria = list(selectors.criteria_for(assignment.application))
        existing = {j.criterion_id: j for j in assignment.judgements.all()}
        return criteria, judgement_form_class(criteria, existing)(data)

    def render(self, conflict_form=None, judgement_form=None, recommendation_form=None):
        assignment = self.get_permission_object()
        may_view_evidence = self.request.user.has_perm(
            "accreditation.view_evidence", assignment.application
        )
        context = {
            "assignment": assignment,
            "application": assignment.application,
            "conflict_form": conflict_form or ConflictForm(),
            "may_view_evidence": may_view_evidence,
        }
        if may_view_evidence:
            criteria, default_form = self.judgement_form()
            form = judgement_form or default_form
            application = selectors.application_detail(assignment.application_id)
            by_criterion = selectors.evidence_by_criterion(application.evidence.all())
            context.update(
                {
                    "detail": application,
                    "questions": [
                        (
                            c,
                            form[f"outcome_{c.pk}"],
                            form[f"comment_{c.pk}"],
                            by_criterion.get(c.pk, []),
                        )
                        for c in criteria
                    ],
                    "judgement_form": form,
                    "recommendation_form": recommendation_form or RecommendationForm(),
                }
            )
        return render(self.request, self.template_name, context)
