import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qcity.core.fields import IdFilter, YearFilter
from qcity.core.filters import YES_NO, StyledFilterSet, UnitFilter
from qcity.core.models import OrgUnit

from .choices import CaseLeadStatus, InspectionOutcome, InspectionPlanStatus
from .models import CaseLead, DrawnTarget, InspectionItem, InspectionPlan, InspectionResult
from .todos import _incomplete as incomplete_targets  # the one "results not all entered" rule


class InspectionItemFilter(StyledFilterSet):
    """Shared by the item list page (and its export) and GET /api/inspection-items/."""

    q = django_filters.CharFilter(label=_("编号/名称"), method="filter_q")
    published = django_filters.BooleanFilter(label=_("已公开"))

    class Meta:
        model = InspectionItem
        fields = ["q", "published"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value)) if value else queryset


class InspectionPlanFilter(StyledFilterSet):
    """Shared by the plan list page (and its export) and GET /api/inspection-plans/."""

    year = YearFilter(label=_("年度"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=InspectionPlanStatus.choices, empty_label=_("全部"))
    org_unit = django_filters.ModelChoiceFilter(label=_("实施单位"), queryset=OrgUnit.objects.all(), empty_label=_("全部"))

    class Meta:
        model = InspectionPlan
        fields = ["year", "status", "org_unit"]


class InspectionResultFilter(StyledFilterSet):
    """Shared by the result list page and the API."""

    plan = IdFilter(label=_("计划"), field_name="target__draw__plan_id")
    outcome = django_filters.ChoiceFilter(label=_("检查结果"), choices=InspectionOutcome.choices, empty_label=_("全部"))
    published = django_filters.ChoiceFilter(label=_("已公示"), choices=YES_NO, empty_label=_("全部"),
                                            method="filter_published")
    overdue = django_filters.ChoiceFilter(label=_("逾期未公示"), choices=YES_NO, empty_label=_("全部"),
                                          method="filter_overdue")
    case_lead = django_filters.ChoiceFilter(label=_("案件线索"), choices=YES_NO, empty_label=_("全部"),
                                            method="filter_case_lead")

    class Meta:
        model = InspectionResult
        fields = ["plan", "outcome", "published", "overdue", "case_lead"]

    def filter_published(self, queryset, name, value):
        return queryset.filter(published_on__isnull=value != "yes")

    def filter_overdue(self, queryset, name, value):
        overdue = Q(published_on__isnull=True, publish_by__lt=timezone.localdate())
        return queryset.filter(overdue) if value == "yes" else queryset.exclude(overdue)

    def filter_case_lead(self, queryset, name, value):
        return queryset.filter(is_case_lead=value == "yes")


ASSIGNMENT_STATES = (("open", _("待录入")), ("done", _("已完成")))


class MyAssignmentFilter(StyledFilterSet):
    """An inspector's own targets (page, export, GET /api/my-assignments/): one of the plans they were drawn
    for, and whether the results of every drawn item are entered."""

    plan = django_filters.ModelChoiceFilter(label=_("计划"), field_name="draw__plan", empty_label=_("全部"),
                                            queryset=InspectionPlan.objects.all())
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ASSIGNMENT_STATES, empty_label=_("全部"),
                                         method="filter_status")

    class Meta:
        model = DrawnTarget
        fields = ["plan", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["plan"].queryset = InspectionPlan.objects.filter(
            pk__in=self.queryset.order_by().values("draw__plan_id")).order_by("-year", "name")

    def filter_status(self, queryset, name, value):
        open_ids = incomplete_targets(DrawnTarget.objects.filter(pk__in=queryset.order_by().values("pk"))).values("pk")
        return queryset.filter(pk__in=open_ids) if value == "open" else queryset.exclude(pk__in=open_ids)


class PublicResultFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("统一社会信用代码或企业名称"), method="filter_q")
    outcome = django_filters.ChoiceFilter(label=_("检查结果"), choices=InspectionOutcome.choices, empty_label=_("全部"))
    year = YearFilter(label=_("年度"), field_name="inspected_on", lookup_expr="year")

    class Meta:
        model = InspectionResult
        fields = ["q", "outcome", "year"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if len(value) == 18 and value.isalnum():
            return queryset.filter(target__enterprise__uscc=value.upper())
        return queryset.filter(target__enterprise__name__contains=value)


class CaseLeadFilter(StyledFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=CaseLeadStatus.choices, empty_label=_("全部"))
    q = django_filters.CharFilter(label=_("来源编号/企业"), method="filter_q")

    class Meta:
        model = CaseLead
        fields = ["status", "q"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(source_ref__icontains=value) | Q(enterprise__name__icontains=value)) if value else queryset


class DrawnTargetFilter(StyledFilterSet):
    """A plan's drawn targets (its detail page, the export there, GET /api/inspection-plans/<pk>/targets/): an
    enterprise's name or credit code, its unit."""

    q = django_filters.CharFilter(label=_("统一社会信用代码或企业名称"), method="filter_q")
    org_unit = UnitFilter(label=_("所属区域"), queryset=OrgUnit.objects.all(), field_name="enterprise__org_unit")

    class Meta:
        model = DrawnTarget
        fields = ["q", "org_unit"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(enterprise__name__icontains=value) | Q(enterprise__uscc=value.upper()))

