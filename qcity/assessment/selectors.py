"""Reads of the assessment module: schemes and results in the user's view.

Who sees what: the leadership office sees every scheme (drafts included) and every breakdown. District
officers and department reporters see published schemes and their rankings (the ranking is the point
of a public assessment), and the breakdown of their own district or department only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Max, Min, QuerySet
from django.shortcuts import get_object_or_404

from qcity.core import access
from qcity.core.choices import Role
from qcity.core.models import OrgUnit, User
from qcity.core.roles import OFFICE, PROGRAMME
from qcity.indicators.choices import ReportedValueStatus
from qcity.indicators.models import ReportedValue
from qcity.indicators.quality_index import QualityIndexRow, quality_index, quality_index_trend
from qcity.indicators.selectors import STATUS_CACHE_SECONDS, status_data_marker, status_rule_get

from . import scoring
from .choices import AssessmentSchemeStatus, AssessmentSubjectKind
from .models import AssessmentResult, AssessmentScheme, SchemeGroup, SchemeItem


def is_manager(user: User) -> bool:
    return access.has_role(user, *OFFICE)


def scheme_list(*, user: User) -> QuerySet[AssessmentScheme]:
    qs = AssessmentScheme.objects.annotate(item_count=Count("items", distinct=True),
                                           result_count=Count("results", distinct=True)).order_by("-year", "name", "pk")
    if is_manager(user):
        return qs
    if access.has_role(user, *PROGRAMME):
        return qs.filter(status=AssessmentSchemeStatus.PUBLISHED)
    return qs.none()


def scheme_get(*, user: User, pk: int) -> AssessmentScheme:
    return get_object_or_404(scheme_list(user=user), pk=pk)


def scheme_groups(*, scheme: AssessmentScheme, items: list[SchemeItem]) -> list[SchemeGroup]:
    """The scheme's groups, each with `.members` (its items) and each item with `.points` (its configured
    points: its own, or its equal share of the group) for the grouped editor."""
    groups = list(scheme.groups.all())
    for group in groups:
        group.members = [i for i in items if i.group_id == group.pk]
    points = scoring.item_points((g, g.members) for g in groups)
    for item in items:
        item.points = points.get(item.pk)
    return groups


def result_list(*, user: User, scheme: AssessmentScheme | None = None) -> QuerySet[AssessmentResult]:
    """The ranking rows the user may see (whole rankings of the schemes they may see)."""
    qs = (AssessmentResult.objects.select_related("scheme", "org_unit", "department")
          .filter(scheme__in=scheme_list(user=user)).order_by("scheme", "subject_kind", "rank", "pk"))
    return qs.filter(scheme=scheme) if scheme is not None else qs


def may_see_breakdown(user: User, result: AssessmentResult) -> bool:
    if is_manager(user):
        return True
    if result.subject_kind == AssessmentSubjectKind.DISTRICT:
        return access.covers(user, result.org_unit, [Role.DISTRICT_OFFICER])
    return (access.has_role(user, Role.DEPARTMENT_REPORTER) and user.department_id is not None
            and user.department_id == result.department_id)


def result_get(*, user: User, pk: int) -> AssessmentResult:
    """A result with its breakdown: 404 outside the visible schemes, 403 (audited) for someone else's."""
    result = get_object_or_404(result_list(user=user), pk=pk)
    if not may_see_breakdown(user, result):
        raise access.deny(user, action=f"view assessment breakdown {result.pk}", obj=result,
                          org_unit=result.org_unit)
    return result


def own_results(*, user: User, results: Iterable[AssessmentResult]) -> set[int]:
    """Ids of the results whose breakdown the user may open (to link them in the ranking)."""
    return {r.pk for r in results if may_see_breakdown(user, r)}


# --- quality index ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QualityIndexView:
    """What the quality index page shows: the years to pick from, the year shown, every unit's row for it
    and the trend of the highlighted unit."""

    years: range
    year: int
    rows: list[QualityIndexRow]
    trend: list[QualityIndexRow]


def _index_key() -> str:
    """The part of the index caches' keys that changes with the data (`status_data_marker`) or the rule."""
    rule = status_rule_get()
    return f"assessment:quality-index:v1:{rule.on_track_tolerance}:{rule.at_risk_share}:{status_data_marker()}"


def _cached(key: str, compute: Callable[[], object]):
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, STATUS_CACHE_SECONDS)
    return found


def _index_years() -> range:
    bounds = ReportedValue.objects.filter(status=ReportedValueStatus.APPROVED).aggregate(lo=Min("year"), hi=Max("year"))
    if bounds["hi"] is None:
        return range(0)
    return range(max(bounds["lo"], bounds["hi"] - 9), bounds["hi"] + 1)


def quality_index_years(*, key: str | None = None) -> range:
    """The years with approved values (at most the last ten), for the year picker and the trend (a scan of
    every value: cached like the index)."""
    return _cached(f"{key or _index_key()}:years", _index_years)


def quality_index_view(*, year: int | None, units: list[OrgUnit], unit: OrgUnit) -> QualityIndexView:
    """The index of `units` for `year` (the latest year with values when None or out of range) and the trend
    of `unit`, computed from approved values (`indicators.quality_index`) and cached under
    `status_data_marker()`: equal to the uncached computation at every marker."""
    key = _index_key()
    years = quality_index_years(key=key)
    if not years:
        return QualityIndexView(years, year or 0, [], [])
    year = year if year in years else years[-1]
    unit_ids = ",".join(str(u.pk) for u in units)
    rows = _cached(f"{key}:rows:{year}:{unit_ids}", lambda: quality_index(year=year, org_units=units))
    trend = _cached(f"{key}:trend:{years.start}-{years.stop}:{unit.pk}",
                    lambda: quality_index_trend(years=years, org_unit=unit))
    return QualityIndexView(years, year, rows, trend)
