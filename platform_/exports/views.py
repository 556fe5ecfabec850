"""The council officers' export page and its download: open in every lifecycle state, closed too
(tenants.middleware lets /manage/export/ through), since it is how a council takes its data away."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.views import View
from django.views.generic import TemplateView

from platform_.accounts.permissions import RoleRequiredMixin
from platform_.exports import services
from platform_.exports.contents import TABLES
from platform_.exports.downloads import export_download
from platform_.exports.enums import ExportStatus
from platform_.exports.errors import ExportError
from platform_.exports.models import DataExport


class ExportListView(RoleRequiredMixin, TemplateView):
    permission_required = "tenant.manage"
    template_name = "exports/manage/exports.html"

    def get_context_data(self, **kwargs):
        exports = list(DataExport.objects.select_related("requested_by")[:20])
        return super().get_context_data(
            exports=exports,
            preparing=any(e.status == ExportStatus.PREPARING for e in exports),
            tables=TABLES,
            retention_days=settings.EXPORT_RETENTION_DAYS,
            **kwargs,
        )


class PrepareExportView(RoleRequiredMixin, View):
    permission_required = "tenant.manage"

    def post(self, request):
        try:
            services.request_export(acting_user=request.user)
        except ExportError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                "Your export is being prepared. We will email you when it is ready to download.",
            )
        return redirect("exports:list")


class DownloadExportView(RoleRequiredMixin, View):
    """The zip, streamed from the council's folder; never a path the visitor chooses."""

    permission_required = "tenant.manage"

    def get(self, request, pk: int):
        return export_download(request, pk)
