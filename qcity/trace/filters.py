"""FilterSets of the trace app's lists, shared by the list pages, their exports and the API (a bad value is a
400 naming the parameter there)."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qcity.core.fields import BoundedDateFilter
from qcity.core.filters import YES_NO, StyledFilterSet, UnitFilter, contains_any

from .choices import RecallKind, RecallStatus, TraceCodeKind
from .models import Location, Lot, Party, Product, Recall, TraceCategory, TraceCode
from .services.master import in_force


# --- trace codes ---------------------------------------------------------------------------------------------
class TraceCodeFilter(StyledFilterSet):
    """The list of issued codes (page and API): kind, and a text matching the key, product, lot or company."""

    kind = django_filters.ChoiceFilter(label=_("类型"), choices=TraceCodeKind.choices)
    q = django_filters.CharFilter(label=_("产品、批号或企业"), method="filter_text", max_length=100)

    class Meta:
        model = TraceCode
        fields = ["kind"]

    def filter_text(self, queryset, name, value):
        return contains_any(queryset, value, "key", "product__name", "lot__lot_number", "enterprise__name")


# --- master data: catalogue, parties, locations, products, lots ----------------------------------------------
class TraceCategoryFilter(StyledFilterSet):
    """The catalogue (page and API): a text matching the group, name or keywords; in force today or not."""

    q = django_filters.CharFilter(label=_("类别、产品类别或关键词"), method="filter_text", max_length=100)
    in_force = django_filters.ChoiceFilter(label=_("目前在列"), choices=YES_NO, empty_label=_("全部"),
                                           method="filter_in_force")

    class Meta:
        model = TraceCategory
        fields = ["q", "in_force"]

    def filter_text(self, queryset, name, value):
        return contains_any(queryset, value, "group", "name", "keywords")

    def filter_in_force(self, queryset, name, value):
        condition = in_force(timezone.localdate())
        return queryset.filter(condition) if value == "yes" else queryset.exclude(condition)


class PartyFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("名称、GLN或信用代码"), method="filter_text", max_length=100)
    org_unit = UnitFilter(label=_("所属区域"))

    class Meta:
        model = Party
        fields = ["q", "org_unit"]

    def filter_text(self, queryset, name, value):
        return contains_any(queryset, value, "name", "gln", "enterprise__uscc", "enterprise__name")


class LocationFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("名称、GLN或地址"), method="filter_text", max_length=100)
    party = django_filters.CharFilter(label=_("所属主体GLN"), field_name="party__gln", max_length=13)
    org_unit = UnitFilter(label=_("所属区域"))

    class Meta:
        model = Location
        fields = ["q", "party", "org_unit"]

    def filter_text(self, queryset, name, value):
        return contains_any(queryset, value, "name", "gln", "address", "party__name")


class ProductFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("产品名称、GTIN或品牌"), method="filter_text", max_length=100)
    category = django_filters.ModelChoiceFilter(label=_("追溯目录类别"), queryset=TraceCategory.objects.all(),
                                                empty_label=_("全部"))
    producer = django_filters.CharFilter(label=_("生产者GLN"), field_name="producer__gln", max_length=13)

    class Meta:
        model = Product
        fields = ["q", "category", "producer"]

    def filter_text(self, queryset, name, value):
        return contains_any(queryset, value, "name", "gtin", "brand", "producer__name")


class LotFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("批号、产品名称或GTIN"), method="filter_text", max_length=100)
    gtin = django_filters.CharFilter(label=_("GTIN"), field_name="product__gtin", max_length=14)
    produced_from = BoundedDateFilter(label=_("生产日期起"), field_name="produced_on", lookup_expr="gte")
    produced_to = BoundedDateFilter(label=_("生产日期止"), field_name="produced_on", lookup_expr="lte")

    class Meta:
        model = Lot
        fields = ["q", "gtin", "produced_from", "produced_to"]

    def filter_text(self, queryset, name, value):
        return contains_any(queryset, value, "lot_number", "product__name", "product__gtin")


# --- recalls -------------------------------------------------------------------------------------------------
class RecallFilter(StyledFilterSet):
    """The recall list (page and API): status, kind, unit, and a text matching the product, GTIN or lot."""

    status = django_filters.ChoiceFilter(label=_("状态"), choices=RecallStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("召回方式"), choices=RecallKind.choices)
    org_unit = UnitFilter(label=_("负责区域"))
    q = django_filters.CharFilter(label=_("产品、条码或批号"), method="filter_text", max_length=100)

    class Meta:
        model = Recall
        fields = ["status", "kind", "org_unit"]

    def filter_text(self, queryset, name, value):
        return contains_any(queryset, value, "lot__product__name", "lot__product__gtin", "lot__lot_number")
