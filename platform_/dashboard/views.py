"""The council dashboard at /manage/ and its CSV downloads: council officers only."""

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from charters.csv_export import csv_download, csv_text
from charters.signed_in_page_cache import SignedInPageCacheMixin
from platform_.accounts.permissions import RoleRequiredMixin
from platform_.dashboard import reports


class DashboardView(RoleRequiredMixin, SignedInPageCacheMixin, TemplateView):
    """The programme at a glance, the charts for a board report, and the links to manage it.

    The template keeps its old name: it is still where the "Manage" links live (each area adds
    its own line there), and it extends the dashboard's layout.
    """

    permission_required = "tenant.manage"
    template_name = "pages/manage_hub.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        return super().get_context_data(
            **kwargs, figures=reports.glance(today), charts=reports.charts(today)
        )


class DashboardCsvView(RoleRequiredMixin, View):
    permission_required = "tenant.manage"

    def get(self, request, name: str) -> HttpResponse:
        build = reports.CSV_TABLES.get(name)
        if build is None:
            raise Http404("No such download.")
        table = build(timezone.localdate())
        return csv_download(f"{name}.csv", csv_text(table.header, table.rows))
