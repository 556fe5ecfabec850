from django.db import models


class ExportStatus(models.TextChoices):
    PREPARING = "preparing", "Being prepared"
    READY = "ready", "Ready to download"
    FAILED = "failed", "Failed"
    # The file was deleted after EXPORT_RETENTION_DAYS; the row stays as the record.
    EXPIRED = "expired", "Expired"


class ExportEvent(models.TextChoices):
    """Audit event keys for data exports (platform_.audit.services.record_event)."""

    REQUESTED = "exports.export.requested", "Data export requested"
    DOWNLOADED = "exports.export.downloaded", "Data export downloaded"
