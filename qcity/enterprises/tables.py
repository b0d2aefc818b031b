import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Enterprise


class EnterpriseTable(tables.Table):
    uscc = tables.Column(linkify=("enterprises:detail", {"pk": tables.A("pk")}))
    name = tables.Column(linkify=("enterprises:detail", {"pk": tables.A("pk")}))
    org_unit = tables.Column(verbose_name=_("所属区域"), accessor="org_unit__short_name")
    established_on = tables.DateColumn(format="Y-m-d")

    class Meta:
        model = Enterprise
        fields = ("uscc", "name", "entity_type", "industry_code", "org_unit", "legal_representative",
                  "established_on", "status")
        orderable = False
        attrs = {"class": "table table-sm table-hover align-middle", "id": "enterprise-table"}
        empty_text = _("没有符合条件的企业")
