"""Demo assessments: the published 2024 assessment (run on the demo values and tasks) and a 2025 draft.

A bonus and a veto are recorded in 2024 so the ranking shows both; the names mark the demo schemes so
`reset` deletes only them.
"""

from __future__ import annotations

from typing import Any

from qcity.core.models import Department, OrgUnit

from .choices import ItemKind
from .models import AssessmentScheme
from .services import adjustment_create, assessment_run, scheme_create_default, scheme_publish

DEMO_SUFFIX = "（演示）"
PUBLISHED_YEAR = 2024
DRAFT_YEAR = 2025


def generate(ctx) -> dict[str, Any]:
    published = scheme_create_default(year=PUBLISHED_YEAR, by=None,
                                      name=f"{PUBLISHED_YEAR}年度质量强市工作考核方案{DEMO_SUFFIX}")
    city = OrgUnit.objects.get(parent__isnull=True)
    bonus = published.items.filter(kind=ItemKind.BONUS).order_by("position").first()
    veto = published.items.filter(kind=ItemKind.VETO).order_by("position").first()
    adjustment_create(item=bonus, by=None, org_unit=city.children.get(name="金水区"), points=2,
                      reason="获得河南省省长质量奖1项", evidence="豫政〔2024〕演示号")
    department = Department.objects.filter(code="market-regulation").first()
    if department is not None:
        adjustment_create(item=bonus, by=None, department=department, points=3,
                          reason="质量强市工作获国务院督查激励", evidence="演示：督查激励通报")
    adjustment_create(item=veto, by=None, org_unit=city.children.get(name="中牟县"),
                      reason="发生一起较大电梯安全事故（演示）", evidence="演示：事故调查报告")
    results = assessment_run(scheme=published, by=None)
    scheme_publish(scheme=published, by=None)
    scheme_create_default(year=DRAFT_YEAR, by=None, name=f"{DRAFT_YEAR}年度质量强市工作考核方案{DEMO_SUFFIX}")
    ctx.progress(f"assessment: {PUBLISHED_YEAR} published ({len(results)} results), {DRAFT_YEAR} draft")
    return {"assessment_schemes": 2, "assessment_results": len(results)}


def reset(ctx) -> dict[str, Any]:
    deleted, _ = AssessmentScheme.objects.filter(name__endswith=DEMO_SUFFIX).delete()
    return {"assessment_rows_deleted": deleted}
