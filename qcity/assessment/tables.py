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
