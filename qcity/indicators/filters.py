"""FilterSets of the indicators module, shared by the pages and the API.

The status board and GET /api/indicator-statuses/ compute statuses rather than list rows: their
FilterSet narrows the indicators to the plan and carries the year, org unit and wanted status
(validated, bounded) to the computation.
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from qcity.core.fields import IdFilter, YearFilter
from qcity.core.filters import StyledFilterSet

from .choices import IndicatorDomain, ReportedValueStatus, TargetStatus


class IndicatorFilter(StyledFilterSet):
    """GET /api/indicators/ and the domain tabs of a plan's page."""

    plan = django_filters.CharFilter(label=_("规划代码"), field_name="plan__code")
    domain = django_filters.ChoiceFilter(label=_("领域"), choices=IndicatorDomain.choices, empty_label=_("全部"))


class IndicatorStatusFilter(StyledFilterSet):
    """The status board and GET /api/indicator-statuses/ (plan and year required there)."""

    plan = django_filters.CharFilter(label=_("规划代码"), field_name="plan__code")
    year = YearFilter(label=_("年度"), method="parameter", required=True,
                      error_messages={"required": _("请提供年度")})
    org_unit = IdFilter(label=_("行政单元"), method="parameter")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=TargetStatus.choices, empty_label=_("全部"),
                                         method="parameter")


class ReportedValueFilter(StyledFilterSet):
    """The value list page (office users: submitted values by default) and GET /api/reported-values/."""

    status = django_filters.ChoiceFilter(label=_("状态"), choices=ReportedValueStatus.choices, empty_label=_("全部"))
    year = YearFilter(label=_("年度"))
    indicator = IdFilter(label=_("指标"), field_name="indicator_id")
