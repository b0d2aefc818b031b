"""Small assessment set-ups: a plan whose milestone year is the assessment year, values, a scheme."""

from decimal import Decimal

from qcity.assessment.choices import SchemeItemKind, SchemeItemScoringRule
from qcity.assessment.services import scheme_create, scheme_item_create
from qcity.indicators.choices import ReportedValueStatus, ReportingPeriodKind
from qcity.indicators.tests.factories import PlanFactory, ReportedValueFactory

YEAR = 2024


def plan_for_year(year: int = YEAR):
    return PlanFactory(period_start=year - 3, period_end=year)


def value(indicator, unit, amount, *, year: int = YEAR, status=ReportedValueStatus.APPROVED):
    return ReportedValueFactory(indicator=indicator, org_unit=unit, period_kind=ReportingPeriodKind.YEAR, year=year,
                                value=Decimal(str(amount)), status=status)


def make_scheme(items, *, year: int = YEAR, name: str = "测试考核方案", districts=True, departments=False):
    """items: list of (indicator or kind, weight, rule) — an Indicator makes an indicator item."""
    scheme = scheme_create(year=year, name=name, by=None, assess_districts=districts,
                           assess_departments=departments)
    made = []
    for what, weight, *rest in items:
        rule = rest[0] if rest else SchemeItemScoringRule.PROPORTIONAL
        if isinstance(what, str):
            made.append(scheme_item_create(scheme=scheme, kind=what, name=f"{what} 项", weight=weight, rule=rule,
                                           by=None))
        else:
            made.append(scheme_item_create(scheme=scheme, kind=SchemeItemKind.INDICATOR, name="", weight=weight,
                                           rule=rule, indicator=what, by=None))
    return scheme, made
