"""Deadlines from the legal-duration table, and the registry of every stored deadline.

Modules ask by code, never hard-code a number of days: `deadline("penalty-publication", decided_on)`
returns a `Deadline` — the date and, when the count crossed a year whose official holiday schedule is
not entered yet, that year (`provisional_year`). Such a deadline is *provisional* (暂定): it is stored
with its year, shown with a 暂定 mark, and recomputed when the official schedule arrives.

Each module registers the date fields that hold a deadline, in its AppConfig.ready():

    from qcity.core import deadlines
    deadlines.register(InspectionResult, "publish_by", start="inspected_on",
                       compute=lambda r: deadline("random-inspection-publication", r.inspected_on),
                       org_unit="drawn_target__enterprise__org_unit")

and gives the model a companion column `<field>_provisional_year = deadlines.provisional_year_field()`.
Recomputing a year (`core.services.deadlines_recompute`) is then one query per registered field.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import workdays
from .models import LegalDuration


class DurationNotDefined(LookupError):
    pass


@dataclass(frozen=True)
class Deadline:
    """The last day of a period, and the first year it was counted on a provisional calendar (if any)."""

    on: date
    provisional_year: int | None = None

    @property
    def provisional(self) -> bool:
        return self.provisional_year is not None


# Inside `memoized()`, rows are looked up once per (code, day): recomputing thousands of deadlines, or
# generating a demo year, should not ask the database the same question each time.
_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("deadline_memo", default=None)


@contextlib.contextmanager
def memoized() -> Iterator[None]:
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def legal_duration_in_force(code: str, on: date) -> LegalDuration:
    """The row for `code` in force on `on` (effective_from ≤ on < effective_to)."""
    memo = _memo.get()
    if memo is not None:  # every row of the code, once: the one in force is picked here
        if code not in memo:
            memo[code] = list(LegalDuration.objects.filter(code=code).order_by("-effective_from"))
        row = next((r for r in memo[code] if r.effective_from <= on and (r.effective_to is None or r.effective_to > on)),
                   None)
    else:
        row = (
            LegalDuration.objects.filter(code=code, effective_from__lte=on)
            .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=on))
            .order_by("-effective_from")
            .first()
        )
    if row is None:
        raise DurationNotDefined(f"no legal duration '{code}' in force on {on}")
    return row


def deadline(code: str, start: date, *, on: date | None = None) -> Deadline:
    """Last day of the period `code` that starts on `start`, under the rules in force on `on` (default start)."""
    memo, key = _memo.get(), ("deadline", code, start, on)
    if memo is not None and key in memo:  # a demo year dates ~150,000 complaints from ~365 start days
        return memo[key]
    row = legal_duration_in_force(code, on or start)
    end = workdays.add_period(start, row.value, row.unit)
    result = Deadline(end, workdays.provisional_year(start, end))
    if memo is not None:
        memo[key] = result
    return result


def provisional_reason(year: int) -> str:
    """The one line shown next to a provisional deadline."""
    return gettext("%(year)s年法定节假日安排尚未公布，按放假办法暂定计算；录入正式安排后自动重算") % {"year": year}


def provisional_note(year: int) -> str:
    """The reason in a few words, where a table cell has no room for the line."""
    return gettext("%(year)s年放假安排未公布") % {"year": year}


# --- stored deadlines ----------------------------------------------------------------------------


def provisional_year_field() -> models.PositiveSmallIntegerField:
    """The companion column of a deadline field: the provisional year it was counted on, else NULL."""
    return models.PositiveSmallIntegerField(
        _("暂定期限依据年度"), null=True, blank=True, editable=False,
        help_text=_("期限按尚未公布正式安排的年度暂定计算时，记该年度；正式安排录入后重算"))


def provisional_field_name(field: str) -> str:
    return f"{field}_provisional_year"


def fields(field: str, value: Deadline | None) -> dict[str, Any]:
    """`field` and its companion column for a deadline (or None), as keyword arguments of create()."""
    return {field: value.on if value else None,
            provisional_field_name(field): value.provisional_year if value else None}


def assign(obj: models.Model, field: str, value: Deadline | None) -> None:
    """Store a deadline (or None) in `field` and its companion column of an instance."""
    for name, stored in fields(field, value).items():
        setattr(obj, name, stored)


def provisional_year_of(obj: Any, field: str) -> int | None:
    return getattr(obj, provisional_field_name(field), None)


def export_mark(obj: Any, field: str) -> str:
    """The xlsx cell beside a deadline column: empty, or 暂定 and why."""
    year = provisional_year_of(obj, field)
    return f"{gettext('暂定')}（{provisional_note(year)}）" if year else ""


@dataclass(frozen=True)
class DeadlineField:
    """A model field that stores a deadline, and how to compute it again from the row itself."""

    model: type[models.Model]
    field: str
    compute: Callable[[Any], Deadline | None]
    start: str | None = None  # the date field the period counts from; narrows which rows a year can move
    org_unit: str | None = None  # lookup of the org unit that holds the deadline (who sees that it moved)
    url: Callable[[Any], str] | None = None  # the page where the holder acts on it
    describe: Callable[[Any], str] = str  # the object as the holder knows it, in the list of moved deadlines
    select_related: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.model._meta.label_lower}.{self.field}"

    @property
    def provisional_field(self) -> str:
        return provisional_field_name(self.field)

    @property
    def label(self) -> str:
        return str(self.model._meta.get_field(self.field).verbose_name)

    def rows_touching(self, year: int) -> models.QuerySet:
        """Rows whose counting span (start … deadline) may include days of `year`: the only ones a change of
        that year's schedule can move. Provisional rows of earlier years are included: they are counted
        across `year` as well."""
        first, last = date(year, 1, 1), date(year, 12, 31)
        span = Q(**{f"{self.field}__gte": first})
        if self.start:
            span &= Q(**{f"{self.start}__lte": last})
        provisional = Q(**{f"{self.provisional_field}__lte": year})
        return self.model._default_manager.filter(span | provisional).select_related(*self.select_related)

    def org_unit_of(self, obj: Any):
        value = obj
        for part in (self.org_unit or "").split("__"):
            if not part or value is None:
                return None
            value = getattr(value, part, None)
        return value

    def url_of(self, obj: Any) -> str:
        return self.url(obj) if self.url else ""


_REGISTRY: dict[str, DeadlineField] = {}


def register(model: type[models.Model], field: str, *, compute: Callable[[Any], Deadline | None],
             start: str | None = None, org_unit: str | None = None, url: Callable[[Any], str] | None = None,
             describe: Callable[[Any], str] = str, select_related: tuple[str, ...] = ()) -> None:
    entry = DeadlineField(model, field, compute, start, org_unit, url, describe, select_related)
    model._meta.get_field(entry.provisional_field)  # fails at start-up if the companion column is missing
    existing = _REGISTRY.get(entry.key)
    if existing is not None and existing.compute is not compute:
        raise ValueError(f"deadline field {entry.key!r} is already registered")
    _REGISTRY[entry.key] = entry


def registered() -> dict[str, DeadlineField]:
    return dict(_REGISTRY)
