"""Deadlines from the legal-duration table: modules ask by code, never hard-code a number of days."""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from . import workdays
from .models import LegalDuration


class DurationNotDefined(LookupError):
    pass


def legal_duration_in_force(code: str, on: date) -> LegalDuration:
    """The row for `code` in force on `on` (effective_from ≤ on < effective_to)."""
    row = (
        LegalDuration.objects.filter(code=code, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=on))
        .order_by("-effective_from")
        .first()
    )
    if row is None:
        raise DurationNotDefined(f"no legal duration '{code}' in force on {on}")
    return row


def deadline(code: str, start: date, *, on: date | None = None) -> date:
    """Last day of the period `code` that starts on `start`, under the rules in force on `on` (default start)."""
    row = legal_duration_in_force(code, on or start)
    return workdays.add_period(start, row.value, row.unit)
