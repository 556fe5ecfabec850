from django.db import models


class ApiKeyScope(models.TextChoices):
    """What a council API key may do: every key reads; a read-write key also acts."""

    READ = "read", "Read only"
    READ_WRITE = "read_write", "Read and write"


class ApiEvent(models.TextChoices):
    """Audit event keys for API keys (platform_.audit.services.record_event)."""

    KEY_CREATED = "api.key.created", "API key created"
    KEY_REVOKED = "api.key.revoked", "API key revoked"
    # One per write made with a key (reads are counted per key per day: ApiKeyUsage).
    KEY_WROTE = "api.key.wrote", "API key used to make a change"
