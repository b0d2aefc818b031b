"""xlsx exports of the sampling lists (each capped; filter further for more)."""

from __future__ import annotations

from django.db.models import QuerySet

from qcity.core.deadlines import export_mark
from qcity.core.exports import xlsx_bytes

EXPORT_LIMIT = 100_000


def _conclusion(sample) -> str:
    return sample.get_conclusion_display() if sample.conclusion else ""


def samples_xlsx(queryset: QuerySet) -> bytes:
    rows = queryset.order_by("-sampling_date", "-id")[:EXPORT_LIMIT]
    return xlsx_bytes("样品", ["抽样单编号", "抽检计划", "计划层级", "产品类别", "被抽样单位", "统一社会信用代码", "区县",
                             "标称生产企业", "产品名称", "商标", "规格型号", "生产批号", "生产日期", "抽样日期", "抽样场所",
                             "状态", "检验报告编号", "初检结论", "检验结论", "送达日期", "复检申请截止日",
                             "复检申请截止日暂定", "公布日期"], (
        [s.number, s.plan.title, s.plan.get_level_display(), s.category.name, s.enterprise.name, s.enterprise.uscc,
         s.org_unit.name, s.producer_name, s.product_name, s.brand, s.specification, s.batch_number, s.production_date,
         s.sampling_date, s.get_sampling_place_display(), s.get_status_display(), s.test_report_number,
         s.get_initial_conclusion_display() if s.initial_conclusion else "", _conclusion(s), s.served_on,
         s.retest_deadline, export_mark(s, "retest_deadline"), s.published_on]
        for s in rows.iterator(chunk_size=2000)))


def plans_xlsx(plans) -> bytes:
    return xlsx_bytes("抽检计划", ["计划名称", "计划层级", "组织实施单位", "开始日期", "结束日期", "产品类别", "计划批次",
                               "已抽样批次"], (
        [p.title, p.get_level_display(), p.org_unit.name, p.period_start, p.period_end,
         "、".join(c.name for c in p.categories.all()), p.planned_batches, p.sample_count] for p in plans))


def followups_xlsx(followups, today) -> bytes:
    return xlsx_bytes("不合格后处理", ["抽样单编号", "被抽样单位", "产品名称", "后处理状态", "责令整改日期", "整改期限",
                                  "逾期未整改", "整改报告日期", "复查日期", "复查合格", "公告日期", "移送日期", "移送单位",
                                  "立案编号"], (
        [f.sample.number, f.sample.enterprise.name, f.sample.product_name, f.get_status_display(), f.ordered_on,
         f.rectification_deadline, "是" if f.is_overdue(today) else "否", f.report_received_on, f.reinspected_on,
         {True: "是", False: "否"}.get(f.reinspection_conforming, ""), f.announced_on, f.transferred_on,
         f.transferred_to, f.case_number] for f in followups))


def pass_rates_xlsx(rows, group_label: str) -> bytes:
    return xlsx_bytes("合格率", [group_label, "抽检批次", "合格批次", "不合格批次", "合格率（%）", "不合格发现率（%）"], (
        [r.label, r.total, r.passed, r.failed, float(r.pass_rate) if r.pass_rate is not None else None,
         float(r.failure_rate) if r.failure_rate is not None else None] for r in rows))
