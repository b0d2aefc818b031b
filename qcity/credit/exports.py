"""xlsx exports of the credit module's lists (officers, in scope; each export audited by its view).

Exports stop at EXPORT_LIMIT rows: a city-wide list of every credit file (1.5 million rows) is not a
spreadsheet; filter by district or class first.
"""

from __future__ import annotations

from django.db.models import QuerySet

from qcity.core.deadlines import export_mark
from qcity.core.exports import xlsx_export
from qcity.core.models import User

from .choices import CreditListKind

EXPORT_LIMIT = 100_000

LIST_HEADINGS = ["统一社会信用代码", "企业名称", "所属区域", "列入事由", "决定日期", "作出决定机关", "决定书文号", "公示日期",
                 "期满日期", "状态", "移出日期", "移出原因"]
FILE_HEADINGS = ["统一社会信用代码", "企业名称", "所属区域", "登记状态", "信用风险分类"]
OBJECTION_HEADINGS = ["统一社会信用代码", "企业名称", "所属区域", "异议对象", "异议理由", "提出日期", "答复期限", "答复期限暂定", "状态",
                      "处理日期", "处理意见"]
OVERDUE_HEADINGS = ["统一社会信用代码", "企业名称", "所属区域", "类别", "形成日期", "来源机关", "内容摘要", "应公示日期", "应公示日期暂定"]
REPAIR_HEADINGS = ["统一社会信用代码", "企业名称", "所属区域", "修复类别", "修复对象", "申请日期", "受理期限", "受理期限暂定", "受理日期",
                   "决定期限", "决定期限暂定", "决定日期", "状态", "处理意见"]


def _target(item) -> str:
    return str(item.credit_event or item.list_entry or "")


def _response(*, by: User, sheet: str, headings: list[str], rows, object_type: str, name: str):
    return xlsx_export(by=by, name=f"credit-{name}", sheet=sheet, headings=headings, rows=rows, object_type=object_type)


def list_entries_xlsx(queryset: QuerySet, *, kind: str, by: User):
    rows = ([e.enterprise.uscc, e.enterprise.name, e.enterprise.org_unit.name, e.get_reason_display(), e.decided_on,
             e.decision_authority, e.decision_number, e.published_on, e.ends_on, e.get_status_display(), e.removed_on,
             e.get_removal_reason_display()] for e in queryset[:EXPORT_LIMIT].iterator(chunk_size=2000))
    return _response(by=by, sheet=str(CreditListKind(kind).label), headings=LIST_HEADINGS, rows=rows,
                     object_type="credit.creditlistentry", name=kind)


def credit_files_xlsx(queryset: QuerySet, *, by: User):
    rows = ([e.uscc, e.name, e.org_unit.name, e.get_status_display(), e.risk_class.upper()]
            for e in queryset[:EXPORT_LIMIT].iterator(chunk_size=2000))
    return _response(by=by, sheet="信用档案", headings=FILE_HEADINGS, rows=rows, object_type="enterprises.enterprise",
                     name="files")


def objections_xlsx(queryset: QuerySet, *, by: User):
    rows = ([o.enterprise.uscc, o.enterprise.name, o.enterprise.org_unit.name, _target(o), o.grounds, o.submitted_on,
             o.reply_due_on, export_mark(o, "reply_due_on"), o.get_status_display(), o.decided_on, o.decision_note]
            for o in queryset[:EXPORT_LIMIT].iterator(chunk_size=2000))
    return _response(by=by, sheet="信用异议", headings=OBJECTION_HEADINGS, rows=rows, object_type="credit.objection",
                     name="objections")


def repairs_xlsx(queryset: QuerySet, *, by: User):
    rows = ([r.enterprise.uscc, r.enterprise.name, r.enterprise.org_unit.name, r.get_kind_display(), _target(r),
             r.submitted_on, r.acceptance_due_on, export_mark(r, "acceptance_due_on"), r.accepted_on, r.decision_due_on,
             export_mark(r, "decision_due_on"), r.decided_on, r.get_status_display(),
             r.decision_note] for r in queryset[:EXPORT_LIMIT].iterator(chunk_size=2000))
    return _response(by=by, sheet="信用修复申请", headings=REPAIR_HEADINGS, rows=rows,
                     object_type="credit.repairapplication", name="repairs")


def overdue_publications_xlsx(queryset: QuerySet, *, by: User):
    rows = ([e.enterprise.uscc, e.enterprise.name, e.enterprise.org_unit.name, e.get_kind_display(), e.occurred_on,
             e.source_authority, e.summary, e.publication_due_on,
             export_mark(e, "publication_due_on")]
            for e in queryset[:EXPORT_LIMIT].iterator(chunk_size=2000))
    return _response(by=by, sheet="逾期未公示", headings=OVERDUE_HEADINGS, rows=rows, object_type="credit.creditevent",
                     name="overdue-publications")
