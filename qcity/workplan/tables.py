import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from qcity.core.tables import TABLE_CLASS, QcityTable, TemplateColumn

from .models import Notice, PlanTask, Supervision


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


class SupervisionTable(QcityTable):
    """The supervision list; the office's escalate/resolve forms are the last column (`is_office`)."""

    task = TemplateColumn(template_name="workplan/partials/supervision_task.html", verbose_name=_("任务"),
                          order_by=("task__code",))
    lead_department = tables.Column(verbose_name=_("牵头单位"), accessor="task__lead_department__short_name",
                                    order_by=("task__lead_department__short_name",))
    org_unit = tables.Column(verbose_name=_("责任区县"), accessor="task__org_unit__name", default="—",
                             order_by=("task__org_unit__path",))
    deadline = tables.DateColumn(verbose_name=_("完成时限"), accessor="task__deadline", format="Y-m-d",
                                 attrs={"td": {"class": "text-nowrap"}})
    level = tables.Column()
    opened_at = tables.DateColumn(format="Y-m-d", attrs={"td": {"class": "text-nowrap"}})
    respond_by = TemplateColumn(
        '{% load i18n deadlines %}<span class="text-nowrap">{% deadline record "respond_by" %}</span>'
        '{% if record.status == "open" and record.respond_by < today %} '
        '<span class="badge text-bg-danger">{% translate "已超期" %}</span>{% endif %}',
        verbose_name=_("回复期限"), order_by=("respond_by",), extra_context=lambda table: {"today": table.today})
    status = tables.Column()
    actions = TemplateColumn(template_name="workplan/partials/supervision_actions.html", verbose_name=_("操作"),
                             orderable=False)

    class Meta(QcityTable.Meta):
        model = Supervision
        fields = ("task", "lead_department", "org_unit", "deadline", "level", "opened_at", "respond_by", "status",
                  "actions")
        attrs = {"class": TABLE_CLASS, "id": "supervision-table"}
        row_attrs = {"data-level": lambda record: record.level}
        empty_text = _("没有符合条件的督办")

    def __init__(self, *args, today, is_office: bool, **kwargs):
        super().__init__(*args, exclude=() if is_office else ("actions",), **kwargs)
        self.today = today

    def render_level(self, record):
        css = {3: "danger", 2: "warning"}.get(record.level, "secondary")
        return format_html('<span class="badge text-bg-{}">{}</span>', css, record.get_level_display())

    def render_status(self, record):
        if record.resolution:
            return format_html('{}<div class="small qc-muted">{}</div>', record.get_status_display(), record.resolution)
        return record.get_status_display()


class NoticeTable(QcityTable):
    number = tables.Column(attrs={"td": {"class": "text-nowrap"}})
    kind = tables.Column()
    title = tables.Column()
    task_count = tables.Column(verbose_name=_("任务数"), accessor="pk", orderable=False)
    issued_at = tables.DateColumn(format="Y-m-d", attrs={"td": {"class": "text-nowrap"}})
    download = TemplateColumn(
        '{% load i18n %}{% if record.file %}<a class="notice-download" '
        'href="{% url "workplan:notice-download" record.pk %}">{% translate "下载" %}</a>{% endif %}',
        verbose_name="", orderable=False)

    class Meta(QcityTable.Meta):
        model = Notice
        fields = ("number", "kind", "title", "task_count", "issued_at", "download")
        attrs = {"class": TABLE_CLASS + " mb-0", "id": "notice-table"}
        empty_text = _("尚无通报")

    def render_task_count(self, record):
        return len(record.tasks.all())
