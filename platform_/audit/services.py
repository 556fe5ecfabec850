"""The one way to write to the audit log."""

from __future__ import annotations

from enum import Enum
from typing import Any

from django.db import models

from platform_.audit.models import AuditEvent


def record_event(
    key: models.TextChoices,
    obj: models.Model,
    *,
    actor=None,
    old: Any = None,
    new: Any = None,
) -> AuditEvent:
    """Record that ``actor`` did ``key`` to ``obj``. Call inside the transaction of the change.

    ``key`` is a member of an app's event enum (``CharterEvent.CHARTER_SIGNED``), never a string
    built at run time, so every key a council may see in its log can be found by grep.
    """
    if not isinstance(key, Enum):
        raise TypeError(f"Audit keys are enum members, not {type(key).__name__}: {key!r}")
    return AuditEvent.objects.create(
        key=key,
        actor=actor if actor is not None and actor.is_authenticated else None,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        old_value=old,
        new_value=new,
    )


def events_for(obj: models.Model):
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")
