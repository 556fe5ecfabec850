"""Council officers: concerns raised from verification pages, and what they decide about each."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from accreditation import history, services
from accreditation.enums import ConcernStatus
from accreditation.forms import ConcernDecisionForm
from accreditation.models import Concern
from accreditation.views.manage import OfficerMixin
from platform_.audit.services import events_for


class ConcernListView(OfficerMixin, TemplateView):
    template_name = "accreditation/manage/concerns.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "concerns": Concern.objects.filter(status=ConcernStatus.OPEN).select_related(
                "award__organisation", "award__level"
            ),
        }


def _forms(data=None, action=""):
    return {
        "close_form": ConcernDecisionForm(
            data if action == "close" else None, prefix="close", note_required=True
        ),
        "reassess_form": ConcernDecisionForm(
            data if action == "reassess" else None, prefix="reassess", note_required=False
        ),
    }


class ConcernView(OfficerMixin, View):
    template_name = "accreditation/manage/concern.html"

    def get(self, request, pk):
        return self.render(pk, **_forms())

    def render(self, pk, **forms):
        concern = get_object_or_404(
            Concern.objects.select_related("award__organisation", "award__level", "decided_by"),
            pk=pk,
        )
        return render(
            self.request,
            self.template_name,
            {
                "concern": concern,
                "history": [history.in_words(event) for event in events_for(concern)],
                **forms,
            },
        )


class DecideConcernView(ConcernView):
    action = ""

    def post(self, request, pk):
        concern = get_object_or_404(Concern, pk=pk)
        forms = _forms(request.POST, self.action)
        form = forms[f"{self.action}_form"]
        if not form.is_valid():
            return self.render(pk, **forms)
        try:
            if self.action == "close":
                services.close_concern(
                    concern, acting_user=request.user, note=form.cleaned_data["note"]
                )
                messages.success(request, _("The concern is closed."))
            else:
                services.start_early_reassessment(
                    concern, acting_user=request.user, note=form.cleaned_data["note"]
                )
                messages.success(
                    request,
                    _("Early reassessment recorded; the organisation's leads have been told."),
                )
        except services.AccreditationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("accreditation:manage.concern", pk=pk)


class CloseConcernView(DecideConcernView):
    action = "close"


class ReassessConcernView(DecideConcernView):
    action = "reassess"
