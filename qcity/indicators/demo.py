"""Demo indicator values: the built-in plans, and several years of approved values for every unit.

Each unit has a steady "performance" so rankings are stable and believable; values move along the
trajectory from the baseline to the target with noise, so the status board shows every status. The
latest year is left partly submitted or reviewed, so the approval queue has work in it.
Rows are bulk-inserted (tens of thousands, written once); the services are for people's edits.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from qcity.core.audit import audit_record
from qcity.core.choices import AuditAction
from qcity.core.models import OrgUnit

from .choices import Accumulation, Comparator, IndicatorSource, PeriodKind, ValueStatus
from .models import Indicator, ReportedValue
from .services import plans_load_builtin

DEMO_NOTE = "演示数据"
AIRPORT_PLAN = "zz-airport-2021"
AIRPORT_ZONE = "郑州航空港经济综合实验区"
LAST_YEAR = 2025  # fixed, not today: the data must not depend on the run date


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
    lower_is_better = indicator.comparator == Comparator.AT_MOST
    bounded = indicator.is_bounded_percentage
    if indicator.accumulation == Accumulation.CUMULATIVE:
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
        if bounded:
            value = min(100.0, max(0.0, value))
        values.append(round(max(0.0, value), 0 if integral else 2))
    return values


def generate(ctx) -> dict[str, Any]:
    plans = plans_load_builtin(by=None)
    rng = ctx.rng("indicators")
    city = OrgUnit.objects.get(parent__isnull=True)
    districts = list(OrgUnit.objects.filter(parent=city).order_by("sort_order", "pk"))
    skills = {unit.pk: rng.uniform(0.75, 1.12) for unit in [city, *districts]}
    now = timezone.now()
    rows = []
    for plan in plans:
        if plan.period_end < 2020:
            continue  # the 2014 plan is history: its targets are shown, not reported on
        units = [u for u in districts if u.name == AIRPORT_ZONE] if plan.code == AIRPORT_PLAN else [city, *districts]
        years = range(plan.period_start, LAST_YEAR + 1)
        for indicator in plan.indicators.prefetch_related("targets"):
            # A computed indicator (sampling pass rates) takes LAST_YEAR from the operational demo data;
            # the years before it stand for figures collected before the platform went live.
            computed = indicator.source == IndicatorSource.COMPUTED
            for unit in units:
                for year, value in zip(years, _series(rng, indicator, years, skills[unit.pk]), strict=False):
                    if computed and year == LAST_YEAR:
                        continue
                    pending = year == LAST_YEAR and rng.random() < 0.15
                    status = rng.choice([ValueStatus.SUBMITTED, ValueStatus.REVIEWED]) if pending else ValueStatus.APPROVED
                    rows.append(ReportedValue(
                        indicator=indicator, org_unit=unit, period_kind=PeriodKind.YEAR, year=year, period_number=0,
                        value=Decimal(str(value)), note=DEMO_NOTE, status=status, submitted_at=now,
                        approved_at=now if status == ValueStatus.APPROVED else None,
                    ))
    with transaction.atomic():
        ReportedValue.objects.bulk_create(rows, batch_size=2000)
        audit_record(action=AuditAction.IMPORT, by=None, object_type="indicators.reportedvalue",
                     object_repr="demo indicator values", message=f"demo: {len(rows)} indicator values")
    ctx.progress(f"indicator values: {len(rows):,}")
    return {"plans": len(plans), "indicator_values": len(rows)}


def reset(ctx) -> dict[str, Any]:
    """Delete the demo values; the built-in plans stay (they are reference data)."""
    deleted, _ = ReportedValue.objects.filter(note=DEMO_NOTE).delete()
    return {"indicator_values_deleted": deleted}
