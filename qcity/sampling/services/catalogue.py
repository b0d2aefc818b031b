"""The product-category catalogue and sampling plans."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from qcity.core.access import require_scope
from qcity.core.audit import audit_record, snapshot
from qcity.core.choices import AuditAction
from qcity.core.models import OrgUnit, User
from qcity.core.roles import MARKET_OFFICERS

from ..choices import SamplingPlanLevel
from ..models import ProductCategory, SamplingPlan

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "product_categories.json"


def product_categories_load(*, using: str = "default") -> int:
    """Create the shipped categories that are missing; rows that exist keep an administrator's edits."""
    rows = json.loads(DATA_FILE.read_text("utf-8"))
    existing = set(ProductCategory.objects.using(using).values_list("code", flat=True))
    new = [ProductCategory(**row) for row in rows if row["code"] not in existing]
    ProductCategory.objects.using(using).bulk_create(new)
    return len(new)


def sampling_plan_create(*, by: User | None, title: str, level: str, org_unit: OrgUnit, period_start: datetime.date,
                period_end: datetime.date, categories, planned_batches: int) -> SamplingPlan:
    require_scope(by, org_unit, roles=MARKET_OFFICERS, action="create sampling plan")
    categories = list(categories)
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("请填写计划名称")]
    if level not in SamplingPlanLevel.values:
        errors["level"] = [_("计划层级无效")]
    elif level == SamplingPlanLevel.DISTRICT and org_unit.parent_id is None:
        errors["org_unit"] = [_("区县级抽检计划的实施单位须为区县")]
    if period_end < period_start:
        errors["period_end"] = [_("结束日期不能早于开始日期")]
    if not categories:
        errors["categories"] = [_("请至少选择一个产品类别")]
    if planned_batches is None or planned_batches < 1:
        errors["planned_batches"] = [_("计划批次须至少为1")]
    title = title.strip()
    if title and SamplingPlan.objects.filter(org_unit=org_unit, title=title, period_start__year=period_start.year).exists():
        errors["title"] = [_duplicate_title(org_unit, title, period_start.year)]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            plan = SamplingPlan.objects.create(title=title, level=level, org_unit=org_unit,
                                               period_start=period_start, period_end=period_end,
                                               planned_batches=planned_batches, created_by=by)
            plan.categories.set(categories)
            audit_record(action=AuditAction.CREATE, by=by, obj=plan, org_unit=org_unit,
                         after=snapshot(plan) | {"categories": sorted(c.pk for c in categories)})
    except IntegrityError as exc:  # a concurrent twin inserted it first (sampling_plan_unique_title_per_unit_year)
        raise ValidationError({"title": [_duplicate_title(org_unit, title, period_start.year)]}) from exc
    return plan


def _duplicate_title(org_unit: OrgUnit, title: str, year: int) -> str:
    return gettext("%(unit)s %(year)s 年已有名为“%(title)s”的抽检计划，不能重复创建") % {
        "unit": org_unit.name, "year": year, "title": title}
