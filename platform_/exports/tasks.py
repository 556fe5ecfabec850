"""Export tasks. Each calls one service, imported inside the task because services import this
module to queue them."""

from celery import shared_task

from platform_.background import in_tenant_schema
from platform_.exports.models import DataExport
from platform_.tasks import DatabaseRetryTask


@shared_task(base=DatabaseRetryTask, name="exports.build_export")
def build_export(export_id: int) -> str:
    """Queued after an export is requested; builds its zip (once: a second run does nothing)."""
    from platform_.exports import services  # noqa: PLC0415 -- leaf: services import tasks

    if not in_tenant_schema("exports.build_export"):
        return ""
    export = DataExport.objects.filter(pk=export_id).select_related("requested_by").first()
    if export is None:
        return ""  # rolled back since
    return services.build_export(export).status


@shared_task(base=DatabaseRetryTask, name="exports.expire_exports")
def expire_exports() -> int:
    """Run daily by beat in every serving tenant: old export zips are deleted."""
    from platform_.exports import services  # noqa: PLC0415 -- leaf: services import tasks

    if not in_tenant_schema("exports.expire_exports"):
        return 0
    return services.expire_exports()
