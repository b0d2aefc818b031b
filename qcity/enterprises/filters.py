import django_filters
from django.utils.translation import gettext_lazy as _

from qcity.core.filters import StyledFilterSet, UnitFilter
from qcity.core.models import OrgUnit

from .choices import EnterpriseAccountRole, EnterpriseAccountStatus, EnterpriseStatus, EntityType
from .models import Enterprise, EnterpriseAccount
from .search import search


class EnterpriseFilter(StyledFilterSet):
    """Shared by the list page and the API."""

    count_estimate: int | None = None

    applied_last = ("q",)
    q = django_filters.CharFilter(label=_("代码/名称/拼音首字母"), method="filter_q")
    uscc = django_filters.CharFilter(label=_("统一社会信用代码"), field_name="uscc", lookup_expr="exact")
    org_unit = UnitFilter(label=_("所属区域"), queryset=OrgUnit.objects.all())
    entity_type = django_filters.ChoiceFilter(label=_("主体类型"), choices=EntityType.choices, empty_label=_("全部"))
    status = django_filters.ChoiceFilter(label=_("登记状态"), choices=EnterpriseStatus.choices, empty_label=_("全部"))
    industry_code = django_filters.CharFilter(label=_("行业代码"), method="filter_industry")

    class Meta:
        model = Enterprise
        fields = ["q", "uscc", "org_unit", "entity_type", "status", "industry_code"]

    def filter_q(self, queryset, name, value):
        found = search(queryset, value)
        self.count_estimate = found.estimate  # for the list page's pager: "约 N 条"
        return found.queryset

    def filter_industry(self, queryset, name, value):
        return queryset.filter(industry_code__startswith=value.strip().upper())


class EnterpriseAccountFilter(StyledFilterSet):
    """The district's list of enterprise accounts."""

    status = django_filters.ChoiceFilter(label=_("账号状态"), choices=EnterpriseAccountStatus.choices,
                                         empty_label=_("全部"))
    role = django_filters.ChoiceFilter(label=_("企业内角色"), choices=EnterpriseAccountRole.choices,
                                       empty_label=_("全部"))
    q = django_filters.CharFilter(label=_("代码/企业名称"), method="filter_q")

    class Meta:
        model = EnterpriseAccount
        fields = ["status", "role", "q"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if len(value) == 18 and value.isalnum():
            return queryset.filter(enterprise__uscc=value.upper())
        return queryset.filter(enterprise__name__icontains=value)
