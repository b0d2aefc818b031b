"""Columns of the assessment lists: the quality index by unit (computed rows, sorted in Python)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from qcity.core.tables import TABLE_CLASS, QcityTable, TemplateColumn


def _index(label):
    return tables.Column(verbose_name=label, default="—", attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})


class QualityIndexTable(QcityTable):
    """Rows are `quality_index.QualityIndexRow`; the unit whose trend is drawn (`table.highlight`) is marked."""

    org_unit = TemplateColumn(
        '<a href="?year={{ record.year }}&amp;org_unit={{ record.org_unit.pk }}">{{ record.org_unit.name }}</a>',
        verbose_name=_("单位"), order_by=("org_unit__path",))
    total = tables.Column(verbose_name=_("总指数"), default="—",
                          attrs={"td": {"class": "text-end fw-semibold"}, "th": {"class": "text-end"}})
    product = _index(_("产品质量"))
    engineering = _index(_("工程质量"))
    service = _index(_("服务质量"))
    environment = _index(_("环境质量"))

    class Meta(QcityTable.Meta):
        attrs = {"class": TABLE_CLASS + " mb-0", "id": "index-table"}
        row_attrs = {"class": lambda record, table: "table-warning" if record.org_unit.pk == table.highlight else ""}
        empty_text = _("暂无审定数据")

    def __init__(self, *args, highlight: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.highlight = highlight


def _number(label):
    return tables.Column(verbose_name=label, attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})


class SchemeTable(QcityTable):
    """The schemes (one or two a year, so one page, no filter): `selectors.scheme_list` annotates the counts."""

    year = tables.Column(verbose_name=_("年度"))
    name = tables.Column(verbose_name=_("方案名称"), linkify=("assessment:scheme-detail", {"pk": tables.A("pk")}))
    status = TemplateColumn(
        '<span class="badge {% if record.status == "published" %}bg-success{% else %}bg-secondary{% endif %}">'
        '{{ record.get_status_display }}</span>', verbose_name=_("状态"), order_by=("status",))
    item_count = _number(_("考核项"))
    result_count = _number(_("结果"))
    ranking = TemplateColumn(
        '{% load i18n %}{% if record.result_count %}<a href="{% url "assessment:scheme-results" record.pk %}">'
        '{% translate "排名" %}</a>{% endif %}', verbose_name="", orderable=False)

    class Meta(QcityTable.Meta):
        attrs = {"class": TABLE_CLASS + " mb-0", "id": "scheme-table"}
        empty_text = _("暂无考核方案")
