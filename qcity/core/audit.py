"""Audit trail: every service that writes calls `audit_record` inside its transaction."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable
from typing import Any

from django.db import models

from . import request_context
from .choices import AuditAction
from .models import AuditEvent, OrgUnit, User


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The concrete field values of an instance, JSON-ready, for the before/after columns."""
    names = fields or [f.attname for f in instance._meta.concrete_fields]
    return {name: _json_value(getattr(instance, name)) for name in names}


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def audit_event(
    *,
    action: AuditAction,
    by: User | None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    org_unit: OrgUnit | None = None,
    message: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """The audit record of one write, not yet saved: `audit_record` saves it, a bulk writer collects them for
    `audit_records_save`."""
    context = request_context.current()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    return AuditEvent(
        actor=by if by is not None and by.pk else None,
        actor_name=(by.get_username() if by is not None else "system")[:150],
        source_ip=context.source_ip,
        channel=context.channel,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        org_unit=org_unit,
        message=message[:500],
        before=before,
        after=after,
    )


def audit_record(**fields: Any) -> AuditEvent:
    """Record one write (the arguments of `audit_event`)."""
    event = audit_event(**fields)
    event.save()
    return event


def audit_records_save(events: list[AuditEvent]) -> None:
    """Save the records of a bulk write in one insert."""
    AuditEvent.objects.bulk_create(events, batch_size=500)
