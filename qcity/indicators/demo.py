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

Target decomposition (指标分解), confirmed by the office before the values: each split total is shared
among the districts by a plausible weight (their economic size: enterprises and population), in whole
numbers for counts, so the shares add up to the city target exactly (a district whose share rounds to
zero gets none); two large districts are held to stricter values on a few uniform rates; city titles
(city_only) are reported by the city alone. A total or a city title that a single department answers for
is also assigned to that department whole (the department's column of the decomposition table: what the
assessment holds it to). A district's values move towards its OWN target, and the
city's value of a split total is the sum of the districts'. Counts (件, 个, 家…) are whole numbers.
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
from qcity.core.selectors import org_root_and_children
from qcity.core.units import is_count

from .choices import (
    IndicatorAccumulation,
    IndicatorComparator,
    IndicatorDecomposition,
    IndicatorSource,
    ReportedValueStatus,
    ReportingPeriodKind,
    TargetDecompositionStatus,
)
from .models import Indicator, Plan, ReportedValue, TargetDecomposition, UnitTarget
from .services import plans_load_builtin

DEMO_NOTE = "演示数据"
AIRPORT_PLAN = "zz-airport-2021"
AIRPORT_ZONE = "郑州航空港经济综合实验区"
HISTORY_YEARS = 5  # a plan that ended longer ago than this is no longer reported on
PENDING_SHARE = 0.15  # of the latest period's values, still in the approval queue
# A district's weight in a split total: roughly its share of the city's enterprises and population.
DISTRICT_WEIGHTS = {
    "中原区": 9, "二七区": 8, "管城回族区": 6, "金水区": 14, "上街区": 2, "惠济区": 4, "中牟县": 6, "巩义市": 6,
    "荥阳市": 5, "新密市": 5, "新郑市": 7, "登封市": 4, "郑东新区": 7, "郑州经济技术开发区": 6,
    "郑州高新技术产业开发区": 6, "郑州航空港经济综合实验区": 7,
}
STRICTER_DISTRICTS = ("金水区", "郑东新区")  # held to a stricter value on a few rates
STRICTER_RATES = 3


def _goal(indicator: Indicator) -> tuple[float, int] | None:
    targets = list(indicator.targets.all())
    if not targets:
        return None
    last = max(targets, key=lambda t: t.year)
    value = last.value if last.value is not None else (last.low + last.high) / 2
    return float(value), last.year


def _series(rng, indicator: Indicator, years: range, skill: float, goal: tuple[float, int] | None = None,
            own: bool = False) -> list[float]:
    """Values for each year: from a start point towards the goal (the unit's own target when `own`: the
    plan's baseline is then the city's, not the unit's), reached or missed by the unit's skill."""
    goal = goal or _goal(indicator)
    if goal is None:
        return []
    goal_value, goal_year = goal
    lower_is_better = indicator.comparator == IndicatorComparator.AT_MOST
    bounded = indicator.is_bounded_percentage
    if indicator.accumulation == IndicatorAccumulation.CUMULATIVE:
        per_year = goal_value / max(1, goal_year - years.start + 1)
        shares = [max(0.0, per_year * rng.uniform(0.6, 1.3) * skill) for _ in years]
        if not is_count(name=indicator.name, unit=indicator.unit):
            return [round(share, 2) for share in shares]
        # counts of things (示范区, 奖项) come in whole numbers: round each year's share at random
        return [int(share) + (rng.random() < share - int(share)) for share in shares]
    if indicator.baseline_value is not None and not own:
        start = float(indicator.baseline_value)
    elif bounded and not lower_is_better:
        start = goal_value - rng.uniform(1, 6) if goal_value > 10 else goal_value * 0.8
    else:
        start = goal_value * (1.25 if lower_is_better else 0.75)
    integral = _integral(indicator, goal_value)
    values = []
    for year in years:
        share = min(1.0, (year - years.start + 1) / max(1, goal_year - years.start + 1))
        value = start + (goal_value - start) * share * skill + rng.gauss(0, abs(goal_value - start) * 0.05 + 0.01)
        values.append(_tidy(value, bounded, integral))
    return values


def _integral(indicator: Indicator, goal_value: float) -> bool:
    """Counts are whole numbers; so is a level total whose target is (650 家, 1000 亿元)."""
    return is_count(name=indicator.name, unit=indicator.unit) or (
        not indicator.is_percentage and float(goal_value).is_integer() and float(goal_value) >= 100)


def _tidy(value: float, bounded: bool, integral: bool) -> float | int:
    if bounded:
        value = min(100.0, max(0.0, value))
    return round(max(0.0, value)) if integral else round(max(0.0, value), 2)


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


def _split(total: Decimal, weights: list[int], *, whole: bool) -> list[Decimal]:
    """`total` in proportion to `weights`, rounded (to units for counts, else to 0.01) by the largest
    remainder, so the parts add up to `total` exactly."""
    step = Decimal(1) if whole else Decimal("0.01")
    units = int(total / step)
    exact = [Decimal(units) * w / sum(weights) for w in weights]
    parts = [int(e) for e in exact]
    for index in sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))[:units - sum(parts)]:
        parts[index] += 1
    return [p * step for p in parts]


def _decompose(plans: list[Plan], districts: list[OrgUnit]) -> dict[tuple[int, int], tuple[float, int]]:
    """Confirmed decompositions of the split totals (shares by DISTRICT_WEIGHTS) and of a few uniform rates
    (stricter values for two large districts), and the totals and titles one department answers for assigned
    to it whole; answers each district's own goal per (indicator, unit)."""
    weights = [DISTRICT_WEIGHTS.get(d.name, 5) for d in districts]
    goals: dict[tuple[int, int], tuple[float, int]] = {}
    decompositions, parts = [], []
    stricter = [d for d in districts if d.name in STRICTER_DISTRICTS]
    tightened = 0
    for plan in plans:
        # the office confirms the decomposition once the plan is issued, in its first spring
        when = timezone.make_aware(datetime.datetime(plan.period_start, 3, 31, 10))
        for indicator in plan.indicators.prefetch_related("targets", "departments").order_by("position", "pk"):
            targets = sorted(indicator.targets.all(), key=lambda t: t.year)
            if not targets:
                continue
            # a total or a title that one department answers for is assigned to it whole (its column of the table)
            responsible = list(indicator.departments.all())
            assigned = ({t.year: t.value if t.value is not None else t.low for t in targets}
                        if indicator.decomposition != IndicatorDecomposition.UNIFORM and len(responsible) == 1 else {})
            shares_by_year: dict[int, list[tuple[OrgUnit, Decimal]]] = {}
            if indicator.decomposition == IndicatorDecomposition.SPLIT:
                for target in targets:
                    total = target.value if target.value is not None else target.low
                    shares = _split(total, weights, whole=is_count(name=indicator.name, unit=indicator.unit))
                    shares_by_year[target.year] = [(d, v) for d, v in zip(districts, shares, strict=True) if v > 0]
            elif (indicator.decomposition == IndicatorDecomposition.UNIFORM and tightened < STRICTER_RATES
                  and indicator.is_bounded_percentage and indicator.comparator == IndicatorComparator.AT_LEAST
                  and targets[-1].value is not None and targets[-1].value <= 97):
                tightened += 1
                shares_by_year = {t.year: [(d, t.value + 1) for d in stricter] for t in targets if t.value is not None}
            for year in sorted({*shares_by_year, *assigned}):
                shares = shares_by_year.get(year, [])
                decomposition = TargetDecomposition(indicator=indicator, year=year, note=DEMO_NOTE,
                                                    status=TargetDecompositionStatus.CONFIRMED, confirmed_at=when)
                decompositions.append(decomposition)
                parts.extend(UnitTarget(decomposition=decomposition, org_unit=d, value=v) for d, v in shares)
                if year in assigned:
                    parts.append(UnitTarget(decomposition=decomposition, department=responsible[0], value=assigned[year]))
                if year == targets[-1].year:
                    goals.update({(indicator.pk, d.pk): (float(v), year) for d, v in shares})
    TargetDecomposition.objects.bulk_create(decompositions)
    UnitTarget.objects.bulk_create(parts, batch_size=2000)
    departmental = sum(1 for p in parts if p.department_id)
    audit_record(action=AuditAction.IMPORT, by=None, object_type="indicators.targetdecomposition",
                 object_repr="demo target decompositions",
                 message=f"demo: {len(decompositions)} confirmed decompositions, {len(parts)} unit targets "
                         f"({departmental} of departments)")
    return goals


def generate(ctx) -> dict[str, Any]:
    builtin_plans_ensure()
    today = ctx.today
    last_year = today.year - 1
    quarters = ended_quarters(today)
    latest = ("quarter", quarters[-1]) if quarters else ("year", last_year)
    plans = _reported_plans(list(Plan.objects.order_by("period_start", "code")), today)
    rng = ctx.rng("indicators")
    # The programme's units: the city and its districts, or at the province scale the province and its cities.
    city, districts = org_root_and_children()
    airport_zone = OrgUnit.objects.filter(name=AIRPORT_ZONE).first()
    skills = {unit.pk: rng.uniform(0.75, 1.12) for unit in [city, *districts]}
    if airport_zone is not None and airport_zone.pk not in skills:  # the province scale: a zone of Zhengzhou
        skills[airport_zone.pk] = rng.uniform(0.75, 1.12)
    rows = _Rows(ctx, rng)
    with transaction.atomic():
        own_goals = _decompose([p for p in plans if p.code != AIRPORT_PLAN], districts)
    for plan in plans:
        units = ([airport_zone] if airport_zone else []) if plan.code == AIRPORT_PLAN else [city, *districts]
        years = range(plan.period_start, min(plan.period_end, today.year) + 1)
        in_year = quarters and plan.period_start <= today.year <= plan.period_end
        for indicator in plan.indicators.prefetch_related("targets").order_by("position", "pk"):
            # A computed indicator (sampling pass rates) takes the platform years from the operational demo
            # data; the years before them stand for figures collected before the platform went live.
            computed = indicator.source == IndicatorSource.COMPUTED
            level = indicator.accumulation != IndicatorAccumulation.CUMULATIVE
            goal = _goal(indicator)
            bounded = indicator.is_bounded_percentage
            integral = goal is not None and _integral(indicator, goal[0])
            split = indicator.decomposition == IndicatorDecomposition.SPLIT and plan.code != AIRPORT_PLAN
            series = {}
            for unit in units:
                if unit.parent_id is None and split:
                    continue  # the city's total is the districts' sum, below
                if unit.parent_id is not None and plan.code != AIRPORT_PLAN:
                    if indicator.decomposition == IndicatorDecomposition.CITY_ONLY:
                        continue  # a city title: the districts do not report it
                    if split and (indicator.pk, unit.pk) not in own_goals:
                        continue  # no share of this total for the district
                own = own_goals.get((indicator.pk, unit.pk))
                series[unit] = _series(rng, indicator, years, skills[unit.pk], goal=own, own=split and own is not None)
            if split:
                district_series = [values for values in series.values() if values]
                series = {city: [sum(values) for values in zip(*district_series, strict=True)]
                          if district_series else [], **series}
                whole = is_count(name=indicator.name, unit=indicator.unit)
                series[city] = [round(v) if whole else round(v, 2) for v in series[city]]
            for unit, values in series.items():
                for year, value in zip(years, values, strict=False):
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
    ctx.progress(f"indicator values: {len(rows.rows):,}, target decompositions for {len(own_goals):,} district targets")
    return {"plans": len(plans), "indicator_values": len(rows.rows), "district_targets": len(own_goals)}


def reset(ctx) -> dict[str, Any]:
    """Delete the demo values; the built-in plans stay (they are reference data)."""
    deleted, _ = ReportedValue.objects.filter(note=DEMO_NOTE).delete()
    decompositions, _ = TargetDecomposition.objects.filter(note=DEMO_NOTE).delete()
    return {"indicator_values_deleted": deleted, "target_decompositions_deleted": decompositions}
