"""Composite quality index (大质量指数): a total and four sub-indices per org unit and year.

The method (also in the README):

1. Every indicator of the plan(s) covering the year gets its attainment for the unit (how far along
   the way to the year's milestone, 1 = target met; see `status.StatusResult.attainment`), × 100.
   Indicators without an approved value for the unit and year are left out, not counted as 0.
2. A sub-index is the plain mean of those scores over the indicators of its domain: product (产品),
   engineering (工程), service (服务) and environment (环境质量).
3. The total is the weighted mean of the groups in INDEX_WEIGHTS: the four sub-indices plus "other"
   (the indicators of every other domain — brand, infrastructure, talent, economy, government service —
   which count only in the total). A group without data drops out and the weights of the others are
   rescaled; with no data at all the total is None.
4. Values are rounded to two decimals on a 0–100 scale.

The index is computed on read from approved values, so it always agrees with the status board.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from qcity.core.models import OrgUnit

from .choices import IndicatorDomain
from .models import Plan
from .selectors import indicator_list, indicator_statuses

SUB_INDICES = (IndicatorDomain.PRODUCT, IndicatorDomain.ENGINEERING, IndicatorDomain.SERVICE, IndicatorDomain.ENVIRONMENT)
OTHER = "other"
# Equal weights: the plans set no priority among the four qualities; "other" weighs as one of them.
INDEX_WEIGHTS: dict[str, Decimal] = {IndicatorDomain.PRODUCT: Decimal(1), IndicatorDomain.ENGINEERING: Decimal(1),
                                     IndicatorDomain.SERVICE: Decimal(1), IndicatorDomain.ENVIRONMENT: Decimal(1),
                                     OTHER: Decimal(1)}
CENT = Decimal("0.01")


@dataclass(frozen=True)
class QualityIndexRow:
    org_unit: OrgUnit
    year: int
    total: Decimal | None
    product: Decimal | None
    engineering: Decimal | None
    service: Decimal | None
    environment: Decimal | None


def plans_covering(year: int) -> list[Plan]:
    """Plans whose period includes `year` (the default scope of the index and of an assessment)."""
    return list(Plan.objects.filter(period_start__lte=year, period_end__gte=year).defer("text"))


def _mean(values: list[Decimal]) -> Decimal | None:
    return sum(values, Decimal(0)) / len(values) if values else None


def _row(unit: OrgUnit, year: int, scores: dict[str, list[Decimal]]) -> QualityIndexRow:
    groups = {key: _mean(scores.get(key, [])) for key in INDEX_WEIGHTS}
    present = {k: v for k, v in groups.items() if v is not None}
    total = None
    if present:
        weight = sum((INDEX_WEIGHTS[k] for k in present), Decimal(0))
        total = sum((v * INDEX_WEIGHTS[k] for k, v in present.items()), Decimal(0)) / weight

    def rounded(value: Decimal | None) -> Decimal | None:
        return value.quantize(CENT) if value is not None else None

    return QualityIndexRow(unit, year, rounded(total), *(rounded(groups[d]) for d in SUB_INDICES))


def _plans(year: int, plan: Plan | None) -> list[Plan]:
    return [plan] if plan is not None else plans_covering(year)


def _rows(year: int, org_units: list[OrgUnit], indicators: list) -> list[QualityIndexRow]:
    scores: dict[int, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    if indicators and org_units:
        for item in indicator_statuses(indicators=indicators, org_units=org_units, year=year):
            attainment = item.result.attainment
            if attainment is None:
                continue
            group = item.indicator.domain if item.indicator.domain in SUB_INDICES else OTHER
            scores[item.org_unit.pk][group].append(attainment * 100)
    return [_row(unit, year, scores[unit.pk]) for unit in org_units]


def quality_index(*, year: int, org_units: list[OrgUnit], plan: Plan | None = None) -> list[QualityIndexRow]:
    """One row per unit (in the order given) for `year`; a handful of queries whatever the sizes."""
    return _rows(year, org_units, list(indicator_list().filter(plan__in=_plans(year, plan))))


def quality_index_trend(*, years: range, org_unit: OrgUnit, plan: Plan | None = None) -> list[QualityIndexRow]:
    """The unit's index for each year (for the trend chart); each year uses the plans covering it, and
    the indicators of a set of plans are read once, not once per year."""
    catalogue: dict[tuple[int, ...], list] = {}
    out = []
    for year in years:
        key = tuple(sorted(p.pk for p in _plans(year, plan)))
        if key not in catalogue:
            catalogue[key] = list(indicator_list().filter(plan__in=key))
        out.append(_rows(year, [org_unit], catalogue[key])[0])
    return out
