"""Reads for the core module."""

from __future__ import annotations

import time
from datetime import date

from axes.helpers import get_cool_off
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from . import access, holiday_law, workdays
from .login_lockout import recent_attempts, username_ceiling
from .models import (
    AuditEvent,
    DeadlineChange,
    DeadlineRecomputation,
    Department,
    HolidayCalendarDay,
    HolidayCalendarYear,
    LegalDuration,
    OrgUnit,
    User,
)
from .roles import STAFF_AND_SYSTEM_ADMIN


def org_root() -> OrgUnit:
    """The unit the programme is run at: the city (over its districts, counties and zones), or the province
    over its cities. The one unit without a parent."""
    return OrgUnit.objects.get(parent__isnull=True)


def org_root_and_children() -> tuple[OrgUnit, list[OrgUnit]]:
    """The root and the units directly under it, in their display order: a city's districts, counties and
    zones, or a province's cities. They are the units the programme assigns targets to and assesses."""
    root = org_root()
    return root, list(OrgUnit.objects.filter(parent=root).order_by("sort_order", "pk"))


def org_leaves() -> list[OrgUnit]:
    """The units with no unit under them, where enterprises register and officers work: a city's districts,
    counties and zones; in a province, those of every city (and a city without districts, such as Jiyuan)."""
    return list(OrgUnit.objects.filter(children__isnull=True)
                .order_by("parent__sort_order", "parent_id", "sort_order", "pk"))


def unit_label(short_name: str, name: str) -> str:
    """A unit as lists and their filters name it: 金水区, 郑州 (the short name, else the name)."""
    return short_name or name


UNIT_OPTIONS_SECONDS = 60  # how long another server process may still show the units as they were


class _UnitOptions:
    """Every org unit's (id, label) in tree order, read once a minute per process rather than on every list
    page (a query and about half a millisecond each, for a filter's options or a table's unit column). Org
    units change a few times a year, by the system administrator: a change saved in this process clears the
    list at once (`org_unit_options_clear`, from the model's signals and the services that write units in
    bulk); another server process shows it within a minute, and a choice of a unit that no longer exists is
    refused by the filter's field as before."""

    def __init__(self):
        self.read_at: float | None = None
        self.generation = 0  # one more at every clear: a read that a clear overtook is not kept
        self.units: tuple[list[tuple[int, str]], dict[int, str]] = ([], {})

    def read(self) -> tuple[list[tuple[int, str]], dict[int, str]]:
        """(options in tree order, labels by id)."""
        now, generation = time.monotonic(), self.generation
        if self.read_at is None or now - self.read_at >= UNIT_OPTIONS_SECONDS:
            options = [(pk, unit_label(short_name, name)) for pk, short_name, name in
                       OrgUnit.objects.order_by("path", "sort_order").values_list("pk", "short_name", "name")]
            units = (options, dict(options))
            if generation != self.generation:  # cleared while reading (another thread wrote units): not kept
                return units
            self.units, self.read_at = units, now
        return self.units

    def clear(self) -> None:
        self.generation += 1
        self.read_at = None


_unit_options = _UnitOptions()


def org_unit_options() -> list[tuple[int, str]]:
    """(id, label) of every org unit, in tree order (`_UnitOptions`)."""
    return _unit_options.read()[0]


def org_unit_label(pk: int | None) -> str:
    """The label of the unit `pk` (`unit_label`); "" for none. A unit made by another process since the list
    was read is read at once."""
    if pk is None:
        return ""
    label = _unit_options.read()[1].get(pk)
    if label is None:
        _unit_options.clear()
        label = _unit_options.read()[1].get(pk, "")
    return label


def org_unit_options_clear() -> None:
    """Forget the units this process keeps (`_UnitOptions`), the org units having been written: now, and once
    the write commits (a read in between would keep what a rollback undoes)."""
    _unit_options.clear()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_unit_options.clear)


def org_unit_list() -> QuerySet[OrgUnit]:
    return OrgUnit.objects.select_related("parent").order_by("path")


def department_list() -> QuerySet[Department]:
    return Department.objects.select_related("org_unit")


def legal_duration_list() -> QuerySet[LegalDuration]:
    return LegalDuration.objects.all()


def holiday_calendar_years(today: date) -> list[dict]:
    """Years with an official schedule, newest first, and the current and next year when they have none
    (shown with their provisional calendar)."""
    official = {y.year: y for y in HolidayCalendarYear.objects.all()}
    years = sorted(set(official) | {today.year, today.year + 1}, reverse=True)
    return [{"year": year, "official": official.get(year)} for year in years]


def holiday_calendar_days(year: int) -> list[dict]:
    """The days off and adjusted workdays of `year`: the official rows, else the provisional calendar."""
    if workdays.is_official(year):
        return [{"date": d.date, "is_workday": d.is_workday, "name": d.name, "source": d.source}
                for d in HolidayCalendarDay.objects.filter(date__year=year).order_by("date")]
    source = _("暂定：按《全国年节及纪念日放假办法》推算")
    return [{"date": day, "is_workday": False, "name": name, "source": source}
            for day, name in holiday_law.provisional_schedule(year).items()]


def deadline_recomputations() -> QuerySet[DeadlineRecomputation]:
    return DeadlineRecomputation.objects.select_related("requested_by")


def deadline_change_list(*, user: User) -> QuerySet[DeadlineChange]:
    """Deadlines moved by a recomputation, for the holders: officers see their org units' subtree, the
    office and the system administrator (who entered the schedule) the whole city."""
    changes = DeadlineChange.objects.select_related("recomputation", "org_unit").order_by(
        "-recomputation__started_at", "new_on", "id")
    prefixes = access.org_unit_scope(user, STAFF_AND_SYSTEM_ADMIN)
    if prefixes is None:
        return changes if access.has_role(user, *STAFF_AND_SYSTEM_ADMIN) else changes.none()
    covered = Q(pk__in=[])
    for prefix in prefixes:
        covered |= Q(org_unit__path__startswith=prefix)
    return changes.filter(covered)


def user_list() -> QuerySet[User]:
    return User.objects.select_related("org_unit", "department").prefetch_related(
        "role_assignments__org_unit").order_by("username")


def audit_event_list() -> QuerySet[AuditEvent]:
    """Only the audit administrator reaches this (views and API check the role)."""
    return AuditEvent.objects.select_related("org_unit")


def login_lockout_list() -> list[dict]:
    """Logins locked now: a user name at one address (axes' failure limit), and user names over the
    per-username ceiling from any addresses (qcity/core/login_lockout.py), newest first."""
    limit = settings.AXES_FAILURE_LIMIT if isinstance(settings.AXES_FAILURE_LIMIT, int) else 5
    cool_off = get_cool_off()
    attempts = recent_attempts()
    rows = []
    for row in (attempts.values("username", "ip_address")
                .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
                .filter(failures__gte=limit)):
        rows.append({"kind": "address", "username": row["username"], "ip_address": row["ip_address"],
                     "failures": row["failures"], "addresses": 1, "last": row["last"],
                     "until": row["last"] + cool_off if cool_off else None})
    for row in (attempts.values("username")
                .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"),
                          addresses=Count("ip_address", distinct=True))
                .filter(failures__gte=username_ceiling())):
        rows.append({"kind": "username", "username": row["username"], "ip_address": "",
                     "failures": row["failures"], "addresses": row["addresses"], "last": row["last"],
                     "until": row["last"] + cool_off if cool_off else None})
    return sorted(rows, key=lambda r: r["last"], reverse=True)
