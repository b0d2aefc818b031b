"""Reads of the inspections module, with each user's scope applied.

Scope: the leadership office sees the whole city; district officers and inspectors what belongs to
an org unit they cover. Inspectors additionally see every target they are assigned to. Items are a
list meant for publication, so every viewer role reads all of them; only their unit edits them.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from qcity.core import access
from qcity.core.choices import Role
from qcity.core.models import OrgUnit, User

from .models import (
    Assignment,
    Draw,
    DrawnTarget,
    InspectionItem,
    InspectionPlan,
    InspectionResult,
    Inspector,
    InspectorConflict,
    TargetPool,
)

MANAGER_ROLES = (Role.LEADERSHIP_OFFICE, Role.DISTRICT_OFFICER)
VIEWER_ROLES = (*MANAGER_ROLES, Role.INSPECTOR)
# The pool snapshot and the full draw record reveal credit risk classes and declared conflicts,
# which are internal (DOMAIN §3): officers in scope and the audit administrator only.
SNAPSHOT_ROLES = (*MANAGER_ROLES, Role.AUDIT_ADMIN)


def unit_scope(user: User | None, roles=VIEWER_ROLES, field: str = "org_unit") -> Q | None:
    """Q restricting `field` to the org units `user` covers with `roles`; None for the whole city."""
    if user is None:
        return None
    if not access.has_role(user, *roles):
        return Q(pk__in=[])
    if access.org_unit_scope(user, roles) is None:
        return None
    ids = list(access.covered_org_units(user, roles).values_list("id", flat=True))
    return Q(**{f"{field}_id__in": ids})


def _scoped(queryset: QuerySet, user: User | None, roles=VIEWER_ROLES, field: str = "org_unit") -> QuerySet:
    scope = unit_scope(user, roles, field)
    return queryset if scope is None else queryset.filter(scope)


def may_manage(user: User | None, org_unit: OrgUnit | None) -> bool:
    """by=None is the system (demo data, commands)."""
    return user is None or access.covers(user, org_unit, MANAGER_ROLES)


# --- the list and the two directories ---------------------------------------------------------------


def item_list(*, user: User | None = None, published_only: bool = False) -> QuerySet[InspectionItem]:
    queryset = InspectionItem.objects.select_related("org_unit", "department")
    return queryset.filter(published=True) if published_only else queryset


def item_get(*, user: User, pk: int) -> InspectionItem:
    return get_object_or_404(item_list(user=user), pk=pk)


def inspector_list(*, user: User | None = None) -> QuerySet[Inspector]:
    queryset = (Inspector.objects.select_related("user", "org_unit").prefetch_related("qualifications")
                .annotate(conflict_count=Count("conflicts", distinct=True)).order_by("badge_number"))
    return _scoped(queryset, user, MANAGER_ROLES)


def inspector_get(*, user: User, pk: int) -> Inspector:
    return get_object_or_404(inspector_list(user=user), pk=pk)


def conflict_list(*, user: User | None = None) -> QuerySet[InspectorConflict]:
    queryset = InspectorConflict.objects.select_related("inspector__user", "enterprise")
    return _scoped(queryset, user, MANAGER_ROLES, "inspector__org_unit")


def pool_list(*, user: User | None = None) -> QuerySet[TargetPool]:
    queryset = TargetPool.objects.select_related("org_unit").prefetch_related("filter_org_units")
    return _scoped(queryset, user, MANAGER_ROLES)


def pool_get(*, user: User, pk: int) -> TargetPool:
    return get_object_or_404(pool_list(user=user), pk=pk)


# --- plans, draws, targets ------------------------------------------------------------------------------


def plan_list(*, user: User | None = None) -> QuerySet[InspectionPlan]:
    queryset = InspectionPlan.objects.select_related("org_unit", "pool", "draw").prefetch_related("plan_items__item")
    return _scoped(queryset, user)


def plan_get(*, user: User, pk: int) -> InspectionPlan:
    return get_object_or_404(plan_list(user=user), pk=pk)


def draw_get(*, user: User, pk: int, roles=VIEWER_ROLES) -> Draw:
    queryset = _scoped(Draw.objects.select_related("plan__org_unit", "snapshot__pool"), user, roles, "plan__org_unit")
    return get_object_or_404(queryset, pk=pk)


def draw_published_list() -> QuerySet[Draw]:
    return Draw.objects.filter(published_on__isnull=False).select_related("plan__org_unit").order_by("-drawn_at")


def target_list(*, user: User | None = None, draw: Draw | None = None) -> QuerySet[DrawnTarget]:
    """Drawn targets in scope: the plan's unit for officers, plus an inspector's own assignments."""
    queryset = DrawnTarget.objects.select_related("enterprise__org_unit", "draw__plan").prefetch_related(
        "assignments__inspector__user", "results__item")
    if draw is not None:
        queryset = queryset.filter(draw=draw)
    if user is None:
        return queryset
    condition = unit_scope(user, MANAGER_ROLES, "draw__plan__org_unit")
    if condition is None:
        return queryset
    inspector = Inspector.objects.filter(user=user).first()
    if inspector is not None and access.has_role(user, Role.INSPECTOR):
        condition |= Q(Exists(Assignment.objects.filter(target=OuterRef("pk"), inspector=inspector)))
    return queryset.filter(condition)


def target_get(*, user: User, pk: int) -> DrawnTarget:
    return get_object_or_404(target_list(user=user), pk=pk)


def my_assignments(*, user: User) -> QuerySet[DrawnTarget]:
    inspector = Inspector.objects.filter(user=user).first()
    if inspector is None:
        return DrawnTarget.objects.none()
    return target_list().filter(assignments__inspector=inspector).order_by("-draw__drawn_at", "enterprise_id")


def target_can_enter_result(*, user: User | None, target: DrawnTarget) -> bool:
    """The inspectors drawn for the target, and the officers of the plan's unit."""
    if user is None or access.covers(user, target.draw.plan.org_unit, MANAGER_ROLES):
        return True
    return access.has_role(user, Role.INSPECTOR) and target.assignments.filter(inspector__user=user).exists()


# --- results ----------------------------------------------------------------------------------------


def result_list(*, user: User | None = None) -> QuerySet[InspectionResult]:
    queryset = InspectionResult.objects.select_related("target__enterprise__org_unit", "target__draw__plan", "item")
    if user is None:
        return queryset
    return queryset.filter(target__in=target_list(user=user).values("pk"))


def result_overdue_list(*, user: User | None = None, today: datetime.date | None = None) -> QuerySet[InspectionResult]:
    """Unpublished past their deadline (DOMAIN §5: 20 working days from completion)."""
    return result_list(user=user).filter(published_on__isnull=True, publish_by__lt=today or timezone.localdate())


def result_published_list() -> QuerySet[InspectionResult]:
    return (InspectionResult.objects.filter(published_on__isnull=False)
            .select_related("target__enterprise__org_unit", "target__draw__plan", "item")
            .order_by("-published_on", "-id"))


def plan_progress(*, plan: InspectionPlan, today: datetime.date | None = None) -> dict:
    """Counts for the plan page: targets, inspections due (target × item), results, published, overdue."""
    today = today or timezone.localdate()
    draw = getattr(plan, "draw", None)
    if draw is None:
        return {"targets": 0, "due": 0, "entered": 0, "published": 0, "overdue": 0, "next_deadline": None}
    item_lists = DrawnTarget.objects.filter(draw=draw).values_list("item_ids", flat=True)
    results = InspectionResult.objects.filter(target__draw=draw)
    counts = results.aggregate(entered=Count("id"), published=Count("id", filter=Q(published_on__isnull=False)),
                               overdue=Count("id", filter=Q(published_on__isnull=True, publish_by__lt=today)))
    pending = results.filter(published_on__isnull=True).order_by("publish_by").values_list("publish_by", flat=True)
    return {"targets": len(item_lists), "due": sum(len(i) for i in item_lists), **counts,
            "next_deadline": pending.first()}
