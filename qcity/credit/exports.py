"""Columns of the credit module's xlsx exports (officers, in scope). The cap, the audit event and the
download are `qcity.core.exports.xlsx_export`'s: a city-wide list of every credit file is refused there."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from qcity.core.deadlines import export_mark
from qcity.core.exports import XlsxColumns

from .choices import CreditListKind

LIST_HEADINGS = [gettext_lazy("统一社会信用代码"), gettext_lazy("企业名称"), gettext_lazy("所属区域"), gettext_lazy("列入事由"),
                 gettext_lazy("决定日期"), gettext_lazy("作出决定机关"), gettext_lazy("决定书文号"), gettext_lazy("公示日期"),
                 gettext_lazy("期满日期"), gettext_lazy("状态"), gettext_lazy("移出日期"), gettext_lazy("移出原因")]
FILE_HEADINGS = [gettext_lazy("统一社会信用代码"), gettext_lazy("企业名称"), gettext_lazy("所属区域"), gettext_lazy("登记状态"),
                 gettext_lazy("信用风险分类")]
OBJECTION_HEADINGS = [gettext_lazy("统一社会信用代码"), gettext_lazy("企业名称"), gettext_lazy("所属区域"),
                      gettext_lazy("异议对象"), gettext_lazy("异议理由"), gettext_lazy("提出日期"),
                      gettext_lazy("答复期限"), gettext_lazy("答复期限暂定"), gettext_lazy("状态"),
                      gettext_lazy("处理日期"), gettext_lazy("处理意见")]
OVERDUE_HEADINGS = [gettext_lazy("统一社会信用代码"), gettext_lazy("企业名称"), gettext_lazy("所属区域"),
                    gettext_lazy("类别"), gettext_lazy("形成日期"), gettext_lazy("来源机关"), gettext_lazy("内容摘要"),
                    gettext_lazy("应公示日期"), gettext_lazy("应公示日期暂定")]
REPAIR_HEADINGS = [gettext_lazy("统一社会信用代码"), gettext_lazy("企业名称"), gettext_lazy("所属区域"),
                   gettext_lazy("修复类别"), gettext_lazy("修复对象"), gettext_lazy("申请日期"), gettext_lazy("受理期限"),
                   gettext_lazy("受理期限暂定"), gettext_lazy("受理日期"),
                   gettext_lazy("决定期限"), gettext_lazy("决定期限暂定"), gettext_lazy("决定日期"), gettext_lazy("状态"),
                   gettext_lazy("处理意见")]


def _target(item) -> str:
    return str(item.credit_event or item.list_entry or "")


def list_entry_columns(kind: str) -> XlsxColumns:
    return XlsxColumns(
        name=f"credit-{kind}", sheet=str(CreditListKind(kind).label), headings=LIST_HEADINGS,
        object_type="credit.creditlistentry",
        row=lambda e: [e.enterprise.uscc, e.enterprise.name, e.enterprise.org_unit.name, e.get_reason_display(),
                       e.decided_on, e.decision_authority, e.decision_number, e.published_on, e.ends_on,
                       e.get_status_display(), e.removed_on, e.get_removal_reason_display()])


CREDIT_FILES = XlsxColumns(
    name="credit-files", sheet=gettext_lazy("信用档案"), headings=FILE_HEADINGS, object_type="enterprises.enterprise",
    row=lambda e: [e.uscc, e.name, e.org_unit.name, e.get_status_display(), e.risk_class.upper()])

OBJECTIONS = XlsxColumns(
    name="credit-objections", sheet=gettext_lazy("信用异议"), headings=OBJECTION_HEADINGS, object_type="credit.creditobjection",
    row=lambda o: [o.enterprise.uscc, o.enterprise.name, o.enterprise.org_unit.name, _target(o), o.grounds,
                   o.submitted_on, o.reply_due_on, export_mark(o, "reply_due_on"), o.get_status_display(),
                   o.decided_on, o.decision_note])

REPAIRS = XlsxColumns(
    name="credit-repairs", sheet=gettext_lazy("信用修复申请"), headings=REPAIR_HEADINGS, object_type="credit.creditrepair",
    row=lambda r: [r.enterprise.uscc, r.enterprise.name, r.enterprise.org_unit.name, r.get_kind_display(), _target(r),
                   r.submitted_on, r.acceptance_due_on, export_mark(r, "acceptance_due_on"), r.accepted_on,
                   r.decision_due_on, export_mark(r, "decision_due_on"), r.decided_on, r.get_status_display(),
                   r.decision_note])

OVERDUE_PUBLICATIONS = XlsxColumns(
    name="credit-overdue-publications", sheet=gettext_lazy("逾期未公示"), headings=OVERDUE_HEADINGS, object_type="credit.creditevent",
    row=lambda e: [e.enterprise.uscc, e.enterprise.name, e.enterprise.org_unit.name, e.get_kind_display(),
                   e.occurred_on, e.source_authority, e.summary, e.publication_due_on,
                   export_mark(e, "publication_due_on")])
