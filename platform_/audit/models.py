from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One change to a council's records: who, what, when, and the values before and after.

    Written by services in the same transaction as the change; never updated or deleted. It is
    what a council shows when a decision is challenged.
    """

    key = models.CharField(max_length=100, db_index=True)  # e.g. "charters.version.published"
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    object_type = models.CharField(max_length=100)  # "<app_label>.<model>"
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    old_value = models.JSONField(null=True, blank=True)
    new_value = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.key} on {self.object_repr}"
