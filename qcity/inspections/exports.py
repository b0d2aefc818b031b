"""Columns of the double-random inspection lists' xlsx exports (`?export=xlsx` on each list page); the cap,
the audit event and the download are `qcity.core.exports.xlsx_export`'s."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qcity.core.deadlines import export_mark
from qcity.core.exports import XlsxColumns


def _columns(name: str, headings: list[str], row) -> XlsxColumns:
    return XlsxColumns(name=name, sheet=name, headings=headings, row=row, object_type=f"inspections.{name}")


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


ITEMS = _columns(
    "inspection-items", [gettext_lazy("事项编号"), gettext_lazy("事项名称"), gettext_lazy("检查依据"),
                         gettext_lazy("实施单位"), gettext_lazy("实施部门"), gettext_lazy("检查方式"),
                         gettext_lazy("公开日期")],
    lambda i: [i.code, i.name, i.legal_basis, i.org_unit.name, i.department.short_name if i.department else "",
               i.method, i.published_on])

INSPECTORS = _columns(
    "inspectors", [gettext_lazy("执法证号"), gettext_lazy("姓名"), gettext_lazy("账号"), gettext_lazy("所属单位"),
                   gettext_lazy("可检查事项"), gettext_lazy("在岗"), gettext_lazy("回避申报数")],
    lambda i: [i.badge_number, i.user.full_name, i.user.username, i.org_unit.name,
               "、".join(q.code for q in i.qualifications.all()),
               _("是") if i.active else _("否"), i.conflict_count])


def inspector_conflict_columns(inspector) -> XlsxColumns:
    return _columns("inspector-conflicts", [_("执法证号"), _("企业"), _("统一社会信用代码"), _("回避事由"), _("申报日期")],
                    lambda c: [inspector.badge_number, c.enterprise.name, c.enterprise.uscc, c.reason, c.declared_on])


# rows are (pool, its latest snapshot or None)
TARGET_POOLS = _columns(
    "target-pools", [gettext_lazy("名称"), gettext_lazy("管理单位"), gettext_lazy("所属区域"), gettext_lazy("行业代码"),
                     gettext_lazy("主体类型"), gettext_lazy("登记状态"), gettext_lazy("对象数"), gettext_lazy("快照时间"),
                     gettext_lazy("快照哈希")],
    lambda ps: [ps[0].name, ps[0].org_unit.name, "、".join(u.name for u in ps[0].filter_org_units.all()),
                ",".join(ps[0].industry_codes), ",".join(ps[0].entity_types), ",".join(ps[0].statuses),
                ps[1].size if ps[1] else None, _local(ps[1].built_at) if ps[1] else None,
                ps[1].sha256 if ps[1] else ""])

INSPECTION_PLANS = _columns(
    "inspection-plans", [gettext_lazy("年度"), gettext_lazy("计划名称"), gettext_lazy("实施单位"),
                         gettext_lazy("检查开始"), gettext_lazy("检查结束"), gettext_lazy("事项"),
                         gettext_lazy("A类%"), gettext_lazy("B类%"), gettext_lazy("C类%"), gettext_lazy("D类%"),
                         gettext_lazy("状态"),
                         gettext_lazy("抽取时间"), gettext_lazy("抽中户数")],
    lambda p: [p.year, p.name, p.org_unit.name, p.period_start, p.period_end,
               "、".join(f"{pi.item.code}({pi.ratio}%)" for pi in p.plan_items.all()),
               p.ratio_a, p.ratio_b, p.ratio_c, p.ratio_d, p.get_status_display(),
               _local(p.draw.drawn_at) if hasattr(p, "draw") else None,
               sum(p.draw.sample_sizes.values()) if hasattr(p, "draw") else None])


def assignment_columns(item_codes: dict) -> XlsxColumns:
    return _columns(
        "inspection-assignments", [_("统一社会信用代码"), _("企业"), _("所属区域"), _("检查事项"), _("检查人员"), _("已录入结果")],
        lambda t: [t.enterprise.uscc, t.enterprise.name, t.enterprise.org_unit.name,
                   "、".join(item_codes.get(i, str(i)) for i in t.item_ids),
                   "、".join(f"{a.inspector.user.full_name}({a.inspector.badge_number})" for a in t.assignments.all()),
                   len(t.results.all())])


def result_columns(today: datetime.date) -> XlsxColumns:
    return _columns(
        "inspection-results", [_("计划"), _("统一社会信用代码"), _("企业"), _("事项"), _("检查结果"), _("检查情况"), _("检查完成日期"),
                               _("公示期限"),
                               _("公示期限暂定"), _("公示日期"), _("逾期"), _("案件线索")],
        lambda r: [r.target.draw.plan.name, r.target.enterprise.uscc, r.target.enterprise.name, r.item.code,
                   r.get_outcome_display(), r.findings, r.inspected_on, r.publish_by, export_mark(r, "publish_by"),
                   r.published_on, _("是") if r.is_overdue(today) else "", _("是") if r.is_case_lead else ""])


MY_ASSIGNMENTS = _columns(
    "my-assignments", [gettext_lazy("计划"), gettext_lazy("统一社会信用代码"), gettext_lazy("企业"),
                       gettext_lazy("所属区域"), gettext_lazy("检查人员"), gettext_lazy("已录入结果数")],
    lambda t: [t.draw.plan.name, t.enterprise.uscc, t.enterprise.name, t.enterprise.org_unit.name,
               "、".join(a.inspector.user.full_name for a in t.assignments.all()), len(t.results.all())])


CASE_LEADS = XlsxColumns(
    name="case-leads", sheet=gettext_lazy("案件线索"), object_type="inspections.caselead",
    headings=[gettext_lazy("来源编号"), gettext_lazy("企业"), gettext_lazy("统一社会信用代码"), gettext_lazy("承办单位"),
              gettext_lazy("线索摘要"), gettext_lazy("状态"), gettext_lazy("移送日期"), gettext_lazy("处理日期"),
              gettext_lazy("处理结果")],
    row=lambda c: [c.source_ref, c.enterprise.name if c.enterprise else "", c.enterprise.uscc if c.enterprise else "",
                   c.org_unit.name, c.summary, c.get_status_display(), c.created_on, c.closed_on, c.closing_note])
