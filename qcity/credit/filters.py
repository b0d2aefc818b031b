"""FilterSets of the credit module, shared by the officers' pages and the API lists.

The pages pass their defaults (lists: entries still listed; queues: open items only) through
`StyledFilterSet.for_page`; the API has no defaults, so without a parameter it lists everything.
"""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qcity.core.fields import IdFilter
from qcity.core.filters import YES_NO, StyledFilterSet
from qcity.enterprises.search import filter_by_text

from .choices import CreditEventKind, CreditEventStatus, CreditListEntryStatus, CreditListKind, RiskClass
from .selectors import OPEN_OBJECTION_STATUSES, OPEN_REPAIR_STATUSES, overdue_publication_q

ALL = ("all", _("全部"))


class CreditFileFilter(StyledFilterSet):
    """The credit-file search page and GET /api/credit-files/."""

    applied_last = ("q",)
    q = django_filters.CharFilter(label=_("统一社会信用代码/企业名称"), method="filter_q")
    risk_class = django_filters.ChoiceFilter(label=_("风险分类"), choices=RiskClass.choices, empty_label=_("全部"))

    def filter_q(self, queryset, name, value):
        return filter_by_text(queryset, value)


class CreditEventFilter(StyledFilterSet):
    """GET /api/credit-events/; overdue=yes: recorded, unpublished and past the publication deadline."""

    enterprise = IdFilter(label=_("企业"), field_name="enterprise_id")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=CreditEventKind.choices, empty_label=_("全部"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=CreditEventStatus.choices, empty_label=_("全部"))
    overdue = django_filters.ChoiceFilter(label=_("逾期未公示"), choices=YES_NO, empty_label=_("全部"),
                                          method="filter_overdue")

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_publication_q(timezone.localdate())) if value == "yes" else queryset


class CreditListEntryFilter(StyledFilterSet):
    """A list page (its kind in the path; status=listed by default, all) and GET /api/credit-list-entries/."""

    list_kind = django_filters.ChoiceFilter(label=_("名录名单"), choices=CreditListKind.choices, empty_label=_("全部"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=[*CreditListEntryStatus.choices, ALL], empty_label=None,
                                         method="filter_status")

    def filter_status(self, queryset, name, value):
        return queryset if value == "all" else queryset.filter(status=value)


class _QueueFilter(StyledFilterSet):
    """status=open: items still waiting for an officer; status=all (or none, on the API): every item."""

    OPEN_STATUSES: tuple = ()
    status = django_filters.ChoiceFilter(label=_("状态"), choices=[("open", _("待处理")), ALL], empty_label=None,
                                         method="filter_status")

    def filter_status(self, queryset, name, value):
        return queryset.filter(status__in=self.OPEN_STATUSES) if value == "open" else queryset


class CreditRepairFilter(_QueueFilter):
    """The repair queue (status=open by default) and GET /api/credit-repairs/."""

    OPEN_STATUSES = OPEN_REPAIR_STATUSES


class CreditObjectionFilter(_QueueFilter):
    """The objection queue (status=open by default) and GET /api/credit-objections/."""

    OPEN_STATUSES = OPEN_OBJECTION_STATUSES
