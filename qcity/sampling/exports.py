"""Columns of the sampling lists' xlsx exports (`?export=xlsx` on each list page); the cap, the audit
event and the download are `qcity.core.exports.xlsx_export`'s."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qcity.core.deadlines import export_mark
from qcity.core.exports import XlsxColumns


def _conclusion(sample) -> str:
    return sample.get_conclusion_display() if sample.conclusion else ""


SAMPLES = XlsxColumns(
    name="samples", sheet=gettext_lazy("样品"), object_type="sampling.sample",
    headings=[gettext_lazy("抽样单编号"), gettext_lazy("抽检计划"), gettext_lazy("计划层级"), gettext_lazy("产品类别"),
              gettext_lazy("被抽样单位"), gettext_lazy("统一社会信用代码"), gettext_lazy("区县"), gettext_lazy("标称生产企业"),
              gettext_lazy("产品名称"),
              gettext_lazy("商标"), gettext_lazy("规格型号"), gettext_lazy("生产批号"), gettext_lazy("生产日期"),
              gettext_lazy("抽样日期"), gettext_lazy("抽样场所"), gettext_lazy("状态"), gettext_lazy("检验报告编号"),
              gettext_lazy("初检结论"), gettext_lazy("检验结论"),
              gettext_lazy("送达日期"), gettext_lazy("复检申请截止日"), gettext_lazy("复检申请截止日暂定"), gettext_lazy("公布日期")],
    row=lambda s: [s.number, s.plan.title, s.plan.get_level_display(), s.category.name, s.enterprise.name,
                   s.enterprise.uscc, s.org_unit.name, s.producer_name, s.product_name, s.brand, s.specification,
                   s.batch_number, s.production_date, s.sampling_date, s.get_sampling_place_display(),
                   s.get_status_display(), s.test_report_number,
                   s.get_initial_conclusion_display() if s.initial_conclusion else "", _conclusion(s), s.served_on,
                   s.retest_deadline, export_mark(s, "retest_deadline"), s.published_on])

SAMPLING_PLANS = XlsxColumns(
    name="sampling-plans", sheet=gettext_lazy("抽检计划"), object_type="sampling.samplingplan",
    headings=[gettext_lazy("计划名称"), gettext_lazy("计划层级"), gettext_lazy("组织实施单位"), gettext_lazy("开始日期"),
              gettext_lazy("结束日期"), gettext_lazy("产品类别"), gettext_lazy("计划批次"), gettext_lazy("已抽样批次")],
    row=lambda p: [p.title, p.get_level_display(), p.org_unit.name, p.period_start, p.period_end,
                   "、".join(c.name for c in p.categories.all()), p.planned_batches, p.sample_count])


def followup_columns(today: datetime.date) -> XlsxColumns:
    return XlsxColumns(
        name="sampling-followups", sheet=_("不合格后处理"), object_type="sampling.followup",
        headings=[_("抽样单编号"), _("被抽样单位"), _("产品名称"), _("后处理状态"), _("责令整改日期"), _("整改期限"), _("逾期未整改"),
                  _("整改报告日期"),
                  _("复查日期"), _("复查合格"), _("公告日期"), _("移送日期"), _("移送单位"), _("立案编号")],
        row=lambda f: [f.sample.number, f.sample.enterprise.name, f.sample.product_name, f.get_status_display(),
                       f.ordered_on, f.rectification_deadline, _("是") if f.is_overdue(today) else _("否"),
                       f.report_received_on, f.reinspected_on,
                       {True: _("是"), False: _("否")}.get(f.reinspection_conforming, ""), f.announced_on,
                       f.transferred_on, f.transferred_to, f.case_number])


def pass_rate_columns(group_label: str) -> XlsxColumns:
    return XlsxColumns(
        name="sampling-pass-rates", sheet=_("合格率"), object_type="sampling.pass_rate",
        headings=[group_label, _("抽检批次"), _("合格批次"), _("不合格批次"), _("合格率（%）"), _("不合格发现率（%）")],
        row=lambda r: [r.label, r.total, r.passed, r.failed, float(r.pass_rate) if r.pass_rate is not None else None,
                       float(r.failure_rate) if r.failure_rate is not None else None])
