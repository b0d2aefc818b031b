import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qcity.core.fields import IdFilter, YearFilter
from qcity.core.filters import YES_NO, StyledFilterSet, UnitFilter
from qcity.core.models import OrgUnit

from .choices import FollowupStatus, ProductKind, SampleStatus, SamplingConclusion, SamplingPlanLevel
from .models import Followup, ProductCategory, Sample, SamplingPlan


class SampleFilter(StyledFilterSet):
    """Shared by the sample list page, its export and the API."""

    q = django_filters.CharFilter(label=_("编号/产品/企业"), method="filter_q")
    plan = IdFilter(label=_("抽检计划"), field_name="plan_id")
    category = django_filters.ModelChoiceFilter(label=_("产品类别"), queryset=ProductCategory.objects.all(),
                                                empty_label=_("全部"))
    kind = django_filters.ChoiceFilter(label=_("产品大类"), choices=ProductKind.choices, empty_label=_("全部"),
                                       field_name="category__kind")
    org_unit = UnitFilter(label=_("区县"), queryset=OrgUnit.objects.filter(parent__isnull=False))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=SampleStatus.choices, empty_label=_("全部"))
    conclusion = django_filters.ChoiceFilter(label=_("结论"), choices=SamplingConclusion.choices, empty_label=_("全部"))
    published = django_filters.ChoiceFilter(label=_("已公布"), choices=YES_NO, empty_label=_("全部"),
                                            method="filter_published")
    year = YearFilter(label=_("抽样年度"), field_name="sampling_date", lookup_expr="year")

    class Meta:
        model = Sample
        fields = ["q", "plan", "category", "kind", "org_unit", "status", "conclusion", "published", "year"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(product_name__icontains=value)
                               | Q(enterprise__name__icontains=value) | Q(batch_number=value)
                               | Q(enterprise__uscc=value.upper()))

    def filter_published(self, queryset, name, value):
        return queryset.filter(published_on__isnull=value != "yes")


class SamplingPlanFilter(StyledFilterSet):
    """Shared by the plan list page, its export and the API."""

    q = django_filters.CharFilter(label=_("计划名称"), field_name="title", lookup_expr="icontains")
    level = django_filters.ChoiceFilter(label=_("计划层级"), choices=SamplingPlanLevel.choices, empty_label=_("全部"))
    org_unit = django_filters.ModelChoiceFilter(label=_("组织实施单位"), queryset=OrgUnit.objects.all(),
                                                empty_label=_("全部"))
    year = YearFilter(label=_("年度"), field_name="period_start", lookup_expr="year")
    category = django_filters.ModelChoiceFilter(label=_("产品类别"), queryset=ProductCategory.objects.all(),
                                                empty_label=_("全部"), field_name="categories")

    class Meta:
        model = SamplingPlan
        fields = ["q", "level", "org_unit", "year", "category"]


class FollowupFilter(StyledFilterSet):
    """The follow-up list page and its export (no API list)."""

    q = django_filters.CharFilter(label=_("抽样单/产品/企业"), method="filter_q")
    status = django_filters.ChoiceFilter(label=_("后处理状态"), choices=FollowupStatus.choices, empty_label=_("全部"))
    overdue = django_filters.ChoiceFilter(label=_("逾期未整改"), choices=YES_NO, empty_label=_("全部"),
                                          method="filter_overdue")
    org_unit = UnitFilter(label=_("区县"), queryset=OrgUnit.objects.filter(parent__isnull=False),
                          field_name="sample__org_unit")

    class Meta:
        model = Followup
        fields = ["q", "status", "overdue", "org_unit"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(sample__number__icontains=value) | Q(sample__product_name__icontains=value)
                               | Q(sample__enterprise__name__icontains=value))

    def filter_overdue(self, queryset, name, value):
        overdue = Q(status=FollowupStatus.ORDERED, rectification_deadline__lt=timezone.localdate())
        return queryset.filter(overdue) if value == "yes" else queryset.exclude(overdue)



class PublishedSampleFilter(StyledFilterSet):
    """The public search: enterprise, product, category."""

    enterprise = django_filters.CharFilter(label=_("企业名称或信用代码"), method="filter_enterprise")
    product = django_filters.CharFilter(label=_("产品名称"), field_name="product_name", lookup_expr="icontains")
    category = django_filters.ModelChoiceFilter(label=_("产品类别"), queryset=ProductCategory.objects.all(),
                                                empty_label=_("全部"))
    conclusion = django_filters.ChoiceFilter(label=_("结论"), choices=SamplingConclusion.choices, empty_label=_("全部"))

    class Meta:
        model = Sample
        fields = ["enterprise", "product", "category", "conclusion"]

    def filter_enterprise(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if len(value) == 18 and value.isalnum():
            return queryset.filter(enterprise__uscc=value.upper())
        return queryset.filter(Q(enterprise__name__icontains=value) | Q(manufacturer__name__icontains=value)
                               | Q(manufacturer_name__icontains=value))
