"""A council's request for a full export of its data, and the zip it produced."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from platform_.exports.enums import ExportStatus


def export_path(export: "DataExport", filename: str) -> str:
    # The default storage puts the tenant's schema in front; the random part keeps the name
    # unguessable, although the file is only ever served through a permission check.
    return f"exports/{timezone.localdate():%Y-%m-%d}-{uuid.uuid4().hex}.zip"


class DataExport(models.Model):
    """One export: requested by an officer, built by a task, downloaded, deleted after a while."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=ExportStatus.choices, default=ExportStatus.PREPARING
    )
    file = models.FileField(upload_to=export_path, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # What went wrong, for platform staff (the officer sees only "failed, try again").
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A double click, or two officers at once, start one export, not two.
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="preparing"),
                name="one_export_preparing",
            )
        ]

    def __str__(self) -> str:
        return f"Data export of {self.created_at:%d %B %Y %H:%M}"

    @property
    def is_ready(self) -> bool:
        return self.status == ExportStatus.READY and bool(self.file)
