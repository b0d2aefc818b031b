"""Columns of the indicator lists: the reported-values queue (who reported what, when, and its state)."""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from qcity.core.tables import TABLE_CLASS, QcityTable, TemplateColumn

from .selectors import reported_value_may_resubmit


class ReportedValueTable(QcityTable):
    """The step buttons read `can_approve` (the office reviews) and, per row, whether the user may
    resubmit a returned value (`selectors.reported_value_may_resubmit`)."""

    indicator = TemplateColumn(
        '<a href="{% url \'indicators:indicator-detail\' record.indicator_id %}">'
        '<span class="qc-muted small">{{ record.indicator.code }}</span> {{ record.indicator.name }}</a>',
        verbose_name=_("指标"), order_by=("indicator__plan__code", "indicator__position", "indicator__code"))
    org_unit = tables.Column(verbose_name=_("行政单元"), accessor="org_unit__name", order_by=("org_unit__path",))
    period = tables.Column(verbose_name=_("期间"), accessor="period_label",
                           order_by=("year", "period_kind", "period_number"))
    value = TemplateColumn(
        '{% load indicators units %}<span title="{{ record.value|number }}">'
        '{{ record.value|quantity:record.indicator }}</span>',
        verbose_name=_("数值"), attrs={"td": {"class": "text-nowrap"}})
    status = TemplateColumn(
        '<span class="badge text-bg-light border">{{ record.get_status_display }}</span>'
        '{% if record.status_note %}<div class="small qc-muted status-note">{{ record.status_note }}</div>{% endif %}',
        verbose_name=_("状态"))
    submitted_by = tables.Column(verbose_name=_("填报人"), accessor="submitted_by__full_name", default="—",
                                 order_by=("submitted_by__full_name", "submitted_by__username"),
                                 attrs={"td": {"class": "small"}})
    submitted_at = tables.DateTimeColumn(verbose_name=_("填报时间"), format="Y-m-d H:i", default="—",
                                         attrs={"td": {"class": "small text-nowrap"}})
    actions = tables.Column(verbose_name="", accessor="pk", orderable=False, attrs={"td": {"class": "text-nowrap"}})

    class Meta(QcityTable.Meta):
        attrs = {"class": TABLE_CLASS, "id": "value-table"}
        row_attrs = {"id": lambda record: f"value-{record.pk}"}
        empty_text = _("暂无数据")

    def __init__(self, *args, user, can_approve: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.can_approve = user, can_approve

    def render_submitted_by(self, record):
        return record.submitted_by.display_name if record.submitted_by else "—"

    def render_actions(self, record):
        return render_to_string("indicators/partials/value_actions.html", {
            "value": record, "can_approve": self.can_approve,
            "can_resubmit": reported_value_may_resubmit(value=record, user=self.user)})


class StatusBoardTable(QcityTable):
    """The status board's rows (`selectors.StatusBoardRow`, computed, not a queryset): every column but the
    target and the trend sorts, the status column by severity (off track first)."""

    indicator = TemplateColumn(
        '<a href="{% url \'indicators:indicator-detail\' record.indicator.pk %}?year={{ record.item.year }}">'
        '{{ record.indicator.name }}</a>',
        verbose_name=_("指标"), order_by=("indicator__position", "indicator__pk"))
    domain = tables.Column(verbose_name=_("领域"), accessor="domain_label", attrs={"td": {"class": "small"}})
    target = TemplateColumn(
        '{% load indicators units %}{% with m=record.result.milestone %}{% if m %}{{ m.year }}：'
        '{% if m.value is None %}{{ m.low|amount:record.indicator }}–{{ m.high|amount:record.indicator }}'
        '{% else %}{{ record.indicator.get_comparator_display }} {{ m.value|amount:record.indicator }}{% endif %}'
        '{{ record.indicator.unit|unit }}{% else %}—{% endif %}{% endwith %}',
        verbose_name=_("目标"), orderable=False, attrs={"td": {"class": "small text-nowrap"}})
    actual = TemplateColumn(
        '{% load units %}{{ record.result.actual|quantity:record.indicator }}',
        verbose_name=_("数值"), order_by=("result__actual",), attrs={"td": {"class": "text-nowrap"}})
    expected = TemplateColumn(
        '{% load units %}{{ record.result.expected|quantity:record.indicator }}',
        verbose_name=_("应达进度"), order_by=("result__expected",), attrs={"td": {"class": "small text-nowrap"}})
    trend = TemplateColumn(
        '{% load indicators %}{% sparkline record.history record.indicator.unit %}',
        verbose_name=_("近年走势"), orderable=False)
    status = TemplateColumn(
        '{% include "indicators/partials/status_badge.html" with status=record.status label=record.status_label %}',
        verbose_name=_("状态"), order_by=("severity", "indicator__position"))

    class Meta(QcityTable.Meta):
        attrs = {"class": TABLE_CLASS, "id": "status-rows-table"}
        empty_text = _("暂无指标")
