import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from qcity.core.tables import TABLE_CLASS, QcityTable, UnitColumn

from .models import Enterprise, EnterpriseAccount


class EnterpriseTable(QcityTable):
    uscc = tables.Column(linkify=("enterprises:detail", {"pk": tables.A("pk")}))
    name = tables.Column(linkify=("enterprises:detail", {"pk": tables.A("pk")}))
    org_unit = UnitColumn(verbose_name=_("所属区域"))
    established_on = tables.DateColumn(format="Y-m-d")

    class Meta(QcityTable.Meta):
        model = Enterprise
        fields = ("uscc", "name", "entity_type", "industry_code", "org_unit", "legal_representative",
                  "established_on", "status")
        attrs = {"class": TABLE_CLASS, "id": "enterprise-table"}
        empty_text = _("没有符合条件的企业")


class EnterpriseAccountTable(QcityTable):
    """The district's list of enterprise accounts; the confirm / revoke buttons are in the last column."""

    enterprise = tables.Column(verbose_name=_("企业"), accessor="enterprise__name",
                               linkify=("enterprises:detail", {"pk": tables.A("enterprise_id")}))
    uscc = tables.Column(verbose_name=_("统一社会信用代码"), accessor="enterprise__uscc")
    user = tables.Column(verbose_name=_("用户名"), accessor="user__username")
    full_name = tables.Column(verbose_name=_("姓名"), accessor="user__full_name")
    # In full: the officer calls the registrant to check the registration before confirming it.
    phone = tables.Column(verbose_name=_("手机号码"), accessor="user__phone", default="—")
    legal_representative = tables.Column(verbose_name=_("法定代表人（登记）"),
                                         accessor="enterprise__legal_representative")
    created_at = tables.DateTimeColumn(format="Y-m-d H:i")
    actions = tables.TemplateColumn(template_name="enterprises/partials/account_actions.html",
                                    verbose_name=_("操作"), orderable=False)

    class Meta(QcityTable.Meta):
        model = EnterpriseAccount
        fields = ("enterprise", "uscc", "user", "full_name", "phone", "legal_representative", "role", "status",
                  "created_at", "actions")
        attrs = {"class": TABLE_CLASS, "id": "enterprise-account-table"}
        empty_text = _("没有符合条件的企业账号")

    def render_legal_representative(self, value, record):
        """The registered legal representative, and whether the account holder's name matches it (the
        self-registered administrator's does by construction; an invited colleague's need not)."""
        same = "".join((value or "").split()) == "".join((record.user.full_name or "").split())
        return format_html("{} <span class=\"badge {}\" data-legal-match=\"{}\">{}</span>", value,
                           "text-bg-success" if same else "text-bg-secondary", "yes" if same else "no",
                           _("姓名一致") if same else _("非法定代表人"))
