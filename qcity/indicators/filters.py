"""FilterSets of the indicators module, shared by the pages and the API.

The status board and GET /api/indicator-statuses/ compute statuses rather than list rows: their
FilterSet narrows the indicators to the plan and carries the year, org unit and wanted status
(validated, bounded) to the computation.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qcity.core.fields import IdFilter, YearFilter
from qcity.core.filters import StyledFilterSet, UnitFilter

from .choices import IndicatorDomain, ReportedValueStatus, TargetDecompositionStatus, TargetStatus
from .models import Indicator
from .selectors import indicator_choices


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
    domain = django_filters.ChoiceFilter(label=_("领域"), choices=IndicatorDomain.choices, empty_label=_("全部"))
    q = django_filters.CharFilter(label=_("指标"), method="filter_q", max_length=100)

    def filter_q(self, queryset, name, value):
        """The indicator's name or code contains the text."""
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class ReportedValueFilter(StyledFilterSet):
    """The value list page (office users: submitted values by default) and GET /api/reported-values/.

    `org_unit` takes the unit and every unit below it; `indicator` offers the indicators grouped by
    plan, the current plan first (a searchable select on the page)."""

    status = django_filters.ChoiceFilter(label=_("状态"), choices=ReportedValueStatus.choices, empty_label=_("全部"))
    year = YearFilter(label=_("年度"))
    org_unit = UnitFilter(label=_("行政单元"))
    indicator = django_filters.ModelChoiceFilter(
        label=_("指标"), queryset=Indicator.objects.all(), empty_label=_("全部"),
        widget=forms.Select(attrs={"data-searchable": ""}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # lazy: the grouped options are read when the select is rendered, not for the API's filtering
        # (on the widget: django-filter's field wraps its own choices in a model iterator)
        self.form.fields["indicator"].widget.choices = lambda: [("", _("全部")), *indicator_choices(source=None)]



class TargetDecompositionFilter(StyledFilterSet):
    """GET /api/target-decompositions/: a plan's decompositions, for one target year."""

    plan = django_filters.CharFilter(label=_("规划代码"), field_name="indicator__plan__code")
    year = YearFilter(label=_("目标年"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=TargetDecompositionStatus.choices, empty_label=_("全部"))
