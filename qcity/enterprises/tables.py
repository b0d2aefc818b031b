import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from qcity.core.tables import TABLE_CLASS, QcityTable

from .models import Enterprise


class EnterpriseTable(QcityTable):
    uscc = tables.Column(linkify=("enterprises:detail", {"pk": tables.A("pk")}))
    name = tables.Column(linkify=("enterprises:detail", {"pk": tables.A("pk")}))
    org_unit = tables.Column(verbose_name=_("所属区域"), accessor="org_unit__short_name")
    established_on = tables.DateColumn(format="Y-m-d")

    class Meta(QcityTable.Meta):
        model = Enterprise
        fields = ("uscc", "name", "entity_type", "industry_code", "org_unit", "legal_representative",
                  "established_on", "status")
        attrs = {"class": TABLE_CLASS, "id": "enterprise-table"}
        empty_text = _("没有符合条件的企业")
