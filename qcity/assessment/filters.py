"""FilterSets of the assessment module, shared by the pages and the API."""

from django.utils.translation import gettext_lazy as _

from qcity.core.fields import IdFilter, YearFilter
from qcity.core.filters import StyledFilterSet


class AssessmentResultFilter(StyledFilterSet):
    """GET /api/assessment/results/: the ranking rows, narrowed to one scheme."""

    scheme = IdFilter(label=_("考核方案"), field_name="scheme_id")


class QualityIndexFilter(StyledFilterSet):
    """The quality-index page and GET /api/quality-index/: the year and the unit whose trend is drawn. The
    index is computed, not listed, so the parameters are handed to the computation (defaults: latest year,
    the user's own district or the city)."""

    year = YearFilter(label=_("年度"), method="parameter")
    org_unit = IdFilter(label=_("区县"), method="parameter")
