"""Pass rates of supervision sampling, and the computed indicators built on them.

Counted: samples with a conclusion that is not under retest (the effective conclusion, i.e. the retest's
where one was done), by sampling-date year. The city counts every sample; a district the samples of
enterprises in it. A kind of product feeds one indicator key (CONTEXT contract with indicators).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from qcity.core.models import OrgUnit
from qcity.indicators.computed import register

from .choices import PassRateGroup, ProductKind, SampleStatus, SamplingConclusion
from .models import ProductCategory, Sample

COUNTED_STATUSES = (SampleStatus.CONCLUDED, SampleStatus.SERVED, SampleStatus.RETESTED)

# key → (product kind, label, measures failures instead of passes)
INDICATORS = {
    "sampling.food_pass_rate": (ProductKind.FOOD, _("食品抽检合格率"), False),
    "sampling.edible_agricultural_pass_rate": (ProductKind.EDIBLE_AGRICULTURAL, _("食用农产品抽检合格率"), False),
    "sampling.key_industrial_failure_rate": (ProductKind.KEY_INDUSTRIAL,
                                             _("重点工业产品（不含食品）质量监督抽查不合格发现率"), True),
    "sampling.drug_pass_rate": (ProductKind.DRUG, _("药品抽检合格率"), False),
}
KEY_OF_KIND = {kind: key for key, (kind, _label, _fail) in INDICATORS.items()}


def counted_samples() -> QuerySet[Sample]:
    return Sample.objects.filter(status__in=COUNTED_STATUSES).exclude(conclusion="")


def _percent(part: int, total: int) -> Decimal | None:
    if not total:
        return None
    return (Decimal(part) * 100 / Decimal(total)).quantize(Decimal("0.01"))


def _in_unit(queryset: QuerySet[Sample], org_unit: OrgUnit) -> QuerySet[Sample]:
    if org_unit.parent_id is None:  # the city: every sample
        return queryset
    return queryset.filter(org_unit__path__startswith=org_unit.path)


def kind_rate(kind: str, org_unit: OrgUnit, year: int, *, failures: bool = False) -> Decimal | None:
    totals = _in_unit(counted_samples(), org_unit).filter(
        category__kind=kind, sampling_date__year=year).aggregate(
        total=Count("id"), failed=Count("id", filter=Q(conclusion=SamplingConclusion.FAIL)))
    total, failed = totals["total"], totals["failed"]
    return _percent(failed if failures else total - failed, total)


def _indicator_function(key: str):
    kind, _label, failures = INDICATORS[key]

    def compute(org_unit: OrgUnit, year: int) -> Decimal | None:
        return kind_rate(kind, org_unit, year, failures=failures)

    compute.__name__ = key.split(".", 1)[1]
    return compute


INDICATOR_FUNCTIONS = {key: _indicator_function(key) for key in INDICATORS}


def register_indicators() -> None:
    for key, (_kind, label, _fail) in INDICATORS.items():
        register(key, label, INDICATOR_FUNCTIONS[key])


@dataclass(frozen=True)
class PassRateRow:
    key: str
    label: str
    total: int
    passed: int
    failed: int

    @property
    def pass_rate(self) -> Decimal | None:
        return _percent(self.passed, self.total)

    @property
    def failure_rate(self) -> Decimal | None:
        return _percent(self.failed, self.total)


def pass_rates(*, samples: QuerySet[Sample], group: str = PassRateGroup.CATEGORY,
               date_from: datetime.date | None = None, date_to: datetime.date | None = None) -> list[PassRateRow]:
    """Totals by category, product kind or district over `samples` (already scoped), by sampling date."""
    queryset = samples.filter(status__in=COUNTED_STATUSES).exclude(conclusion="")
    if date_from:
        queryset = queryset.filter(sampling_date__gte=date_from)
    if date_to:
        queryset = queryset.filter(sampling_date__lte=date_to)
    field = {PassRateGroup.CATEGORY: "category_id", PassRateGroup.KIND: "category__kind",
             PassRateGroup.DISTRICT: "org_unit_id"}[group]
    rows = (queryset.order_by().values(field)
            .annotate(total=Count("id"), failed=Count("id", filter=Q(conclusion=SamplingConclusion.FAIL))))
    labels = _labels(group, [row[field] for row in rows])
    result = [PassRateRow(key=str(row[field]), label=labels.get(row[field], str(row[field])), total=row["total"],
                          passed=row["total"] - row["failed"], failed=row["failed"]) for row in rows]
    return sorted(result, key=lambda r: r.label)


def _labels(group: str, keys: list) -> dict:
    if group == PassRateGroup.CATEGORY:
        return dict(ProductCategory.objects.filter(pk__in=keys).values_list("pk", "name"))
    if group == PassRateGroup.KIND:
        return {k: str(ProductKind(k).label) for k in keys}
    return dict(OrgUnit.objects.filter(pk__in=keys).values_list("pk", "name"))
