"""Demo indicator values: the values reported on the plans in force, up to the last period ended before
ctx.today.

Each unit has a steady "performance" so rankings are stable and believable; values move along the
trajectory from the baseline to the target with noise, so the status board shows every status.
Rows are bulk-inserted (tens of thousands, written once); the services are for people's edits.

What is reported, for today T:

- annual values for each year of a plan's period that has ended (the built-in 2021–2025 plans through
  2025; the annual work points the workplan demo imports for each later year, through last year);
- quarterly values for each quarter of T's year that has ended, on the plans covering T's year, for the
  level indicators (a cumulative count is reported once a year): the in-year monitoring the status board
  reads when a year has no annual value yet;
- nothing for a period that has not ended; the latest ended period (the last quarter, or last year
  before the first quarter of this one ends) is partly submitted or reviewed, so the approval queue has
  work in it;
- a computed indicator (sampling pass rates) gets values only for the years before the platform went
  live (ctx.platform_years are the sampling demo's, from the operational data);
- a plan that ended more than five years ago (the 2014 plan) is history: its targets are shown, not
  reported on.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from qcity.core.audit import audit_record
from qcity.core.choices import AuditAction
from qcity.core.models import OrgUnit

from .choices import (
    IndicatorAccumulation,
    IndicatorComparator,
    IndicatorSource,
    ReportedValueStatus,
    ReportingPeriodKind,
)
from .models import Indicator, Plan, ReportedValue
from .services import plans_load_builtin

DEMO_NOTE = "演示数据"
AIRPORT_PLAN = "zz-airport-2021"
AIRPORT_ZONE = "郑州航空港经济综合实验区"
HISTORY_YEARS = 5  # a plan that ended longer ago than this is no longer reported on
PENDING_SHARE = 0.15  # of the latest period's values, still in the approval queue


def _goal(indicator: Indicator) -> tuple[float, int] | None:
    targets = list(indicator.targets.all())
    if not targets:
        return None
    last = max(targets, key=lambda t: t.year)
    value = last.value if last.value is not None else (last.low + last.high) / 2
    return float(value), last.year


def _series(rng, indicator: Indicator, years: range, skill: float) -> list[float]:
    """Values for each year: from a start point towards the goal, reached or missed by the unit's skill."""
    goal = _goal(indicator)
    if goal is None:
        return []
    goal_value, goal_year = goal
    lower_is_better = indicator.comparator == IndicatorComparator.AT_MOST
    bounded = indicator.is_bounded_percentage
    if indicator.accumulation == IndicatorAccumulation.CUMULATIVE:
        per_year = goal_value / max(1, goal_year - years.start + 1)
        shares = [max(0.0, per_year * rng.uniform(0.6, 1.3) * skill) for _ in years]
        if not float(goal_value).is_integer():
            return [round(share, 2) for share in shares]
        # counts of things (示范区, 奖项) come in whole numbers: round each year's share at random
        return [float(int(share) + (rng.random() < share - int(share))) for share in shares]
    if indicator.baseline_value is not None:
        start = float(indicator.baseline_value)
    elif bounded and not lower_is_better:
        start = goal_value - rng.uniform(1, 6) if goal_value > 10 else goal_value * 0.8
    else:
        start = goal_value * (1.25 if lower_is_better else 0.75)
    integral = not indicator.is_percentage and float(goal_value).is_integer()
    values = []
    for year in years:
        share = min(1.0, (year - years.start + 1) / max(1, goal_year - years.start + 1))
        value = start + (goal_value - start) * share * skill + rng.gauss(0, abs(goal_value - start) * 0.05 + 0.01)
        values.append(_tidy(value, bounded, integral))
    return values


def _tidy(value: float, bounded: bool, integral: bool) -> float:
    if bounded:
        value = min(100.0, max(0.0, value))
    return round(max(0.0, value), 0 if integral else 2)


def _quarter_end(year: int, quarter: int) -> datetime.date:
    return datetime.date(year + quarter // 4, quarter * 3 % 12 + 1, 1) - datetime.timedelta(days=1)


def ended_quarters(today: datetime.date) -> list[int]:
    """Quarters of today's year that ended before today."""
    return [q for q in (1, 2, 3, 4) if _quarter_end(today.year, q) < today]


def _reported_plans(plans: list[Plan], today: datetime.date) -> list[Plan]:
    return [p for p in plans if today.year - HISTORY_YEARS <= p.period_end and p.period_start <= today.year]


class _Rows:
    """The ReportedValue rows, dated as they would have been: submitted some days after the period ended
    and approved a few days later (on working days), the latest period partly still in the queue."""

    def __init__(self, ctx, rng):
        self.rng, self.last, self.workday = rng, ctx.last_workday, ctx.workday
        self.rows: list[ReportedValue] = []
        self.moments: dict[datetime.date, datetime.datetime] = {}

    def _moment(self, day: datetime.date) -> datetime.datetime:
        day = self.workday(min(day, self.last))
        if day not in self.moments:
            self.moments[day] = timezone.make_aware(datetime.datetime.combine(day, datetime.time(15)))
        return self.moments[day]

    def add(self, indicator, unit, kind: str, year: int, number: int, value: float, ended: datetime.date,
            latest: bool) -> None:
        rng = self.rng
        pending = latest and rng.random() < PENDING_SHARE
        submitted = self.workday(ended, rng.randint(2, 21))  # working days
        status = rng.choice([ReportedValueStatus.SUBMITTED, ReportedValueStatus.REVIEWED]) if pending else ReportedValueStatus.APPROVED
        self.rows.append(ReportedValue(
            indicator=indicator, org_unit=unit, period_kind=kind, year=year, period_number=number,
            value=Decimal(str(value)), note=DEMO_NOTE, status=status, submitted_at=self._moment(submitted),
            approved_at=(self._moment(self.workday(submitted, rng.randint(1, 7)))
                         if status == ReportedValueStatus.APPROVED else None)))


def builtin_plans_ensure() -> None:
    """Load the built-in plans unless they are (refreshing them is `qcity plans load`'s job, and costs the
    demo most of a second each time)."""
    if not Plan.objects.filter(is_builtin=True).exists():
        plans_load_builtin(by=None)


def generate(ctx) -> dict[str, Any]:
    builtin_plans_ensure()
    today = ctx.today
    last_year = today.year - 1
    quarters = ended_quarters(today)
    latest = ("quarter", quarters[-1]) if quarters else ("year", last_year)
    plans = _reported_plans(list(Plan.objects.order_by("period_start", "code")), today)
    rng = ctx.rng("indicators")
    city = OrgUnit.objects.get(parent__isnull=True)
    districts = list(OrgUnit.objects.filter(parent=city).order_by("sort_order", "pk"))
    skills = {unit.pk: rng.uniform(0.75, 1.12) for unit in [city, *districts]}
    rows = _Rows(ctx, rng)
    for plan in plans:
        units = [u for u in districts if u.name == AIRPORT_ZONE] if plan.code == AIRPORT_PLAN else [city, *districts]
        years = range(plan.period_start, min(plan.period_end, today.year) + 1)
        in_year = quarters and plan.period_start <= today.year <= plan.period_end
        for indicator in plan.indicators.prefetch_related("targets").order_by("position", "pk"):
            # A computed indicator (sampling pass rates) takes the platform years from the operational demo
            # data; the years before them stand for figures collected before the platform went live.
            computed = indicator.source == IndicatorSource.COMPUTED
            level = indicator.accumulation != IndicatorAccumulation.CUMULATIVE
            goal = _goal(indicator)
            bounded = indicator.is_bounded_percentage
            integral = goal is not None and not indicator.is_percentage and float(goal[0]).is_integer()
            for unit in units:
                for year, value in zip(years, _series(rng, indicator, years, skills[unit.pk]), strict=False):
                    if computed and year in ctx.platform_years:
                        continue
                    if year <= last_year:
                        rows.add(indicator, unit, ReportingPeriodKind.YEAR, year, 0, value, datetime.date(year, 12, 31),
                                 latest == ("year", year))
                    elif in_year and level and not computed:  # this year's monitoring, quarter by quarter
                        for quarter in quarters:
                            reading = _tidy(value * rng.uniform(0.985, 1.015), bounded, integral)
                            rows.add(indicator, unit, ReportingPeriodKind.QUARTER, year, quarter, reading,
                                     _quarter_end(year, quarter), latest == ("quarter", quarter))
    with transaction.atomic():
        ReportedValue.objects.bulk_create(rows.rows, batch_size=2000)
        audit_record(action=AuditAction.IMPORT, by=None, object_type="indicators.reportedvalue",
                     object_repr="demo indicator values", message=f"demo: {len(rows.rows)} indicator values")
    ctx.progress(f"indicator values: {len(rows.rows):,}")
    return {"plans": len(plans), "indicator_values": len(rows.rows)}


def reset(ctx) -> dict[str, Any]:
    """Delete the demo values; the built-in plans stay (they are reference data)."""
    deleted, _ = ReportedValue.objects.filter(note=DEMO_NOTE).delete()
    return {"indicator_values_deleted": deleted}
