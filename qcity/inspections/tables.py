"""Columns of the double-random inspection lists: items, inspectors, plans and results."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from qcity.core.tables import TABLE_CLASS, QcityTable, TemplateColumn

from .models import CaseLead


class InspectionItemTable(QcityTable):
    """The publish button reads `is_manager` from the page's context."""

    code = tables.Column(verbose_name=_("事项编号"))
    name = tables.Column(verbose_name=_("事项名称"))
    legal_basis = tables.Column(verbose_name=_("检查依据"), attrs={"td": {"class": "small"}})
    org_unit = TemplateColumn(
        '{{ record.org_unit.name }}{% if record.department %} · {{ record.department.short_name }}{% endif %}',
        verbose_name=_("实施单位"), order_by=("org_unit__path", "department__short_name"))
    method = tables.Column(verbose_name=_("检查方式"), default="—")
    industry_codes = TemplateColumn(
        '{% load i18n %}{% if record.industry_codes %}{{ record.industry_codes|join:", " }}'
        '{% else %}{% translate "全部行业" %}{% endif %}', verbose_name=_("适用行业"), orderable=False)
    published = TemplateColumn(template_name="inspections/partials/item_published.html",
                                      verbose_name=_("公开"), order_by=("published_on",))

    class Meta(QcityTable.Meta):
        attrs = {"class": TABLE_CLASS, "id": "item-table"}
        empty_text = _("没有抽查事项")


class InspectorTable(QcityTable):
    badge_number = tables.Column(verbose_name=_("执法证号"), linkify=("inspections:inspector-detail", {"pk": tables.A("pk")}))
    name = tables.Column(verbose_name=_("姓名"), accessor="user__full_name", order_by=("user__full_name", "user__username"))
    org_unit = tables.Column(verbose_name=_("所属单位"), accessor="org_unit__name", order_by=("org_unit__path",))
    qualifications = TemplateColumn(
        '{% for q in record.qualifications.all %}{{ q.code }}{% if not forloop.last %}、{% endif %}{% empty %}—{% endfor %}',
        verbose_name=_("可检查事项"), orderable=False, attrs={"td": {"class": "small"}})
    active = tables.BooleanColumn(verbose_name=_("在岗"), yesno=(_("是"), _("否")))
    conflict_count = tables.Column(verbose_name=_("回避申报"))

    class Meta(QcityTable.Meta):
        attrs = {"class": TABLE_CLASS, "id": "inspector-table"}
        empty_text = _("名录库中还没有检查人员")

    def render_name(self, record):
        return record.user.full_name or record.user.username


class InspectionPlanTable(QcityTable):
    year = tables.Column(verbose_name=_("年度"))
    name = tables.Column(verbose_name=_("计划名称"),
                         linkify=("inspections:inspection-plan-detail", {"pk": tables.A("pk")}))
    org_unit = tables.Column(verbose_name=_("实施单位"), accessor="org_unit__name", order_by=("org_unit__path",))
    period = TemplateColumn('{{ record.period_start|date:"Y-m-d" }} — {{ record.period_end|date:"Y-m-d" }}',
                                   verbose_name=_("检查期间"), order_by=("period_start", "period_end"),
                                   attrs={"td": {"class": "small text-nowrap"}})
    items = TemplateColumn(
        '{% for pi in record.plan_items.all %}{{ pi.item.code }}{% if not forloop.last %}、{% endif %}{% endfor %}',
        verbose_name=_("抽查事项"), orderable=False, attrs={"td": {"class": "small"}})
    status = tables.Column(verbose_name=_("状态"))

    class Meta(QcityTable.Meta):
        attrs = {"class": TABLE_CLASS, "id": "plan-table"}
        empty_text = _("没有抽查计划")


def _overdue(record, table) -> bool:
    return not record.published_on and record.publish_by < table.today


class InspectionResultTable(QcityTable):
    """Overdue rows (not published past `publish_by`) are marked; the publish button reads `is_manager`."""

    enterprise = tables.Column(verbose_name=_("企业"), accessor="target__enterprise__name",
                               linkify=("inspections:target-detail", {"pk": tables.A("target_id")}))
    plan = tables.Column(verbose_name=_("计划"), accessor="target__draw__plan__name", attrs={"td": {"class": "small"}})
    item = tables.Column(verbose_name=_("事项"), accessor="item__code")
    outcome = TemplateColumn(
        '{% load i18n %}{{ record.get_outcome_display }}{% if record.is_case_lead %} '
        '<span class="badge text-bg-warning">{% translate "案件线索" %}</span>{% endif %}', verbose_name=_("检查结果"))
    inspected_on = tables.DateColumn(verbose_name=_("检查完成"), format="Y-m-d")
    publish_by = TemplateColumn(template_name="inspections/partials/result_publish_by.html",
                                       verbose_name=_("公示期限"))
    published_on = TemplateColumn(template_name="inspections/partials/result_published.html",
                                         verbose_name=_("公示"))

    class Meta(QcityTable.Meta):
        attrs = {"class": TABLE_CLASS, "id": "result-table"}
        row_attrs = {"class": lambda record, table: "result-row table-danger" if _overdue(record, table) else "result-row",
                     "data-overdue": lambda record, table: "1" if _overdue(record, table) else None}
        empty_text = _("没有检查结果")

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today


class TargetPoolTable(QcityTable):
    """Rows are {"pool", "snapshot"} (the latest snapshot of each pool, at most 200 pools): sorted in
    Python, so only the pool's own text columns sort."""

    name = tables.Column(verbose_name=_("名称"), accessor="pool__name")
    org_unit = tables.Column(verbose_name=_("管理单位"), accessor="pool__org_unit__name")
    criteria = TemplateColumn(template_name="inspections/partials/pool_criteria.html",
                                     verbose_name=_("筛选条件"), orderable=False, attrs={"td": {"class": "small"}})
    size = tables.Column(verbose_name=_("对象数"), accessor="snapshot__size", default="—", orderable=False)
    snapshot = TemplateColumn(template_name="inspections/partials/pool_snapshot.html",
                                     verbose_name=_("快照"), orderable=False, attrs={"td": {"class": "small"}})
    build = TemplateColumn(template_name="inspections/partials/pool_build.html", verbose_name="",
                                  orderable=False)

    class Meta(QcityTable.Meta):
        attrs = {"class": TABLE_CLASS, "id": "pool-table"}
        empty_text = _("还没有名录库")


class CaseLeadTable(QcityTable):
    """The close form is in every open row: any market officer over the unit may record the outcome."""

    source_ref = tables.Column(attrs={"td": {"class": "font-monospace text-nowrap"}})
    enterprise = tables.Column(default="—")
    org_unit = tables.Column(order_by=("org_unit__path",))
    summary = tables.Column(orderable=False)
    status = tables.Column()
    created_on = tables.DateColumn(format="Y-m-d")
    closed_on = tables.DateColumn(format="Y-m-d")
    actions = TemplateColumn(verbose_name="", orderable=False, template_name="inspections/partials/case_lead_close.html")

    class Meta(QcityTable.Meta):
        model = CaseLead
        fields = ("source_ref", "enterprise", "org_unit", "summary", "status", "created_on", "closed_on", "actions")
        attrs = {"class": TABLE_CLASS, "id": "case-lead-table"}
        empty_text = _("暂无案件线索")

    def render_org_unit(self, value):
        return value.short_name or value.name


class MyAssignmentTable(QcityTable):
    """An inspector's own drawn targets: entered results against drawn items (rows prefetch both)."""

    plan = tables.Column(verbose_name=_("计划"), accessor="draw__plan__name", attrs={"td": {"class": "small"}})
    enterprise = tables.Column(verbose_name=_("企业"), accessor="enterprise__name",
                               linkify=("inspections:target-detail", {"pk": tables.A("pk")}))
    org_unit = tables.Column(verbose_name=_("所属区域"), accessor="enterprise__org_unit__name",
                             order_by=("enterprise__org_unit__path",))
    period_end = tables.DateColumn(verbose_name=_("检查结束"), accessor="draw__plan__period_end", format="Y-m-d")
    inspectors = TemplateColumn(
        '{% for a in record.assignments.all %}{{ a.inspector.user.full_name|default:a.inspector.user.username }}'
        '{% if not forloop.last %}、{% endif %}{% endfor %}', verbose_name=_("检查人员"), orderable=False,
        attrs={"td": {"class": "small"}})
    entered = TemplateColumn('{{ record.results.all|length }}/{{ record.item_ids|length }}', verbose_name=_("已录入"),
                             orderable=False)

    class Meta(QcityTable.Meta):
        attrs = {"class": TABLE_CLASS, "id": "assignment-table"}
        empty_text = _("没有分派给您的检查任务")


class DrawnTargetTable(QcityTable):
    """A plan's drawn targets on its detail page: the drawn items by code (`item_codes`, the plan's), the
    inspectors with their badge numbers, the results entered against the items drawn."""

    enterprise = TemplateColumn(
        '<a href="{% url "inspections:target-detail" record.pk %}">{{ record.enterprise.name }}</a>'
        '<div class="small qc-muted">{{ record.enterprise.uscc }}</div>',
        verbose_name=_("企业"), order_by=("enterprise__name",))
    org_unit = tables.Column(verbose_name=_("所属区域"), accessor="enterprise__org_unit__name",
                             order_by=("enterprise__org_unit__path",))
    items = tables.Column(verbose_name=_("检查事项"), accessor="item_ids", orderable=False,
                          attrs={"td": {"class": "small"}})
    inspectors = TemplateColumn(
        '{% for a in record.assignments.all %}{{ a.inspector.user.full_name|default:a.inspector.user.username }}'
        '（{{ a.inspector.badge_number }}）{% if not forloop.last %}、{% endif %}{% endfor %}',
        verbose_name=_("检查人员"), orderable=False, attrs={"td": {"class": "small assigned-inspectors"}})
    entered = TemplateColumn('{{ record.results.all|length }}/{{ record.item_ids|length }}', verbose_name=_("已录入"),
                             orderable=False)

    class Meta(QcityTable.Meta):
        attrs = {"class": TABLE_CLASS, "id": "target-table"}
        row_attrs = {"class": "target-row"}
        empty_text = _("没有可见的抽中对象")

    def __init__(self, *args, item_codes: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.item_codes = item_codes

    def render_items(self, value):
        return " ".join(self.item_codes[i] for i in value if i in self.item_codes)
