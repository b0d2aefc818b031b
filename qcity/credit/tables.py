"""Columns of the officers' credit lists: files, overdue publications, the three lists and the two queues."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from qcity.core.tables import TABLE_CLASS, QcityTable, TemplateColumn

RISK_BADGE = {"a": "success", "b": "secondary", "c": "warning", "d": "danger"}
SMALL = f"{TABLE_CLASS} small mb-0"


def _file_link(accessor: str = "enterprise_id"):
    return ("credit:file", {"pk": tables.A(accessor)})


class CreditFileTable(QcityTable):
    uscc = tables.Column(verbose_name=_("统一社会信用代码"), attrs={"td": {"class": "font-monospace"}})
    name = tables.Column(verbose_name=_("企业名称"), linkify=_file_link("pk"))
    org_unit = tables.Column(verbose_name=_("所属区域"), order_by=("org_unit__sort_order", "org_unit_id"))
    status = tables.Column(verbose_name=_("登记状态"))
    risk_class = tables.Column(verbose_name=_("风险分类"))

    class Meta(QcityTable.Meta):
        attrs = {"class": f"{TABLE_CLASS} mb-0", "id": "credit-file-table"}
        empty_text = _("没有符合条件的企业")

    def render_org_unit(self, value):
        return value.short_name or value.name

    def render_risk_class(self, value):
        return format_html('<span class="badge risk-{} text-bg-{}">{}</span>', value, RISK_BADGE.get(value, "danger"),
                           value.upper())


class CreditOverdueTable(QcityTable):
    uscc = tables.Column(verbose_name=_("统一社会信用代码"), accessor="enterprise__uscc",
                         attrs={"td": {"class": "font-monospace"}})
    enterprise = tables.Column(verbose_name=_("企业名称"), accessor="enterprise__name", linkify=_file_link())
    kind = tables.Column(verbose_name=_("类别"))
    occurred_on = tables.DateColumn(verbose_name=_("形成日期"), format="Y-m-d")
    source_authority = tables.Column(verbose_name=_("来源机关"))
    publication_due_on = TemplateColumn(
        '{% load deadlines %}<span class="text-danger">{% deadline record "publication_due_on" %}</span>',
        verbose_name=_("应公示日期"))

    class Meta(QcityTable.Meta):
        attrs = {"class": SMALL, "id": "overdue-table"}
        empty_text = _("没有逾期未公示的信息")


class CreditListEntryTable(QcityTable):
    """The actions column reads `kind`, `is_office` and `today` from the page's context."""

    uscc = tables.Column(verbose_name=_("统一社会信用代码"), accessor="enterprise__uscc",
                         attrs={"td": {"class": "font-monospace"}})
    enterprise = tables.Column(verbose_name=_("企业名称"), accessor="enterprise__name", linkify=_file_link())
    reason = tables.Column(verbose_name=_("列入事由"))
    decided_on = tables.DateColumn(verbose_name=_("决定日期"), format="Y-m-d")
    published_on = TemplateColumn(template_name="credit/partials/list_entry_published.html",
                                         verbose_name=_("公示日期"))
    ends_on = tables.DateColumn(verbose_name=_("期满日期"), format="Y-m-d", default="—")
    status = tables.Column(verbose_name=_("状态"))
    actions = TemplateColumn(template_name="credit/partials/list_entry_actions.html", verbose_name="",
                                    orderable=False, attrs={"td": {"class": "text-nowrap"}})

    class Meta(QcityTable.Meta):
        attrs = {"class": SMALL, "id": "list-table"}
        row_attrs = {"class": "list-entry"}
        empty_text = _("无记录")

    def render_status(self, record):
        if record.removal_reason:
            return format_html("{}（{}）", record.get_status_display(), record.get_removal_reason_display())
        return record.get_status_display()


class _QueueTable(QcityTable):
    enterprise = tables.Column(verbose_name=_("企业"), accessor="enterprise__name", linkify=_file_link())
    submitted_on = tables.DateColumn(verbose_name=_("提出日期"), format="Y-m-d")
    status = tables.Column(verbose_name=_("状态"))

    def render_status(self, record):
        if record.decision_note:
            return format_html("{}：{}", record.get_status_display(), record.decision_note)
        return record.get_status_display()


class CreditObjectionTable(_QueueTable):
    target = TemplateColumn(
        '{% if record.credit_event %}{{ record.credit_event.get_kind_display }} {{ record.credit_event.occurred_on|date:"Y-m-d" }}'
        "{% else %}{{ record.list_entry.get_list_kind_display }}{% endif %}", verbose_name=_("异议对象"), orderable=False)
    grounds = TemplateColumn(
        '{{ record.grounds }}{% if record.evidence %}<div class="qc-muted">{{ record.evidence }}</div>{% endif %}'
        '{% include "credit/partials/attachment_links.html" %}',
        verbose_name=_("异议理由"))
    reply_due_on = TemplateColumn(template_name="credit/partials/objection_due.html", verbose_name=_("答复期限"))
    actions = TemplateColumn(template_name="credit/partials/objection_actions.html", verbose_name="",
                                    orderable=False)

    class Meta(QcityTable.Meta):
        attrs = {"class": SMALL, "id": "objection-queue"}
        row_attrs = {"class": "objection-row"}
        sequence = ("enterprise", "target", "grounds", "submitted_on", "reply_due_on", "status", "actions")
        empty_text = _("无异议")


class CreditRepairTable(_QueueTable):
    kind = tables.Column(verbose_name=_("修复类别"))
    compliance_proof = TemplateColumn(
        '{{ record.compliance_proof }}<div class="qc-muted">{{ record.commitment_letter|truncatechars:80 }}</div>'
        '{% include "credit/partials/attachment_links.html" %}',
        verbose_name=_("证明材料与信用承诺书"), orderable=False)
    due = TemplateColumn(template_name="credit/partials/repair_due.html", verbose_name=_("期限"),
                                orderable=False)
    actions = TemplateColumn(template_name="credit/partials/repair_actions.html", verbose_name="",
                                    orderable=False)

    class Meta(QcityTable.Meta):
        attrs = {"class": SMALL, "id": "repair-queue"}
        row_attrs = {"class": "repair-row"}
        sequence = ("enterprise", "kind", "compliance_proof", "submitted_on", "due", "status", "actions")
        empty_text = _("无申请")
