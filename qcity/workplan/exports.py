"""Columns of the plan-task and supervision lists' xlsx exports (`?export=xlsx` on each list page); the cap, the
audit event and the download are `qcity.core.exports.xlsx_export`'s."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qcity.core.deadlines import export_mark
from qcity.core.exports import XlsxColumns

from .choices import SupervisionStatus


def plan_task_columns(today: datetime.date) -> XlsxColumns:
    """`today` decides the overdue column, as on the page."""
    return XlsxColumns(
        name="plan-tasks", sheet=_("重点任务"), object_type="workplan.plantask",
        headings=[_("规划"), _("编号"), _("任务名称"), _("牵头单位"), _("配合单位"), _("责任区县"), _("开始日期"),
                  _("完成时限"), _("成果形式"), _("进度（%）"), _("状态"), _("逾期天数")],
        row=lambda t: [t.plan.code, t.code, t.title, t.lead_department.short_name if t.lead_department else "",
                       "、".join(d.short_name for d in t.supporting_departments.all()),
                       t.org_unit.name if t.org_unit else "", t.start_date, t.deadline, t.deliverable, t.progress,
                       t.get_status_display(), t.days_late(today) if t.is_overdue(today) else None])


def supervision_columns(today: datetime.date) -> XlsxColumns:
    """The supervision list as on the page: the answer deadline with its 暂定 column, and `today` decides the
    overdue column (an open supervision past its deadline)."""
    return XlsxColumns(
        name="supervisions", sheet=_("督办"), object_type="workplan.supervision",
        headings=[_("编号"), _("任务名称"), _("牵头单位"), _("责任区县"), _("完成时限"), _("督办级别"), _("督办事由"),
                  _("督办时间"), _("回复期限"), _("回复期限暂定"), _("已超期"), _("状态"), _("办结时间"), _("办结情况")],
        row=lambda s: [s.task.code, s.task.title, s.task.lead_department.short_name if s.task.lead_department else "",
                       s.task.org_unit.name if s.task.org_unit else "", s.task.deadline, s.get_level_display(), s.reason,
                       _local(s.opened_at), s.respond_by, export_mark(s, "respond_by"),
                       _("是") if s.status == SupervisionStatus.OPEN and s.respond_by < today else "",
                       s.get_status_display(), _local(s.resolved_at), s.resolution])


def _local(moment: datetime.datetime | None) -> datetime.datetime | None:
    """A timestamp as the city reads it (xlsx cells hold no time zone)."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


# the notice list (通报), as on the page
NOTICES = XlsxColumns(
    name="notices", sheet=gettext_lazy("通报"), object_type="workplan.notice",
    headings=[gettext_lazy("文号"), gettext_lazy("类别"), gettext_lazy("标题"), gettext_lazy("年度"),
              gettext_lazy("涉及任务"), gettext_lazy("印发时间"), gettext_lazy("签发人")],
    row=lambda n: [n.number, n.get_kind_display(), n.title, n.year, "、".join(t.code for t in n.tasks.all()),
                   _local(n.issued_at), str(n.issued_by) if n.issued_by else ""])
