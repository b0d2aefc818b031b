"""FilterSets of the reports module: the cockpit page and GET /api/cockpit/ take the same parameters."""

import django_filters
from django.utils.translation import gettext_lazy as _

from qcity.core.fields import YearFilter
from qcity.core.filters import StyledFilterSet


class CockpitFilter(StyledFilterSet):
    """The year (default: the latest with approved values) and the plan code (default: the current
    programme); both are handed to `selectors.cockpit`, which refuses a year outside the plan."""

    year = YearFilter(label=_("年度"), method="parameter")
    plan = django_filters.CharFilter(label=_("规划代码"), method="parameter")
