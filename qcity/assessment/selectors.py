"""Reads of the assessment module: schemes and results in the user's view.

Who sees what: the leadership office sees every scheme (drafts included) and every breakdown. District
officers and department reporters see published schemes and their rankings (the ranking is the point
of a public assessment), and the breakdown of their own district or department only.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from qcity.core import access
from qcity.core.choices import Role
from qcity.core.models import User
from qcity.core.roles import OFFICE, PROGRAMME

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
