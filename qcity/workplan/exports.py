"""Columns of the plan-task list's xlsx export (`?export=xlsx` on the list page); the cap, the audit event and
the download are `qcity.core.exports.xlsx_export`'s."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from qcity.core.exports import XlsxColumns


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
