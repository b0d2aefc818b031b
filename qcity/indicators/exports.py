"""Columns of the indicator lists' xlsx exports (`?export=xlsx` on the list page); the cap, the audit event
and the download are `qcity.core.exports.xlsx_export`'s."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy

from qcity.core.exports import XlsxColumns


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _name(user) -> str:
    return user.display_name if user is not None else ""


REPORTED_VALUES = XlsxColumns(
    name="reported-values", sheet=gettext_lazy("指标填报"), object_type="indicators.reportedvalue",
    headings=[gettext_lazy("规划"), gettext_lazy("指标编号"), gettext_lazy("指标名称"), gettext_lazy("行政单元"),
              gettext_lazy("期间"), gettext_lazy("数值"), gettext_lazy("计量单位"), gettext_lazy("状态"),
              gettext_lazy("审核意见"), gettext_lazy("填报人"), gettext_lazy("填报时间"), gettext_lazy("说明")],
    row=lambda v: [v.indicator.plan.code, v.indicator.code, v.indicator.name, v.org_unit.name, v.period_label,
                   v.value, v.indicator.unit, v.get_status_display(), v.status_note, _name(v.submitted_by),
                   _local(v.submitted_at), v.note])


def _target(row) -> str:
    milestone = row.result.milestone
    if milestone is None:
        return ""
    if milestone.value is None:
        return f"{milestone.low.normalize():f}–{milestone.high.normalize():f}"
    return f"{row.indicator.comparator} {milestone.value.normalize():f}"


def _history(row) -> str:
    return "; ".join(f"{year}: {value.normalize():f}" for year, value in row.history)


# The status board (`selectors.StatusBoardRow`): the values at full precision, the expected one to 4 places.
STATUS_BOARD = XlsxColumns(
    name="indicator-statuses", sheet=gettext_lazy("目标进展"), object_type="indicators.indicator",
    headings=[gettext_lazy("规划"), gettext_lazy("指标编号"), gettext_lazy("指标名称"), gettext_lazy("领域"),
              gettext_lazy("行政单元"), gettext_lazy("年度"), gettext_lazy("目标年度"), gettext_lazy("目标"),
              gettext_lazy("计量单位"), gettext_lazy("实际值"), gettext_lazy("应达进度"), gettext_lazy("状态"),
              gettext_lazy("近年数值")],
    row=lambda r: [r.indicator.plan.code, r.indicator.code, r.indicator.name, r.domain_label, r.item.org_unit.name,
                   r.item.year, r.result.milestone.year if r.result.milestone else None, _target(r),
                   r.indicator.unit, r.result.actual,
                   round(r.result.expected, 4) if r.result.expected is not None else None,
                   str(r.status_label), _history(r)])


def target_decomposition_columns(*, districts, departments) -> XlsxColumns:
    """The decomposition table (指标分解) of a plan and year: one row per indicator, one column per district
    and per department; the import reads the same layout back (`services.decomposition.FIXED_HEADERS`).
    A uniform indicator's district cell is blank unless the district has its own stricter target."""

    def row(item):
        target = item.target
        city = target.value if target.value is not None else f"{target.low:g}–{target.high:g}"
        by_department = {d.pk: v for d, v in item.department_values}
        return [item.indicator.code, item.indicator.name, item.indicator.get_decomposition_display(),
                item.indicator.unit, target.year, city, *item.district_values,
                *(by_department.get(d.pk) for d in departments), "；".join(item.warnings), item.status_label]

    return XlsxColumns(
        name="target-decompositions", sheet=gettext_lazy("指标分解"), object_type="indicators.targetdecomposition",
        headings=[gettext_lazy("指标编号"), gettext_lazy("指标名称"), gettext_lazy("分解方式"), gettext_lazy("计量单位"),
                  gettext_lazy("目标年"), gettext_lazy("全市目标"), *(d.name for d in districts),
                  *(d.name for d in departments), gettext_lazy("尚余未分解"), gettext_lazy("状态")],
        row=row)
