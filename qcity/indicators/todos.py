"""To-do items of the indicators module (`core.todos`): values to report, values to resubmit, values to review.

Who reports what. A value is due from its unit's reporter of record: a district officer for the units of
their district-officer role assignments other than the city, a department reporter for the units of their
role assignments, on the indicators their department is responsible for (the city-level figures of the
member departments). The office reviews and approves.

Which periods are due. An indicator has no reporting calendar of its own, so the rule is the one the
programme follows (and the demo reproduces): a value for every year of a plan's period on every reported
indicator, and a value for each of the first three quarters of a year on the level indicators (the fourth
is the annual value). Only the latest ended year and the latest ended quarter of this year are to-do items:
an older gap is history, filled through the value list. A plan one unit alone reports on (the airport
zone's plan) is due from the units that reported on it before; a plan no one reported on yet, from every
unit. A city title (仅考核全市) is due from the city only.

The reporting deadline. No law or legal-duration row sets one, so it is a platform rule:
`QCITY_VALUE_REPORTING_WORKING_DAYS` working days after the period ends (default 15, start day not
counted, `core.workdays`: the provincial statistics practice of the middle of the next month, and the
demo's submissions all fall within it). A deadline counted across a year whose holiday schedule is not
published is provisional (暂定).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qcity.core import access, todos, workdays
from qcity.core.choices import Role
from qcity.core.models import OrgUnit, RoleAssignment, User
from qcity.core.roles import OFFICE, PROGRAMME

from .choices import (
    IndicatorAccumulation,
    IndicatorDecomposition,
    IndicatorSource,
    ReportedValueStatus,
    ReportingPeriodKind,
)
from .models import Indicator, Plan, ReportedValue

DEFAULT_REPORTING_WORKING_DAYS = 15
TO_RESUBMIT = (ReportedValueStatus.RETURNED, ReportedValueStatus.REOPENED)
TO_REVIEW = (ReportedValueStatus.SUBMITTED, ReportedValueStatus.REVIEWED)


# --- reporting periods and their deadlines ------------------------------------------------------------


@dataclass(frozen=True)
class ReportingPeriod:
    kind: str
    year: int
    number: int
    ends_on: datetime.date
    due_on: datetime.date
    provisional: bool

    @property
    def label(self) -> str:
        if self.kind == ReportingPeriodKind.QUARTER:
            return _("%(year)s年第%(number)s季度") % {"year": self.year, "number": self.number}
        return _("%(year)s年度") % {"year": self.year}

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.kind, self.year, self.number)


def reporting_working_days() -> int:
    return int(getattr(settings, "QCITY_VALUE_REPORTING_WORKING_DAYS", DEFAULT_REPORTING_WORKING_DAYS))


def reporting_period(kind: str, year: int, number: int = 0) -> ReportingPeriod:
    """A period with its reporting deadline (see the module docstring)."""
    if kind == ReportingPeriodKind.QUARTER:
        ends_on = datetime.date(year + number // 4, number * 3 % 12 + 1, 1) - datetime.timedelta(days=1)
    else:
        ends_on = datetime.date(year, 12, 31)
    due_on = workdays.add_working_days(ends_on, reporting_working_days())
    return ReportingPeriod(kind, year, number, ends_on, due_on,
                           workdays.provisional_year(ends_on, due_on) is not None)


def reporting_periods(today: datetime.date) -> list[ReportingPeriod]:
    """The periods whose values are to-do items on `today`: the latest ended year and the latest ended
    quarter (1–3) of this year."""
    periods = [reporting_period(ReportingPeriodKind.YEAR, today.year - 1)]
    quarters = [q for q in (1, 2, 3) if reporting_period(ReportingPeriodKind.QUARTER, today.year, q).ends_on < today]
    if quarters:
        periods.append(reporting_period(ReportingPeriodKind.QUARTER, today.year, quarters[-1]))
    return periods


# --- who reports: (user, unit, department) entries ------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    """A reporter of record: `user_id` reports for `unit_id` (the city when `is_city`), on the indicators
    of `department_id` when it is set (a department reporter), else on every indicator (a district)."""

    user_id: int
    unit_id: int
    is_city: bool
    department_id: int | None


def _entry(user_id: int, role: str, unit_id: int, parent_id: int | None, department_id: int | None) -> _Entry | None:
    if role == Role.DISTRICT_OFFICER:
        return None if parent_id is None else _Entry(user_id, unit_id, False, None)
    if role == Role.DEPARTMENT_REPORTER and department_id:
        return _Entry(user_id, unit_id, parent_id is None, department_id)
    return None


def _user_entries(user: User) -> list[_Entry]:
    found = (_entry(user.pk, a.role, a.org_unit_id, a.org_unit.parent_id, user.department_id)
             for a in access.assignments(user))
    return sorted({e for e in found if e is not None}, key=lambda e: (e.unit_id, e.department_id or 0))


def _all_entries() -> list[_Entry]:
    """Every active reporter of record, in one query (the daily reminder job)."""
    rows = (RoleAssignment.objects.filter(role__in=PROGRAMME - OFFICE, user__is_active=True)
            .values_list("user_id", "role", "org_unit_id", "org_unit__parent_id", "user__department_id"))
    return [e for e in (_entry(*row) for row in rows) if e is not None]


def _entry_condition(entries: Iterable[_Entry]) -> Q:
    """The values whose unit (and, for a department reporter, indicator) an entry reports."""
    condition = Q(pk__in=[])
    for entry in entries:
        if entry.department_id is None:
            condition |= Q(org_unit_id=entry.unit_id)
        else:
            condition |= Q(org_unit_id=entry.unit_id, indicator__departments=entry.department_id)
    return condition


# --- values to report -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Missing:
    entry: _Entry
    indicator_id: int
    indicator_name: str
    period: ReportingPeriod


def _missing(entries: list[_Entry], periods: list[ReportingPeriod]) -> list[_Missing]:
    """The (entry, indicator, period) whose value is not in, in four queries however many entries: the
    indicators due, the plans reported on, the plans each unit reported on, the values already in."""
    if not entries or not periods:
        return []
    years = sorted({p.year for p in periods})
    indicator_rows = list(
        Indicator.objects.filter(source=IndicatorSource.REPORTED, plan__period_start__lte=max(years),
                                 plan__period_end__gte=min(years))
        .order_by("plan__period_end", "position", "pk")
        .values_list("pk", "name", "plan_id", "plan__period_start", "plan__period_end", "accumulation",
                     "decomposition"))
    if not indicator_rows:
        return []
    indicator_ids = [row[0] for row in indicator_rows]
    plan_ids = sorted({row[2] for row in indicator_rows})
    departments: dict[int, set[int]] = defaultdict(set)
    if any(e.department_id for e in entries):
        through = Indicator.departments.through.objects.filter(indicator_id__in=indicator_ids)
        for indicator_id, department_id in through.values_list("indicator_id", "department_id"):
            departments[indicator_id].add(department_id)
    unit_ids = sorted({e.unit_id for e in entries})
    reported_plans = set(Plan.objects.filter(pk__in=plan_ids).filter(
        Exists(ReportedValue.objects.filter(indicator__plan=OuterRef("pk")))).values_list("pk", flat=True))
    unit_plans = set(ReportedValue.objects.filter(org_unit_id__in=unit_ids, indicator__plan_id__in=reported_plans)
                     .order_by().values_list("org_unit_id", "indicator__plan_id").distinct())
    period_q = Q(pk__in=[])
    for p in periods:
        period_q |= Q(period_kind=p.kind, year=p.year, period_number=p.number)
    present = set(ReportedValue.objects.filter(period_q, org_unit_id__in=unit_ids, indicator_id__in=indicator_ids)
                  .order_by().values_list("indicator_id", "org_unit_id", "period_kind", "year", "period_number"))
    missing = []
    for period in periods:
        for pk, name, plan_id, start, end, accumulation, decomposition in indicator_rows:
            if not start <= period.year <= end:
                continue
            if period.kind == ReportingPeriodKind.QUARTER and accumulation != IndicatorAccumulation.LEVEL:
                continue
            for entry in entries:
                if decomposition == IndicatorDecomposition.CITY_ONLY and not entry.is_city:
                    continue
                if entry.department_id is not None and entry.department_id not in departments[pk]:
                    continue
                if plan_id in reported_plans and (entry.unit_id, plan_id) not in unit_plans:
                    continue
                if (pk, entry.unit_id, *period.key) in present:
                    continue
                missing.append(_Missing(entry, pk, name, period))
    return missing


def _unit_names(unit_ids: Iterable[int]) -> dict[int, str]:
    return {pk: short or name for pk, short, name in
            OrgUnit.objects.filter(pk__in=set(unit_ids)).values_list("pk", "short_name", "name")}


def _report_item(missing: _Missing, units: dict[int, str]) -> todos.TodoItem:
    return todos.TodoItem(
        title=f"{missing.indicator_name} · {units.get(missing.entry.unit_id, '')} · {missing.period.label}",
        url=f"{reverse('indicators:value-create')}?indicator={missing.indicator_id}",
        due_on=missing.period.due_on, provisional=missing.period.provisional)


def _user_missing(user: User, today: datetime.date) -> list[_Missing]:
    """One item per (indicator, unit, period): a user who is the reporter of a unit twice counts it once.
    Computed once per pass of the registry: the count and the items read the same list."""

    def compute() -> list[_Missing]:
        found: dict[tuple, _Missing] = {}
        for m in _missing(_user_entries(user), reporting_periods(today)):
            found.setdefault((m.indicator_id, m.entry.unit_id, m.period.key), m)
        return sorted(found.values(), key=lambda m: (m.period.due_on, m.entry.unit_id, m.indicator_id))

    return todos.shared(user, f"indicators.missing:{today.isoformat()}", compute)


def values_to_report(user: User, today: datetime.date, limit: int) -> list[todos.TodoItem]:
    missing = _user_missing(user, today)[:limit]
    units = _unit_names(m.entry.unit_id for m in missing)
    return [_report_item(m, units) for m in missing]


def values_to_report_count(user: User, today: datetime.date) -> int:
    return len(_user_missing(user, today))


def values_to_report_reminders(today: datetime.date) -> Iterator[todos.Reminder]:
    """The reporters of every missing value whose period's deadline is 3 working days ahead or just passed."""
    periods = [p for p in reporting_periods(today) if todos.reminder_kind(p.due_on, today)]
    if not periods:
        return
    missing = _missing(_all_entries(), periods)
    units = _unit_names(m.entry.unit_id for m in missing)
    for m in missing:
        kind = todos.reminder_kind(m.period.due_on, today)
        yield todos.Reminder(
            m.entry.user_id, _report_item(m, units),
            f"indicator-value:{m.indicator_id}:{m.entry.unit_id}:{m.period.kind}-{m.period.year}-{m.period.number}"
            f":due:{m.period.due_on.isoformat()}:{kind}")


# --- values to resubmit -----------------------------------------------------------------------------------


def _resubmit_queryset(user: User):
    entries = _user_entries(user)
    if not entries:
        return ReportedValue.objects.none()
    return (ReportedValue.objects.filter(_entry_condition(entries), status__in=TO_RESUBMIT,
                                         source=IndicatorSource.REPORTED).distinct())


def values_to_resubmit(user: User, today: datetime.date, limit: int) -> list[todos.TodoItem]:
    """Returned (and reopened) values, the oldest period first, with the reason as the detail; the deadline
    is the period's reporting deadline (a value sent back after it is overdue until resubmitted)."""
    rows = list(_resubmit_queryset(user).select_related("indicator", "org_unit")
                .order_by("year", "period_kind", "period_number", "pk")[:limit])
    items = []
    for value in rows:
        period = reporting_period(value.period_kind, value.year, value.period_number)
        items.append(todos.TodoItem(
            title=f"{value.indicator.name} · {value.org_unit.short_name or value.org_unit.name} · {period.label}",
            url=reverse("indicators:value-resubmit", args=[value.pk]), due_on=period.due_on,
            detail=value.status_note, provisional=period.provisional))
    return sorted(items, key=lambda i: i.due_on)


def values_to_resubmit_count(user: User, today: datetime.date) -> int:
    return _resubmit_queryset(user).count()


# --- values to review -------------------------------------------------------------------------------------


def _review_queryset(user: User):
    return access.scope_filter(ReportedValue.objects.filter(status__in=TO_REVIEW), user=user, roles=OFFICE)


def values_to_review(user: User, today: datetime.date, limit: int) -> list[todos.TodoItem]:
    """Submitted values (to review) and reviewed ones (to approve), the oldest period first: the queue of
    the office has no deadline of its own, so the items are dated by their period's reporting deadline."""
    rows = list(_review_queryset(user).select_related("indicator", "org_unit")
                .order_by("year", "period_kind", "period_number", "submitted_at", "pk")[:limit])
    items = []
    for value in rows:
        period = reporting_period(value.period_kind, value.year, value.period_number)
        step = _("待审定") if value.status == ReportedValueStatus.REVIEWED else _("待审核")
        items.append(todos.TodoItem(
            title=f"{value.indicator.name} · {value.org_unit.short_name or value.org_unit.name} · {period.label}",
            url=(f"{reverse('indicators:value-list')}?status={value.status}&indicator={value.indicator_id}"
                 f"&org_unit={value.org_unit_id}&year={value.year}"),
            due_on=period.due_on, detail=step, provisional=period.provisional))
    return sorted(items, key=lambda i: i.due_on)


def values_to_review_count(user: User, today: datetime.date) -> int:
    return _review_queryset(user).count()


def register() -> None:
    todos.register(todos.TodoSource(
        key="indicators.values-to-report", label=gettext_lazy("待填报的指标值"), roles=PROGRAMME - OFFICE,
        items=values_to_report, count=values_to_report_count, menu="indicators:value-list",
        list_url="indicators:value-create", reminders=values_to_report_reminders, order=10))
    todos.register(todos.TodoSource(
        key="indicators.values-to-resubmit", label=gettext_lazy("被退回待重新填报的指标值"), roles=PROGRAMME - OFFICE,
        items=values_to_resubmit, count=values_to_resubmit_count, menu="indicators:value-list",
        list_url="indicators:value-list", order=11))
    todos.register(todos.TodoSource(
        key="indicators.values-to-review", label=gettext_lazy("待审核、审定的指标值"), roles=OFFICE,
        items=values_to_review, count=values_to_review_count, menu="indicators:value-list",
        list_url="indicators:value-list", order=12))


# --- who is told ------------------------------------------------------------------------------------------


def reported_value_reporters(*, value: ReportedValue) -> list[User]:
    """The reporters of record of a value (its unit's district officers; for the city, or a department's
    unit, the reporters of the indicator's responsible departments) and whoever submitted it: those a
    returned value goes back to. One query."""
    reporters = Q(pk=value.submitted_by_id) if value.submitted_by_id else Q(pk__in=[])
    if value.org_unit.parent_id is not None:
        reporters |= Q(role_assignments__role=Role.DISTRICT_OFFICER, role_assignments__org_unit=value.org_unit_id)
    reporters |= Q(role_assignments__role=Role.DEPARTMENT_REPORTER, role_assignments__org_unit=value.org_unit_id,
                   department__in=value.indicator.departments.values("pk"))
    return list(User.objects.filter(reporters, is_active=True).distinct().order_by("pk"))
