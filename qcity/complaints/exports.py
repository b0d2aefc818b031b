"""Columns of the complaint list's xlsx export (`?export=xlsx` on the list page). The person is masked as in
the list: a spreadsheet leaves the system, so it carries no complainant's full name, phone or ID number
(PIPL; DOMAIN §9). The cap, the audit event and the download are `qcity.core.exports.xlsx_export`'s."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qcity.core.deadlines import export_mark
from qcity.core.exports import XlsxColumns

from .selectors import person_masked


def _person(complaint) -> list[str]:
    if complaint.anonymous:
        return [gettext("匿名"), ""]
    masked = person_masked(complaint)
    return [masked["name"], masked["phone"]]


def _unit(complaint) -> str:
    return complaint.org_unit.name if complaint.org_unit else gettext("待分派")


def _deadline_label(complaint) -> str:
    field = getattr(complaint, "current_deadline_field", None)
    return str(complaint._meta.get_field(field).verbose_name) if field else ""


COMPLAINTS = XlsxColumns(
    name="complaints", sheet=_("投诉举报"), object_type="complaints.complaint",
    headings=[_("查询编号"), _("类别"), _("来源渠道"), _("收到日期"), _("标题"), _("被投诉举报方"), _("统一社会信用代码"),
              _("投诉举报人"), _("联系电话"), _("承办单位"), _("承办人"), _("状态"), _("商品或服务类别"), _("问题类型"),
              _("当前期限事项"), _("当前期限"), _("当前期限暂定"), _("受理日期"), _("办结日期"), _("超期办结"),
              _("涉及金额（元）"), _("挽回经济损失（元）")],
    row=lambda c: [c.tracking_number, c.get_kind_display(), c.get_channel_display(), c.received_on, c.subject,
                   c.respondent_name, c.respondent_uscc, *_person(c), _unit(c),
                   c.handler.display_name if c.handler else "", c.get_status_display(),
                   c.category.name if c.category else "", c.problem_type.name if c.problem_type else "",
                   _deadline_label(c), getattr(c, "current_deadline", None), export_mark(c, "current_deadline"),
                   c.accepted_on, c.closed_on, gettext("是") if c.closed_late else gettext("否"),
                   c.amount, c.amount_recovered])


# the reward list (有奖举报): amounts and dates, no reporter's identity
REWARDS = XlsxColumns(
    name="rewards", sheet=_("举报奖励"), object_type="complaints.reward",
    headings=[_("查询编号"), _("承办单位"), _("案件等级"), _("罚没款金额（元）"), _("处罚决定书文号"), _("奖励金额（元）"),
              _("状态"), _("提出日期"), _("审批日期"), _("发放日期"), _("发放凭证号")],
    row=lambda r: [r.complaint.tracking_number, _unit(r.complaint), r.get_grade_display(), r.fine_amount,
                   r.penalty_decision_number, r.amount, r.get_status_display(), r.proposed_on, r.decided_on,
                   r.paid_on, r.payment_ref])


# the gazetteer (地名库): reference data, no personal data
GAZETTEER = XlsxColumns(
    name="gazetteer", sheet=_("地名库"), object_type="complaints.gazetteerentry",
    headings=[_("地名"), _("类别"), _("所属区域"), _("说明"), _("启用")],
    row=lambda e: [e.name, e.get_kind_display(), e.org_unit.name, e.note, gettext("是") if e.active else gettext("否")])


def _yes_no(value: bool) -> str:
    return gettext("是") if value else gettext("否")


# the office's reference lists, as on their pages: reference data, no personal data
COMPLAINT_CATEGORIES = XlsxColumns(
    name="complaint-categories", sheet=_("商品或服务类别"), object_type="complaints.complaintcategory",
    headings=[_("名称"), _("代码"), _("大类"), _("排序"), _("启用"), _("投诉举报（件）")],
    row=lambda c: [c.name, c.code, c.get_group_display(), c.sort_order, _yes_no(c.active), c.complaint_count])

PROBLEM_TYPES = XlsxColumns(
    name="problem-types", sheet=_("问题类型"), object_type="complaints.problemtype",
    headings=[_("名称"), _("代码"), _("排序"), _("启用"), _("投诉举报（件）")],
    row=lambda p: [p.name, p.code, p.sort_order, _yes_no(p.active), p.complaint_count])

# the enterprises in direct settlement (在线纠纷解决), as on the page
DIRECT_SETTLEMENT_MEMBERSHIPS = XlsxColumns(
    name="direct-settlement-members", sheet=_("在线纠纷解决企业"), object_type="complaints.directsettlementmembership",
    headings=[_("企业"), _("统一社会信用代码"), _("所属区域"), _("加入日期"), _("退出日期")],
    row=lambda m: [m.enterprise.name, m.enterprise.uscc, m.enterprise.org_unit.name if m.enterprise.org_unit else "",
                   m.joined_on, m.left_on])
