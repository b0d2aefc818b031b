"""The complaint list's FilterSet, shared by the back-office list page (its tabs are filters too: mine,
triage, overdue), its export and GET /api/complaints/ (a bad value is a 400 naming the parameter there)."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qcity.core.fields import BoundedDateFilter, IdFilter, YearFilter
from qcity.core.filters import YES_NO, StyledFilterSet, UnitFilter
from qcity.core.models import OrgUnit

from .choices import (
    CaseGrade,
    CategoryGroup,
    ComplaintChannel,
    ComplaintEventKind,
    ComplaintKind,
    ComplaintStatus,
    GazetteerKind,
    RewardStatus,
)
from .models import (
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
    DirectSettlementMembership,
    GazetteerEntry,
    ProblemType,
    Reward,
)
from .selectors import overdue_condition


class ComplaintFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("查询编号/标题/被投诉举报方"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=ComplaintKind.choices, empty_label=_("全部"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ComplaintStatus.choices, empty_label=_("全部"))
    channel = django_filters.ChoiceFilter(label=_("来源渠道"), choices=ComplaintChannel.choices, empty_label=_("全部"))
    org_unit = UnitFilter(label=_("承办单位"), queryset=OrgUnit.objects.all())
    category = django_filters.ModelChoiceFilter(label=_("商品或服务类别"), queryset=ComplaintCategory.objects.all(),
                                                empty_label=_("全部"))
    problem_type = django_filters.ModelChoiceFilter(label=_("问题类型"), queryset=ProblemType.objects.all(),
                                                    empty_label=_("全部"))
    received_from = BoundedDateFilter(label=_("收到日期起"), field_name="received_on", lookup_expr="gte")
    received_to = BoundedDateFilter(label=_("收到日期止"), field_name="received_on", lookup_expr="lte")
    overdue = django_filters.ChoiceFilter(label=_("已逾期"), choices=YES_NO, empty_label=_("全部"),
                                          method="filter_overdue")
    triage = django_filters.ChoiceFilter(label=_("待市级分派"), choices=YES_NO, empty_label=_("全部"),
                                         method="filter_triage")
    mine = django_filters.ChoiceFilter(label=_("我承办的"), choices=YES_NO, empty_label=_("全部"),
                                       method="filter_mine")

    class Meta:
        model = Complaint
        fields = ["q", "kind", "status", "channel", "org_unit", "category", "problem_type", "received_from",
                  "received_to", "overdue", "triage", "mine"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(tracking_number__in={value, value.upper()}) | Q(subject__icontains=value)
                               | Q(respondent_name__icontains=value))

    def filter_overdue(self, queryset, name, value):
        """Past the current deadline (`selectors.CURRENT_DEADLINES`), counted on today's date."""
        overdue = overdue_condition(timezone.localdate())
        return queryset.filter(overdue) if value == "yes" else queryset.exclude(overdue)

    def filter_triage(self, queryset, name, value):
        """The city-level triage queue: no handling unit found yet."""
        return queryset.filter(org_unit__isnull=value == "yes")

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return queryset.none() if value == "yes" else queryset
        return queryset.filter(handler=user) if value == "yes" else queryset.exclude(handler=user)


class ComplaintDisclosureFilter(StyledFilterSet):
    """The public complaint disclosure page and GET /api/public/complaint-disclosures/<uscc>/: the calendar
    year shown (absent: the last 12 months), handed to `disclosure.complaint_disclosure`."""

    year = YearFilter(label=_("年度"), method="parameter")


class ComplaintEventFilter(StyledFilterSet):
    """GET /api/complaint-events/?complaint=<id>: one complaint's history."""

    complaint = IdFilter(label=_("投诉举报"), field_name="complaint_id")
    kind = django_filters.ChoiceFilter(label=_("事项"), choices=ComplaintEventKind.choices, empty_label=_("全部"))

    class Meta:
        model = ComplaintEvent
        fields = ["complaint", "kind"]


class RewardFilter(StyledFilterSet):
    """The reward list (有奖举报), its export and GET /api/rewards/."""

    status = django_filters.ChoiceFilter(label=_("状态"), choices=RewardStatus.choices, empty_label=_("全部"))
    grade = django_filters.ChoiceFilter(label=_("案件等级"), choices=CaseGrade.choices, empty_label=_("全部"))
    org_unit = UnitFilter(label=_("承办单位"), queryset=OrgUnit.objects.all(), field_name="complaint__org_unit")
    proposed_from = BoundedDateFilter(label=_("提出日期起"), field_name="proposed_on", lookup_expr="gte")
    proposed_to = BoundedDateFilter(label=_("提出日期止"), field_name="proposed_on", lookup_expr="lte")

    class Meta:
        model = Reward
        fields = ["status", "grade", "org_unit", "proposed_from", "proposed_to"]



class GazetteerEntryFilter(StyledFilterSet):
    """The gazetteer page (地名库) and its export: a place name (or its note), its kind, its unit, switched on."""

    q = django_filters.CharFilter(label=_("地名"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=GazetteerKind.choices, empty_label=_("全部"))
    org_unit = UnitFilter(label=_("所属区域"), queryset=OrgUnit.objects.all())
    active = django_filters.ChoiceFilter(label=_("启用"), choices=YES_NO, empty_label=_("全部"),
                                         method="filter_active")

    class Meta:
        model = GazetteerEntry
        fields = ["q", "kind", "org_unit", "active"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(note__icontains=value)) if value else queryset

    def filter_active(self, queryset, name, value):
        return queryset.filter(active=value == "yes")


class ProblemTypeFilter(StyledFilterSet):
    """The problem-type list (and its export): a name or code, switched on."""

    q = django_filters.CharFilter(label=_("名称/代码"), method="filter_q")
    active = django_filters.ChoiceFilter(label=_("启用"), choices=YES_NO, empty_label=_("全部"),
                                         method="filter_active")

    class Meta:
        model = ProblemType
        fields = ["q", "active"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value)) if value else queryset

    def filter_active(self, queryset, name, value):
        return queryset.filter(active=value == "yes")


class ComplaintCategoryFilter(ProblemTypeFilter):
    """The category list (and its export): a name or code, its group, switched on."""

    group = django_filters.ChoiceFilter(label=_("大类"), choices=CategoryGroup.choices, empty_label=_("全部"))

    class Meta:
        model = ComplaintCategory
        fields = ["q", "group", "active"]


class DirectSettlementMembershipFilter(StyledFilterSet):
    """The direct-settlement enterprises (and their export): an enterprise's name or credit code, its unit."""

    q = django_filters.CharFilter(label=_("统一社会信用代码或企业名称"), method="filter_q")
    org_unit = UnitFilter(label=_("所属区域"), queryset=OrgUnit.objects.all(), field_name="enterprise__org_unit")

    class Meta:
        model = DirectSettlementMembership
        fields = ["q", "org_unit"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(enterprise__name__icontains=value) | Q(enterprise__uscc=value.upper()))

