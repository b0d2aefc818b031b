import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from qcity.core.tables import TABLE_CLASS, QcityTable

from .models import Followup, Sample, SamplingPlan


class SampleTable(QcityTable):
    number = tables.Column(linkify=("sampling:sample-detail", {"pk": tables.A("pk")}))
    product_name = tables.Column(linkify=("sampling:sample-detail", {"pk": tables.A("pk")}))
    enterprise = tables.Column(verbose_name=_("被抽样单位"), accessor="enterprise__name")
    category = tables.Column(verbose_name=_("产品类别"), accessor="category__name")
    org_unit = tables.Column(verbose_name=_("区县"), accessor="org_unit__name")
    batch_number = tables.Column()
    sampling_date = tables.DateColumn(format="Y-m-d", attrs={"td": {"class": "text-nowrap"}})
    status = tables.Column()
    conclusion = tables.Column(default="—")
    published_on = tables.DateColumn(format="Y-m-d", default="—", verbose_name=_("公布"))

    class Meta(QcityTable.Meta):
        model = Sample
        fields = ("number", "product_name", "enterprise", "category", "org_unit", "batch_number", "sampling_date",
                  "status", "conclusion", "published_on")
        attrs = {"class": TABLE_CLASS, "id": "sample-table"}
        row_attrs = {"data-conclusion": lambda record: record.conclusion or "none"}
        empty_text = _("没有符合条件的样品")

    def render_conclusion(self, record):
        css = "success" if record.conclusion == "pass" else "danger"
        return format_html('<span class="badge text-bg-{}">{}</span>', css, record.get_conclusion_display())


class SamplingPlanTable(QcityTable):
    title = tables.Column(linkify=lambda record: f"{reverse('sampling:sample-list')}?plan={record.pk}")
    level = tables.Column()
    org_unit = tables.Column(verbose_name=_("组织实施单位"), accessor="org_unit__name",
                             order_by=("org_unit__sort_order", "org_unit_id"))
    period_start = tables.Column(verbose_name=_("计划期"), attrs={"td": {"class": "text-nowrap"}})
    categories = tables.Column(verbose_name=_("产品类别"), accessor="pk", orderable=False,
                               attrs={"td": {"class": "small"}})
    planned_batches = tables.Column(attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})
    sample_count = tables.Column(verbose_name=_("已抽样"), attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})

    class Meta(QcityTable.Meta):
        model = SamplingPlan
        fields = ("title", "level", "org_unit", "period_start", "categories", "planned_batches", "sample_count")
        attrs = {"class": TABLE_CLASS, "id": "plan-table"}
        empty_text = _("没有抽检计划")

    def render_period_start(self, record):
        return f"{record.period_start:%Y-%m-%d} — {record.period_end:%Y-%m-%d}"

    def render_categories(self, record):
        return "、".join(c.name for c in record.categories.all())


class FollowupTable(QcityTable):
    """`today` decides the overdue flag, as in the export."""

    sample = tables.Column(verbose_name=_("抽样单"), accessor="sample__number", order_by=("sample__number",),
                           linkify=("sampling:sample-detail", {"pk": tables.A("sample_id")}))
    enterprise = tables.Column(verbose_name=_("被抽样单位"), accessor="sample__enterprise__name")
    product = tables.Column(verbose_name=_("产品"), accessor="sample__product_name")
    org_unit = tables.Column(verbose_name=_("区县"), accessor="sample__org_unit__name",
                             order_by=("sample__org_unit__sort_order", "sample__org_unit_id"))
    ordered_on = tables.DateColumn(verbose_name=_("责令整改"), format="Y-m-d", attrs={"td": {"class": "text-nowrap"}})
    rectification_deadline = tables.DateColumn(format="Y-m-d", attrs={"td": {"class": "text-nowrap"}})
    status = tables.Column()

    class Meta(QcityTable.Meta):
        model = Followup
        fields = ("sample", "enterprise", "product", "org_unit", "ordered_on", "rectification_deadline", "status")
        attrs = {"class": TABLE_CLASS, "id": "followup-table"}
        row_attrs = {"data-overdue": lambda record, table: "1" if record.is_overdue(table.today) else "0"}
        empty_text = _("没有后处理记录")

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def render_status(self, record):
        if record.is_overdue(self.today):
            return format_html('{} <span class="badge text-bg-danger overdue-flag">{}</span>',
                               record.get_status_display(), _("逾期未整改"))
        return record.get_status_display()


def _overall(name: str):
    """A footer cell of the overall line (none when there are no rows)."""
    return lambda table: "" if table.overall is None else getattr(table.overall, name)


def _figure(name: str, label, **footer_attrs):
    end = {"class": "text-end"}
    return tables.Column(verbose_name=label, default="—", footer=_overall(name),
                         attrs={"td": end, "th": end, "tf": {**end, **footer_attrs}})


class PassRateTable(QcityTable):
    """Rows are `pass_rates.PassRateRow` (computed, sorted in Python); the footer is the overall line. The
    first column is named after the grouping (`group_label`)."""

    label = tables.Column(footer=lambda table: "" if table.overall is None else _("合计"))
    total = _figure("total", _("抽检批次"))
    passed = _figure("passed", _("合格"))
    failed = _figure("failed", _("不合格"))
    pass_rate = _figure("pass_rate", _("合格率（%）"), id="overall-rate")
    failure_rate = _figure("failure_rate", _("不合格发现率（%）"))

    class Meta(QcityTable.Meta):
        attrs = {"class": TABLE_CLASS, "id": "rate-table", "tfoot": {"class": "fw-semibold"}}
        empty_text = _("没有已出结论的样品")

    def __init__(self, *args, group_label, overall, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns["label"].column.verbose_name = group_label  # this table's own copy of the column
        self.overall = overall
