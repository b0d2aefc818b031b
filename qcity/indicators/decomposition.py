"""Target decomposition (指标分解): how a city target becomes each district's own target.

The rule (also in docs/glossary.md):

1. Every indicator has a kind:
   uniform   — a rate, ratio, per-capita or satisfaction figure: each district's target is the city's
               value; the office may hold a district to a STRICTER value (higher for ≥, lower for ≤),
               never a looser one. An equality or range target cannot be tightened per district.
   split     — a total or a count: the city target is divided among the districts (and/or assigned to
               departments); the district shares must add up to the city target (for a range target:
               lie inside the range), and so must the department shares.
   city_only — a title or award only the city can win (示范城市, 中国质量奖): not assessed per district.
2. A decomposition that does not add up is kept as a draft with the remainder shown; it can be confirmed
   only when it adds up (the office cannot confirm a split that loses or invents part of the target).
3. The default kind when a plan is loaded reads the indicator's name, unit and accumulation
   (`default_kind`); the office can change it.

This module is pure (no database), so the data migration and the plan loader share it.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from qcity.core.units import RATIO_WORDS

UNIFORM, SPLIT, CITY_ONLY = "uniform", "split", "city_only"

CITY_ONLY_WORDS = ("示范城市", "质量奖", "称号", "专利金奖", "标准创新奖")  # i18n-ignore: words of plan names


def default_kind(*, name: str, unit: str, accumulation: str) -> str:
    """The kind a newly loaded indicator gets: titles → city_only, percentages and ratios → uniform,
    counts and totals → split."""
    if any(word in name for word in CITY_ONLY_WORDS):
        return CITY_ONLY
    if unit == "%" or any(word in name for word in RATIO_WORDS):
        return UNIFORM
    if accumulation == "cumulative" or unit:
        return SPLIT
    return UNIFORM if not name.endswith("数") else SPLIT  # i18n-ignore: "…数" is a count


def split_remainder(*, target: Decimal | None, low: Decimal | None, high: Decimal | None,
                    shares: list[Decimal]) -> Decimal:
    """What is left to split (negative: over-split). A range target is met by any total inside it."""
    total = sum(shares, Decimal(0))
    if target is not None:
        return target - total
    if total < low:
        return low - total
    if total > high:
        return high - total
    return Decimal(0)


def is_looser(*, comparator: str, city: Decimal, unit: Decimal) -> bool:
    """A district's own value for a uniform indicator may only be stricter than (or equal to) the city's."""
    if comparator == ">=":
        return unit < city
    if comparator == "<=":
        return unit > city
    return unit != city


def fmt_decimal(value: Decimal) -> str:
    return f"{value.normalize():f}"


def decomposition_warnings(*, indicator, target, district_values: list[Decimal],
                           department_values: list[Decimal]) -> list[str]:
    """Why a split does not add up yet (empty when it does): the remainder of each kind of unit."""
    if indicator.decomposition == UNIFORM:
        return []
    warnings = []
    city = fmt_decimal(target.value) if target.value is not None else f"{fmt_decimal(target.low)}–{fmt_decimal(target.high)}"
    groups = [(_("区县"), district_values), (_("责任单位"), department_values)]
    if indicator.decomposition == CITY_ONLY:
        groups = groups[1:]
    elif not district_values and not department_values:
        return [_("尚未分解：全市目标 %(city)s%(unit)s") % {"city": city, "unit": indicator.unit}]
    for label, values in groups:
        if not values:
            continue
        remainder = split_remainder(target=target.value, low=target.low, high=target.high, shares=values)
        if remainder:
            warnings.append(_("%(group)s分解合计 %(total)s%(unit)s，全市目标 %(city)s%(unit)s，尚余 %(remainder)s%(unit)s 未分解")
                            % {"group": label, "total": fmt_decimal(sum(values, Decimal(0))), "unit": indicator.unit,
                               "city": city, "remainder": fmt_decimal(remainder)})
    return warnings
