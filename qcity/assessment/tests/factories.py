"""Small assessment set-ups: a plan whose milestone year is the assessment year, values, a scheme."""

from decimal import Decimal

from qcity.assessment.choices import ItemKind, ScoringRule
from qcity.assessment.services import scheme_create, scheme_item_create
from qcity.indicators.choices import PeriodKind, ValueStatus
from qcity.indicators.models import ReportedValue
from qcity.indicators.tests.factories import IndicatorFactory, PlanFactory

YEAR = 2024


def plan_for_year(year: int = YEAR):
    return PlanFactory(period_start=year - 3, period_end=year)


def indicator(plan, *, target, **kwargs):
    return IndicatorFactory(plan=plan, target=target, **kwargs)


def value(indicator, unit, amount, *, year: int = YEAR, status=ValueStatus.APPROVED):
    return ReportedValue.objects.create(indicator=indicator, org_unit=unit, period_kind=PeriodKind.YEAR, year=year,
                                        value=Decimal(str(amount)), status=status)


def scheme_with(items, *, year: int = YEAR, name: str = "测试考核方案", districts=True, departments=False):
    """items: list of (indicator or kind, weight, rule) — an Indicator makes an indicator item."""
    scheme = scheme_create(year=year, name=name, by=None, assess_districts=districts,
                           assess_departments=departments)
    made = []
    for what, weight, *rest in items:
        rule = rest[0] if rest else ScoringRule.PROPORTIONAL
        if isinstance(what, str):
            made.append(scheme_item_create(scheme=scheme, kind=what, name=f"{what} 项", weight=weight, rule=rule,
                                           by=None))
        else:
            made.append(scheme_item_create(scheme=scheme, kind=ItemKind.INDICATOR, name="", weight=weight,
                                           rule=rule, indicator=what, by=None))
    return scheme, made
