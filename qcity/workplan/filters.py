import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qcity.core.fields import IdFilter, YearFilter
from qcity.core.filters import YES_NO, StyledFilterSet, UnitFilter, in_org_unit
from qcity.core.models import Department, OrgUnit
from qcity.indicators.models import Plan

from .choices import NoticeKind, PlanTaskStatus, SupervisionLevel, SupervisionStatus
from .models import Notice, PlanTask, Supervision


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
    """Shared by the supervision list page, its export and the API."""

    q = django_filters.CharFilter(label=_("任务编号/名称"), method="filter_q")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=SupervisionStatus.choices, empty_label=_("全部"))
    level = django_filters.ChoiceFilter(label=_("督办级别"), choices=SupervisionLevel.choices, empty_label=_("全部"))
    lead_department = django_filters.ModelChoiceFilter(label=_("牵头单位"), queryset=Department.objects.all(),
                                                       empty_label=_("全部"), field_name="task__lead_department")
    org_unit = UnitFilter(label=_("责任区县"), queryset=OrgUnit.objects.filter(parent__isnull=False),
                          field_name="task__org_unit")
    task = IdFilter(label=_("任务"), field_name="task_id")

    class Meta:
        model = Supervision
        fields = ["q", "status", "level", "lead_department", "org_unit", "task"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["lead_department"].label_from_instance = lambda d: d.short_name

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(task__code__icontains=value) | Q(task__title__icontains=value)) if value else queryset



class NoticeFilter(StyledFilterSet):
    """Shared by the notice list page, its export and the API. A unit filter keeps the notices naming at least
    one of its tasks (led by the department, or carried out in the district)."""

    q = django_filters.CharFilter(label=_("文号/标题"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=NoticeKind.choices, empty_label=_("全部"))
    year = YearFilter(label=_("年度"))
    department = django_filters.ModelChoiceFilter(label=_("牵头单位"), queryset=Department.objects.all(),
                                                  empty_label=_("全部"), method="filter_department")
    org_unit = django_filters.ModelChoiceFilter(label=_("责任区县"), queryset=OrgUnit.objects.filter(parent__isnull=False),
                                                empty_label=_("全部"), method="filter_org_unit")

    class Meta:
        model = Notice
        fields = ["q", "kind", "year", "department", "org_unit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["department"].label_from_instance = lambda d: d.short_name

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value)) if value else queryset

    def filter_department(self, queryset, name, value: Department):
        return queryset.filter(pk__in=Notice.tasks.through.objects.filter(plantask__lead_department=value)
                               .values("notice_id"))

    def filter_org_unit(self, queryset, name, value: OrgUnit):
        tasks = in_org_unit(PlanTask.objects.all(), value).values("pk")
        return queryset.filter(pk__in=Notice.tasks.through.objects.filter(plantask__in=tasks).values("notice_id"))
