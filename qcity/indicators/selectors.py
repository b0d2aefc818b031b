"""Reads of the indicators module: plans, indicators, values in the user's scope, and target status."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet, Sum

from qcity.core import access
from qcity.core.models import OrgUnit, User
from qcity.core.roles import PROGRAMME

from .choices import IndicatorAccumulation, ReportedValueStatus, ReportingPeriodKind, TargetStatus
from .models import Indicator, Plan, ReportedValue, Target
from .status import Milestone, StatusResult, target_status


def plan_list() -> QuerySet[Plan]:
    # an aggregate drops Meta.ordering, so the order is given again (the API paginates this)
    return Plan.objects.annotate(indicator_count=Count("indicators")).defer("text").order_by("-period_end", "code")


def indicator_list(*, plan: Plan | None = None) -> QuerySet[Indicator]:
    qs = (Indicator.objects.select_related("plan")
          .prefetch_related("departments", Prefetch("targets", queryset=Target.objects.order_by("year"))))
    return qs.filter(plan=plan) if plan is not None else qs


def reported_value_list(*, user: User) -> QuerySet[ReportedValue]:
    """Values in the user's org-unit scope (the whole city for the office and city-level reporters)."""
    qs = ReportedValue.objects.select_related("indicator__plan", "org_unit", "submitted_by")
    if access.org_unit_scope(user, PROGRAMME) is None:
        return qs
    return qs.filter(org_unit__in=access.covered_org_units(user, PROGRAMME))


def annual_values(*, indicators: Iterable[Indicator], org_units: Iterable[OrgUnit], year: int
                  ) -> dict[tuple[int, int], Decimal]:
    """Approved value per (indicator id, org unit id) for `year`.

    A level indicator takes the annual value, or else the latest month or quarter of the year; a
    cumulative count adds up every year from the plan's start to `year`, each year being its annual
    value or else the sum of its months (or quarters). The two kinds are read apart, and the database
    sums the cumulative ones, so ten years of monthly values read one row per year, not twelve.
    """
    indicators = list(indicators)
    unit_ids = [u.pk for u in org_units]
    levels = [i.pk for i in indicators if i.accumulation != IndicatorAccumulation.CUMULATIVE]
    counts = {i.pk: i for i in indicators if i.accumulation == IndicatorAccumulation.CUMULATIVE}
    approved = ReportedValue.objects.filter(org_unit_id__in=unit_ids, status=ReportedValueStatus.APPROVED).order_by()
    grouped: dict[tuple[int, int], dict[str, dict[int, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    if levels:
        rows = (approved.filter(indicator_id__in=levels, year=year)
                .values_list("indicator_id", "org_unit_id", "period_kind", "period_number", "value"))
        for indicator_id, unit_id, kind, number, value in rows.iterator(chunk_size=5000):
            grouped[(indicator_id, unit_id)][kind][number] = value
    result = {key: _year_level(kinds) for key, kinds in grouped.items()}
    if counts:
        earliest = min(i.plan.period_start for i in counts.values())
        rows = (approved.filter(indicator_id__in=list(counts), year__gte=earliest, year__lte=year)
                .values_list("indicator_id", "org_unit_id", "year", "period_kind").annotate(total=Sum("value")))
        per_year: dict[tuple[int, int, int], dict[str, Decimal]] = defaultdict(dict)
        for indicator_id, unit_id, value_year, kind, total in rows:
            if value_year >= counts[indicator_id].plan.period_start:
                per_year[(indicator_id, unit_id, value_year)][kind] = total
        for (indicator_id, unit_id, _), kinds in per_year.items():
            kind = next(k for k in (ReportingPeriodKind.YEAR, ReportingPeriodKind.MONTH, ReportingPeriodKind.QUARTER) if k in kinds)
            result[(indicator_id, unit_id)] = result.get((indicator_id, unit_id), Decimal(0)) + kinds[kind]
    return result


def _year_level(kinds: dict[str, dict[int, Decimal]]) -> Decimal:
    for kind in (ReportingPeriodKind.YEAR, ReportingPeriodKind.MONTH, ReportingPeriodKind.QUARTER):
        if kinds.get(kind):
            return kinds[kind][max(kinds[kind])]
    raise AssertionError("a grouped year has at least one value")


@dataclass(frozen=True)
class IndicatorStatus:
    indicator: Indicator
    org_unit: OrgUnit
    year: int
    result: StatusResult

    @property
    def status(self) -> str:
        return self.result.status

    @property
    def status_label(self) -> str:
        return TargetStatus(self.result.status).label


def _milestones(indicator: Indicator) -> list[Milestone]:
    return [Milestone(t.year, t.value, t.low, t.high) for t in indicator.targets.all()]


def indicator_statuses(*, indicators: Iterable[Indicator], org_units: Iterable[OrgUnit], year: int
                       ) -> list[IndicatorStatus]:
    """Status of every indicator for every unit in `year`, in three queries."""
    indicators = list(indicators)
    org_units = list(org_units)
    current = annual_values(indicators=indicators, org_units=org_units, year=year)
    starts = _first_values(indicators, org_units, year)
    out = []
    for indicator in indicators:
        milestones = _milestones(indicator)
        for unit in org_units:
            if indicator.baseline_year is not None and indicator.baseline_value is not None:
                start = (indicator.baseline_year, indicator.baseline_value)
            else:
                start = starts.get((indicator.pk, unit.pk))
            result = target_status(comparator=indicator.comparator, accumulation=indicator.accumulation,
                                   milestones=milestones, year=year, actual=current.get((indicator.pk, unit.pk)),
                                   start=start, plan_start=indicator.plan.period_start)
            out.append(IndicatorStatus(indicator, unit, year, result))
    return out


def _first_values(indicators: list[Indicator], org_units: list[OrgUnit], year: int
                  ) -> dict[tuple[int, int], tuple[int, Decimal]]:
    """The first approved annual-level value in the plan period, the start point where no baseline exists."""
    wanted = [i.pk for i in indicators if i.baseline_value is None and i.accumulation == IndicatorAccumulation.LEVEL]
    if not wanted:
        return {}
    rows = (ReportedValue.objects.filter(indicator_id__in=wanted, org_unit__in=org_units, year__lt=year,
                                         status=ReportedValueStatus.APPROVED, period_kind=ReportingPeriodKind.YEAR)
            .order_by("indicator_id", "org_unit_id", "year").values_list("indicator_id", "org_unit_id", "year", "value"))
    first: dict[tuple[int, int], tuple[int, Decimal]] = {}
    for indicator_id, unit_id, value_year, value in rows:
        first.setdefault((indicator_id, unit_id), (value_year, value))
    return first


def status_counts(statuses: Iterable[IndicatorStatus]) -> dict[str, int]:
    counts = {s: 0 for s in TargetStatus.values}
    for item in statuses:
        counts[item.status] += 1
    return counts


@dataclass(frozen=True)
class UnitStanding:
    org_unit: OrgUnit
    attainment: Decimal | None  # mean attainment over indicators with data
    counts: dict[str, int]
    rank: int = 0


def unit_ranking(statuses: Iterable[IndicatorStatus]) -> list[UnitStanding]:
    """Units ranked by mean attainment (indicators without data do not count); ties share a rank."""
    per_unit: dict[int, list[IndicatorStatus]] = defaultdict(list)
    units = {}
    for item in statuses:
        per_unit[item.org_unit.pk].append(item)
        units[item.org_unit.pk] = item.org_unit
    standings = []
    for unit_id, items in per_unit.items():
        scores = [i.result.attainment for i in items if i.result.attainment is not None]
        mean = (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.0001")) if scores else None
        standings.append(UnitStanding(units[unit_id], mean, status_counts(items)))
    standings.sort(key=lambda s: (s.attainment is None, -(s.attainment or 0), s.org_unit.path))
    ranked, previous, rank = [], None, 0
    for position, standing in enumerate(standings, start=1):
        if standing.attainment != previous:
            rank, previous = position, standing.attainment
        ranked.append(UnitStanding(standing.org_unit, standing.attainment, standing.counts,
                                   rank if standing.attainment is not None else 0))
    return ranked
