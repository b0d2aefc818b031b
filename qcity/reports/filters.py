"""FilterSets of the reports module: the cockpit page and GET /api/cockpit/ take the same parameters."""

import django_filters
from django.utils.translation import gettext_lazy as _

from qcity.core.choices import OrgUnitKind
from qcity.core.fields import YearFilter
from qcity.core.filters import StyledFilterSet
from qcity.core.models import OrgUnit


class CockpitFilter(StyledFilterSet):
    """The year (default: the latest with approved values), the plan code (default: the current programme) and
    the unit (default: the root; a province's city shows its own districts ranked); all are handed to
    `selectors.cockpit`, which refuses a year outside the plan."""

    year = YearFilter(label=_("年度"), method="parameter")
    plan = django_filters.CharFilter(label=_("规划代码"), method="parameter")
    org_unit = django_filters.ModelChoiceFilter(
        label=_("单位"), method="parameter",
        queryset=OrgUnit.objects.filter(kind__in=[OrgUnitKind.PROVINCE, OrgUnitKind.CITY]))
