from django.db import models


class TenantKind(models.TextChoices):
    COUNCIL = "council", "Council"
    PARTNERSHIP_BOARD = "partnership_board", "Partnership board"
    COMBINED_AUTHORITY = "combined_authority", "Combined authority"
    HEALTH_BOARD = "health_board", "NHS integrated care board"
    OTHER = "other", "Other public body"


class LifecycleStatus(models.TextChoices):
    TEMPLATE = "template", "Template schema (not a council)"
    TRIAL = "trial", "Trial"
    ACTIVE = "active", "Active"
    PAST_DUE = "past_due", "Payment overdue"
    SUSPENDED = "suspended", "Suspended"
    CLOSED = "closed", "Closed"

    @classmethod
    def serving(cls) -> list[str]:
        """States in which the tenant's site answers requests."""
        return [cls.TRIAL, cls.ACTIVE, cls.PAST_DUE, cls.SUSPENDED]

    @classmethod
    def taking_changes(cls) -> list[str]:
        """States in which people may change things (not read-only, not closed)."""
        return [cls.TRIAL, cls.ACTIVE, cls.PAST_DUE]

    @classmethod
    def read_only(cls) -> list[str]:
        """States in which officers and applicants may look but not change anything."""
        return [cls.SUSPENDED]
