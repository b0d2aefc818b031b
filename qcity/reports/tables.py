"""Columns of the report page: the years a white paper can be issued for and the plans with a mid-term
evaluation. Both are a handful of rows by design (the programme's years, the plans with indicators), so the
page shows them whole, sortable, without a filter or an export (the rows are download buttons)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from qcity.core.tables import TABLE_CLASS, QcityTable, TemplateColumn

from . import services

_END = {"td": {"class": "text-end text-nowrap"}}


class WhitePaperYearTable(QcityTable):
    """Rows are `{"year": …}`; each format's panel loads itself (generate, progress, download)."""

    year = tables.Column(verbose_name=_("年度"))
    documents = TemplateColumn(
        "{% for fmt in formats %}<div class=\"mb-1\" hx-get=\"{% url 'reports:generated-document-panel' %}"
        "?kind=white-paper&year={{ record.year }}&format={{ fmt }}\" hx-trigger=\"load\" hx-swap=\"outerHTML\">"
        "</div>{% endfor %}", verbose_name="", orderable=False, attrs=_END, extra_context={"formats": services.FORMATS})

    class Meta(QcityTable.Meta):
        attrs = {"class": TABLE_CLASS + " mb-0", "id": "white-paper-table"}
        empty_text = _("暂无已审定数据")

    def render_year(self, value):
        return _("%(year)s年") % {"year": value}


class MidtermPlanTable(QcityTable):
    title = tables.Column(verbose_name=_("规划"))
    period_start = tables.Column(verbose_name=_("规划期"), order_by=("period_start", "period_end"),
                                 attrs={"td": {"class": "text-nowrap"}})
    documents = TemplateColumn(
        "{% for fmt in formats %}<a class=\"btn btn-sm btn-outline-secondary ms-1\" "
        "href=\"{% url 'reports:midterm-evaluation' %}?plan={{ record.code|urlencode }}&amp;format={{ fmt }}\">"
        "{{ fmt|upper }}</a>{% endfor %}", verbose_name="", orderable=False, attrs=_END,
        extra_context={"formats": services.FORMATS})

    class Meta(QcityTable.Meta):
        attrs = {"class": TABLE_CLASS + " mb-0", "id": "midterm-table"}
        empty_text = _("无记录")

    def render_period_start(self, record):
        return f"{record.period_start}–{record.period_end}"
