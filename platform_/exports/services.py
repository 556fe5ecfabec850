"""A council's data export: requested by an officer, built by a task, deleted after a while."""

from __future__ import annotations

import logging
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from platform_.accounts.permissions import require_permission
from platform_.audit.services import record_event
from platform_.background import after_commit, enqueue_on_commit
from platform_.exports import tasks
from platform_.exports.builder import write_export
from platform_.exports.enums import ExportEvent, ExportStatus
from platform_.exports.errors import ExportError
from platform_.exports.models import DataExport
from platform_.integrity import unique_or_raise
from platform_.languages import lazy_interpolate
from platform_.outbox.services import queue_email
from tenants.enums import LifecycleStatus

logger = logging.getLogger(__name__)

# A preparing export older than this was lost (a worker killed mid-build, a broker down when it
# was queued): it is marked failed, so it no longer blocks a new one.
STALE_AFTER = timedelta(hours=2)


class _Preparing(Exception):
    """Another request started an export at the same moment."""


def fail_stale_exports() -> int:
    """Mark exports preparing for longer than STALE_AFTER as failed. Returns how many."""
    return DataExport.objects.filter(
        status=ExportStatus.PREPARING, created_at__lt=timezone.now() - STALE_AFTER
    ).update(
        status=ExportStatus.FAILED,
        finished_at=timezone.now(),
        error="Not finished in time: the task was lost.",
    )


@transaction.atomic
def request_export(*, acting_user) -> DataExport:
    """Start an export of the whole council's data for ``acting_user`` (a council officer).

    One at a time: while one is being prepared, asking again returns it (a double click, or two
    officers at once). At most EXPORTS_PER_DAY are made in a day (failed ones not counted).

    Side effects: exports lost earlier marked failed; the DataExport row (preparing); audit event
    ``exports.export.requested``; the build task queued after commit.
    """
    require_permission(
        acting_user, "tenant.manage", message=_("Only council officers can export the data.")
    )
    fail_stale_exports()
    preparing = DataExport.objects.filter(status=ExportStatus.PREPARING).first()
    if preparing is not None:
        return preparing
    # Failed exports do not count: the failure was ours, not the council's.
    recent = DataExport.objects.filter(created_at__gte=timezone.now() - timedelta(days=1))
    if recent.exclude(status=ExportStatus.FAILED).count() >= settings.EXPORTS_PER_DAY:
        raise ExportError(
            _(
                "The council has prepared %(exports_per_day)s exports in the last 24 hours. "
                "Download one of those, or try again tomorrow."
            )
            % {"exports_per_day": settings.EXPORTS_PER_DAY}
        )
    try:
        with unique_or_raise({"one_export_preparing": _Preparing}):
            export = DataExport.objects.create(requested_by=acting_user)
    except _Preparing:
        # The other request's export: committed now, and perhaps already built.
        return DataExport.objects.order_by("-created_at", "-pk").first()
    record_event(ExportEvent.REQUESTED, export, actor=acting_user)
    enqueue_on_commit(tasks.build_export, export.pk)
    return export


def build_export(export: DataExport) -> DataExport:
    """Write the council's export zip to a temporary file, then store it in the council's folder.

    Not one transaction: the zip may take minutes, and the rows it reads are read in chunks. A
    failure is recorded on the row (and logged) and the partial file removed. Does nothing for an
    export that is no longer preparing (a task run twice).

    Side effects: the zip stored under the tenant's prefix; the row marked ready (or failed);
    an email to the officer who asked, with a link to the export page.
    """
    if export.status != ExportStatus.PREPARING:
        return export
    try:
        with tempfile.TemporaryFile(dir=settings.EXPORT_TMP_DIR, suffix=".zip") as out:
            summary = write_export(out)
            size = out.tell()
            out.seek(0)
            export.file.save("export.zip", File(out), save=False)  # copied in chunks
    except Exception as error:
        logger.exception("Export %s of %s failed", export.pk, connection.schema_name)
        export.status = ExportStatus.FAILED
        export.error = f"{type(error).__name__}: {error}"[:2000]
        export.finished_at = timezone.now()
        export.save(update_fields=["status", "error", "finished_at"])
        return export
    with transaction.atomic():
        # Ready even if it was marked failed as lost meanwhile: the file is there and complete.
        locked = DataExport.objects.select_for_update().get(pk=export.pk)
        locked.file, locked.size = export.file.name, size
        locked.status = ExportStatus.READY
        locked.finished_at = timezone.now()
        locked.expires_at = locked.finished_at + timedelta(days=settings.EXPORT_RETENTION_DAYS)
        locked.error = ""
        locked.save(update_fields=["file", "size", "status", "finished_at", "expires_at", "error"])
        logger.info(
            "Export %s of %s ready: %d bytes, %d files, rows %s",
            locked.pk,
            connection.schema_name,
            size,
            summary.files,
            summary.rows,
        )
        if locked.requested_by is not None:
            queue_email(
                locked.requested_by.email,
                subject=lazy_interpolate(
                    gettext_lazy("Your export of %(council)s's data is ready"),
                    council=connection.tenant.name,
                ),
                template="exports/email/ready.txt",
                context={
                    "export": locked,
                    "person": locked.requested_by,
                    "url": connection.tenant.build_url(reverse("exports:list")),
                },
                dedup_key=f"export-ready-{locked.pk}",
            )
    return locked


@transaction.atomic
def expire_exports() -> int:
    """Delete the files of exports past their expiry; the rows stay, marked expired.

    A closed council's exports are kept until its data is deleted: they are what its officers
    sign in for (and beat runs nothing in a closed tenant anyway). Returns how many expired.

    Side effects: exports lost while preparing marked failed; rows marked expired; their files
    deleted after commit.
    """
    fail_stale_exports()
    if connection.tenant.status == LifecycleStatus.CLOSED:
        return 0
    due = list(
        DataExport.objects.select_for_update(skip_locked=True).filter(
            status=ExportStatus.READY, expires_at__lte=timezone.now()
        )
    )
    for export in due:
        name, export.file = export.file.name, ""
        export.status = ExportStatus.EXPIRED
        export.save(update_fields=["status", "file"])
        if name:
            after_commit(export.file.storage.delete, name)
    return len(due)


def record_download(export: DataExport, *, acting_user) -> None:
    """Side effects: audit event ``exports.export.downloaded`` (who took the council's data)."""
    record_event(ExportEvent.DOWNLOADED, export, actor=acting_user)
