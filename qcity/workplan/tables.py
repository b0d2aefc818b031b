import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from qcity.core.tables import TABLE_CLASS, QcityTable

from .models import PlanTask


class PlanTaskTable(QcityTable):
    code = tables.Column(linkify=("workplan:plan-task-detail", {"pk": tables.A("pk")}))
    title = tables.Column(linkify=("workplan:plan-task-detail", {"pk": tables.A("pk")}))
    lead_department = tables.Column(verbose_name=_("牵头单位"), accessor="lead_department__short_name")
    supporting = tables.Column(verbose_name=_("配合单位"), accessor="pk", orderable=False)
    org_unit = tables.Column(verbose_name=_("区县"), accessor="org_unit__name", default="—")
    deadline = tables.DateColumn(format="Y-m-d", attrs={"td": {"class": "text-nowrap"}})
    progress = tables.Column()
    status = tables.Column()

    class Meta(QcityTable.Meta):
        model = PlanTask
        fields = ("code", "title", "lead_department", "supporting", "org_unit", "deadline", "progress", "status")
        attrs = {"class": TABLE_CLASS, "id": "task-table"}
        row_attrs = {"data-overdue": lambda record, table: "1" if record.is_overdue(table.today) else "0",
                     "class": lambda record, table: "table-danger" if record.is_overdue(table.today) else ""}
        empty_text = _("没有符合条件的任务")

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def render_supporting(self, record):
        return "、".join(d.short_name for d in record.supporting_departments.all()) or "—"

    def render_progress(self, value):
        return f"{value}%"

    def render_status(self, record):
        if record.is_overdue(self.today):
            return format_html('{} <span class="badge text-bg-danger overdue-flag">{}</span>',
                               record.get_status_display(), _("逾期%(n)d天") % {"n": record.days_late(self.today)})
        return record.get_status_display()
