"""Demo assessments: last year's assessment published (run on the demo values and tasks) and this year's
as a draft, for the years of ctx.today.

A bonus and a veto are recorded in the published year so the ranking shows both; the names mark the demo
schemes so `reset` deletes only them. The default scheme covers the plans in force in its year: the
14th five-year plan through 2025, after it the year's work points (see the workplan demo).
"""

from __future__ import annotations

from typing import Any

from qcity.core.models import Department, OrgUnit

from .choices import SchemeItemKind
from .models import AssessmentScheme
from .services import adjustment_create, assessment_run, scheme_create_default, scheme_publish

DEMO_SUFFIX = "（演示）"


def generate(ctx) -> dict[str, Any]:
    published_year, draft_year = ctx.today.year - 1, ctx.today.year
    published = scheme_create_default(year=published_year, by=None,
                                      name=f"{published_year}年度质量强市工作考核方案{DEMO_SUFFIX}")
    city = OrgUnit.objects.get(parent__isnull=True)
    bonus = published.items.filter(kind=SchemeItemKind.BONUS).order_by("position").first()
    veto = published.items.filter(kind=SchemeItemKind.VETO).order_by("position").first()
    adjustment_create(item=bonus, by=None, org_unit=city.children.get(name="金水区"), points=2,
                      reason="获得河南省省长质量奖1项", evidence=f"豫政〔{published_year}〕演示号")
    department = Department.objects.filter(code="market-regulation").first()
    if department is not None:
        adjustment_create(item=bonus, by=None, department=department, points=3,
                          reason="质量强市工作获国务院督查激励", evidence="演示：督查激励通报")
    adjustment_create(item=veto, by=None, org_unit=city.children.get(name="中牟县"),
                      reason="发生一起较大电梯安全事故（演示）", evidence="演示：事故调查报告")
    results = assessment_run(scheme=published, by=None)
    scheme_publish(scheme=published, by=None)
    scheme_create_default(year=draft_year, by=None, name=f"{draft_year}年度质量强市工作考核方案{DEMO_SUFFIX}")
    ctx.progress(f"assessment: {published_year} published ({len(results)} results), {draft_year} draft")
    return {"assessment_schemes": 2, "assessment_results": len(results)}


def reset(ctx) -> dict[str, Any]:
    deleted, _ = AssessmentScheme.objects.filter(name__endswith=DEMO_SUFFIX).delete()
    return {"assessment_rows_deleted": deleted}
