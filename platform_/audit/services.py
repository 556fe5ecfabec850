"""The one way to write to the audit log."""

from __future__ import annotations

from typing import Any

from django.db import models

from platform_.audit.models import AuditEvent


def record_event(
    key: str,
    obj: models.Model,
    *,
    actor=None,
    old: Any = None,
    new: Any = None,
) -> AuditEvent:
    """Record that ``actor`` did ``key`` to ``obj``. Call inside the transaction of the change."""
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
