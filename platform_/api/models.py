"""A council's API keys and how much each is used.

Only a SHA-256 hash of each key's secret is kept: the secret is 256 random bits, so a fast hash
is enough (no dictionary to guess from), and a stolen database holds no usable key.
"""

from django.conf import settings
from django.db import models

from platform_.api.enums import ApiKeyScope


class ApiKey(models.Model):
    """A key an officer made for one of the council's systems: ``cck_<prefix>_<secret>``.

    Requests made with it act as the officer who made it (``created_by``), with that officer's
    permissions checked on every request: a key stops working when its maker stops being an
    officer, as their own session would.
    """

    name = models.CharField(max_length=100)
    # Public and unique: finds the row; the secret is then compared with its hash.
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scope = models.CharField(max_length=16, choices=ApiKeyScope.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_keys"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} (cck_{self.prefix}_…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def may_write(self) -> bool:
        return self.scope == ApiKeyScope.READ_WRITE


class ApiKeyUsage(models.Model):
    """Requests made with a key on one day: the record of every use that is not a write (a
    write also gets an audit event). One row a key a day, counted up by each request."""

    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="usage")
    day = models.DateField()
    reads = models.PositiveIntegerField(default=0)
    writes = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["key", "day"], name="one_usage_row_a_day")]

    def __str__(self) -> str:
        return f"{self.key} on {self.day}"
