import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qcity.core.fields import IdFilter, YearFilter
from qcity.core.filters import YES_NO, StyledFilterSet
from qcity.core.models import Department, OrgUnit
from qcity.indicators.models import Plan

from .choices import PlanTaskStatus, SupervisionLevel, SupervisionStatus
from .models import PlanTask, Supervision


class PlanTaskFilter(StyledFilterSet):
    """Shared by the task list page and the API."""

    q = django_filters.CharFilter(label=_("编号/名称"), method="filter_q")
    plan = django_filters.ModelChoiceFilter(label=_("规划"), queryset=Plan.objects.only("id", "title"),
                                            empty_label=_("全部"))
    department = django_filters.ModelChoiceFilter(label=_("责任单位"), queryset=Department.objects.all(),
                                                  empty_label=_("全部"), method="filter_department",
                                                  help_text=_("牵头或配合"))
    lead_department = django_filters.ModelChoiceFilter(label=_("牵头单位"), queryset=Department.objects.all(),
                                                       empty_label=_("全部"))
    org_unit = django_filters.ModelChoiceFilter(label=_("责任区县"), queryset=OrgUnit.objects.filter(parent__isnull=False),
                                                empty_label=_("全部"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=PlanTaskStatus.choices, empty_label=_("全部"))
    overdue = django_filters.ChoiceFilter(label=_("逾期"), choices=YES_NO, empty_label=_("全部"),
                                          method="filter_overdue")
    deadline_year = YearFilter(label=_("完成时限年度"), field_name="deadline", lookup_expr="year")

    class Meta:
        model = PlanTask
        fields = ["q", "plan", "department", "lead_department", "org_unit", "status", "overdue", "deadline_year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["department"].label_from_instance = lambda d: d.short_name
        self.form.fields["lead_department"].label_from_instance = lambda d: d.short_name

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(code__icontains=value) | Q(title__icontains=value)) if value else queryset

    def filter_department(self, queryset, name, value: Department):
        supported = PlanTask.supporting_departments.through.objects.filter(department=value).values("plantask_id")
        return queryset.filter(Q(lead_department=value) | Q(pk__in=supported))

    def filter_overdue(self, queryset, name, value):
        overdue = ~Q(status=PlanTaskStatus.COMPLETED) & Q(deadline__lt=timezone.localdate())
        return queryset.filter(overdue) if value == "yes" else queryset.exclude(overdue)


class SupervisionFilter(StyledFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=SupervisionStatus.choices, empty_label=_("全部"))
    level = django_filters.ChoiceFilter(label=_("督办级别"), choices=SupervisionLevel.choices, empty_label=_("全部"))
    lead_department = django_filters.ModelChoiceFilter(label=_("牵头单位"), queryset=Department.objects.all(),
                                                       empty_label=_("全部"), field_name="task__lead_department")
    task = IdFilter(label=_("任务"), field_name="task_id")

    class Meta:
        model = Supervision
        fields = ["status", "level", "lead_department", "task"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["lead_department"].label_from_instance = lambda d: d.short_name
