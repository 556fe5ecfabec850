"""Council officers: write, preview and publish the charter; see and export organisations."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from charters import selectors, services
from charters.csv_export import csv_download, csv_text
from charters.forms import DraftForm, PrincipleForm
from charters.models import Organisation, Principle, Signature
from platform_.accounts.permissions import RoleRequiredMixin
from platform_.audit.services import events_for


class OfficerMixin(RoleRequiredMixin):
    permission_required = "charters.edit_charter"


class DraftMixin(OfficerMixin):
    """Views that act on the current draft; without one, officers are sent to start it."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(self.permission_required):
            self.draft = selectors.draft_version()
            if self.draft is None:
                messages.info(
                    request, _("There is no draft. Start one from the published version.")
                )
                return redirect("charters:manage.charter")
        return super().dispatch(request, *args, **kwargs)


class CharterOverviewView(OfficerMixin, TemplateView):
    template_name = "charters/manage/overview.html"

    def get_context_data(self, **kwargs):
        draft = selectors.draft_version()
        return {
            **super().get_context_data(**kwargs),
            "draft": draft,
            "versions": selectors.published_versions(),
            "history": events_for(draft)[:10] if draft else [],
        }


class StartDraftView(OfficerMixin, View):
    def post(self, request):
        charter = selectors.the_charter()
        if charter is None:
            raise Http404
        try:
            services.start_new_draft(charter, acting_user=request.user)
        except services.CharterError as error:
            messages.error(request, error.message)
        return redirect("charters:manage.charter")


class EditDraftView(DraftMixin, FormView):
    template_name = "charters/manage/edit_draft.html"
    form_class = DraftForm

    def get_initial(self):
        return {
            "title": self.draft.title,
            "introduction": self.draft.introduction,
            "easy_read_introduction": self.draft.easy_read_introduction,
            **{name: getattr(self.draft, name) for name in DraftForm.WELSH_FIELDS},
            "co_writers": "\n".join(self.draft.co_writers),
        }

    def form_valid(self, form):
        services.update_draft(self.draft, acting_user=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Draft saved."))
        return redirect("charters:manage.charter")


class PrincipleFormView(DraftMixin, View):
    """Add a principle (no pk) or edit one of the draft's principles."""

    template_name = "charters/manage/principle_form.html"

    def get_principle(self):
        pk = self.kwargs.get("pk")
        return get_object_or_404(Principle, pk=pk, version=self.draft) if pk else None

    def get(self, request, pk=None):
        return self._render(PrincipleForm(instance=self.get_principle()))

    def post(self, request, pk=None):
        principle = self.get_principle()
        form = PrincipleForm(request.POST, request.FILES, instance=principle)
        if not form.is_valid():
            return self._render(form)
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if principle is None:
            services.add_principle(self.draft, acting_user=request.user, **fields)
            messages.success(request, f"Added “{fields['title']}”.")
        else:
            services.update_principle(principle, acting_user=request.user, **fields)
            messages.success(request, f"Saved “{fields['title']}”.")
        return redirect("charters:manage.charter")

    def _render(self, form):
        return render(
            self.request,
            self.template_name,
            {"form": form, "principle": self.get_principle(), "draft": self.draft},
        )


class RemovePrincipleView(DraftMixin, View):
    template_name = "charters/manage/principle_remove.html"

    def get(self, request, pk):
        principle = get_object_or_404(Principle, pk=pk, version=self.draft)
        return render(request, self.template_name, {"principle": principle})

    def post(self, request, pk):
        principle = get_object_or_404(Principle, pk=pk, version=self.draft)
        services.remove_principle(principle, acting_user=request.user)
        messages.success(request, f"Removed “{principle.title}”.")
        return redirect("charters:manage.charter")


class MovePrincipleView(DraftMixin, View):
    def post(self, request, pk):
        principle = get_object_or_404(Principle, pk=pk, version=self.draft)
        services.move_principle(
            principle, acting_user=request.user, up=request.POST.get("direction") == "up"
        )
        return redirect("charters:manage.charter")


class PreviewDraftView(DraftMixin, TemplateView):
    template_name = "charters/charter/public.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "version": self.draft,
            "preview": True,
            "easy_read": self.request.GET.get("easy_read") == "1",
        }


class PublishDraftView(DraftMixin, View):
    template_name = "charters/manage/publish.html"

    def get(self, request):
        return render(request, self.template_name, {"draft": self.draft})

    def post(self, request):
        try:
            version = services.publish_version(self.draft, acting_user=request.user)
        except services.CharterError as error:
            return render(
                request, self.template_name, {"draft": self.draft, "error": error.message}
            )
        messages.success(request, f"Version {version.number} is published.")
        return redirect("charters:manage.charter")


class PublishedVersionView(OfficerMixin, TemplateView):
    template_name = "charters/charter/public.html"

    def get_context_data(self, **kwargs):
        version = get_object_or_404(
            selectors.published_versions().prefetch_related("principles"), number=kwargs["number"]
        )
        return {**super().get_context_data(**kwargs), "version": version, "archived": True}


class OrganisationListView(RoleRequiredMixin, TemplateView):
    permission_required = "charters.view_all_organisations"
    template_name = "charters/manage/organisations.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "organisations": selectors.organisations_for_officers(),
            "current": selectors.current_version(),
        }


ORGANISATION_COLUMNS = [*Organisation.DETAIL_FIELDS, "registered_on", "status", "charter_version"]
SIGNATURE_COLUMNS = [
    "organisation",
    "action",
    "charter_version",
    "recorded_at",
    "signatory_name",
    "signatory_job_title",
    "commitment",
    "consent_to_publish",
    "reason",
]


class OrganisationsCsvView(RoleRequiredMixin, View):
    permission_required = "charters.view_all_organisations"

    def get(self, request):
        rows = (
            [
                *(
                    o.get_kind_display() if f == "kind" else getattr(o, f)
                    for f in Organisation.DETAIL_FIELDS
                ),
                o.created_at.date().isoformat(),
                o.current_signature.get_action_display() if o.current_signature else "Not signed",
                o.current_signature.version.number if o.current_signature else "",
            ]
            for o in selectors.organisations_for_officers()
        )
        return csv_download("organisations.csv", csv_text(ORGANISATION_COLUMNS, rows))


class SignaturesCsvView(RoleRequiredMixin, View):
    """Every signature and withdrawal ever recorded, oldest first."""

    permission_required = "charters.view_all_organisations"

    def get(self, request):
        records = Signature.objects.select_related("organisation", "version").order_by(
            "recorded_at", "pk"
        )
        rows = (
            [
                r.organisation.name,
                r.get_action_display(),
                r.version.number,
                r.recorded_at.isoformat(),
                r.signatory_name,
                r.signatory_job_title,
                r.commitment,
                "yes" if r.consent_to_publish else "no",
                r.reason,
            ]
            for r in records
        )
        return csv_download("signatures.csv", csv_text(SIGNATURE_COLUMNS, rows))
