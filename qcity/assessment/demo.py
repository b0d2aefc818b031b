"""Demo assessments: last year's assessment published (run on the demo values and tasks) and this year's
as a draft run for checking, for the years of ctx.today.

Both are grouped schemes: one group per indicator domain weighted as a city would weigh them (product
quality first), the key tasks 20 points. Pass rates of products and services (合格率 and the like)
score full_or_nothing — a rate short of its target is a miss, not 99 % of the points — the counts and
titles of the other domains score in proportion. A bonus and a veto are recorded in the published year
so the ranking shows both; the names mark the demo schemes so `reset` deletes only them. The default
scheme covers the plans in force in its year: the 14th five-year plan through 2025, after it the year's
work points (see the workplan demo).
"""

from __future__ import annotations

from typing import Any

from qcity.core.models import Department
from qcity.core.selectors import org_root_and_children
from qcity.indicators.choices import IndicatorDomain

from .choices import SchemeItemKind, SchemeItemScoringRule
from .models import AssessmentScheme
from .services import (
    adjustment_create,
    assessment_run,
    scheme_create_default,
    scheme_items_update,
    scheme_publish,
)

DEMO_SUFFIX = "（演示）"
# Relative weights of the domains: the domains of a year's plans share the 80 indicator points so.
DOMAIN_WEIGHTS = {
    IndicatorDomain.PRODUCT: 15, IndicatorDomain.ENGINEERING: 10, IndicatorDomain.SERVICE: 10,
    IndicatorDomain.ENVIRONMENT: 10, IndicatorDomain.BRAND_IP: 8, IndicatorDomain.QUALITY_INFRASTRUCTURE: 8,
    IndicatorDomain.TALENT: 5, IndicatorDomain.ECONOMY: 7, IndicatorDomain.GOVERNMENT_SERVICE: 7,
}
STRICT_DOMAINS = (IndicatorDomain.PRODUCT, IndicatorDomain.SERVICE)


def demo_scheme(year: int) -> AssessmentScheme:
    scheme = scheme_create_default(year=year, by=None, name=f"{year}年度质量强市工作考核方案{DEMO_SUFFIX}",
                                   domain_weights=DOMAIN_WEIGHTS)
    strict = scheme.items.filter(kind=SchemeItemKind.INDICATOR, indicator__domain__in=STRICT_DOMAINS)
    scheme_items_update(scheme=scheme, by=None, rules={pk: SchemeItemScoringRule.FULL_OR_NOTHING
                                                       for pk in strict.values_list("pk", flat=True)})
    return scheme


def generate(ctx) -> dict[str, Any]:
    published_year, draft_year = ctx.today.year - 1, ctx.today.year
    published = demo_scheme(published_year)
    # The subjects are the root's children: the city's districts, or the province's cities (Zhengzhou first).
    _root, subjects = org_root_and_children()
    by_name = {u.name: u for u in subjects}
    bonus = published.items.filter(kind=SchemeItemKind.BONUS).order_by("position").first()
    veto = published.items.filter(kind=SchemeItemKind.VETO).order_by("position").first()
    adjustment_create(item=bonus, by=None, org_unit=by_name.get("金水区", subjects[0]), points=2,
                      reason="获得河南省省长质量奖1项", evidence=f"豫政〔{published_year}〕演示号")
    department = Department.objects.filter(code="market-regulation").first()
    if department is not None:
        adjustment_create(item=bonus, by=None, department=department, points=3,
                          reason="质量强市工作获国务院督查激励", evidence="演示：督查激励通报")
    adjustment_create(item=veto, by=None, org_unit=by_name.get("中牟县", subjects[-1]),
                      reason="发生一起较大电梯安全事故（演示）", evidence="演示：事故调查报告")
    results = assessment_run(scheme=published, by=None, today=ctx.today)
    scheme_publish(scheme=published, by=None)
    draft = demo_scheme(draft_year)
    draft_results = assessment_run(scheme=draft, by=None, today=ctx.today)
    ctx.progress(f"assessment: {published_year} published ({len(results)} results), {draft_year} draft "
                 f"({len(draft_results)} results)")
    return {"assessment_schemes": 2, "assessment_results": len(results) + len(draft_results)}


def reset(ctx) -> dict[str, Any]:
    deleted, _ = AssessmentScheme.objects.filter(name__endswith=DEMO_SUFFIX).delete()
    return {"assessment_rows_deleted": deleted}
