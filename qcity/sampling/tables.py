import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from qcity.core.tables import TABLE_CLASS, QcityTable

from .models import Sample


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
