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
from qcity.core.roles import MARKET_MANAGERS, MARKET_OFFICERS

from .models import (
    Assignment,
    CaseLead,
    Draw,
    DrawnTarget,
    InspectionItem,
    InspectionPlan,
    InspectionResult,
    Inspector,
    InspectorConflict,
    TargetPool,
)


def may_manage(user: User | None, org_unit: OrgUnit | None) -> bool:
    """by=None is the system (demo data, commands)."""
    return user is None or access.covers(user, org_unit, MARKET_MANAGERS)


# --- the list and the two directories ---------------------------------------------------------------


def item_list(*, user: User | None = None, published_only: bool = False) -> QuerySet[InspectionItem]:
    queryset = InspectionItem.objects.select_related("org_unit", "department")
    return queryset.filter(published=True) if published_only else queryset


def item_get(*, user: User, pk: int) -> InspectionItem:
    return get_object_or_404(item_list(user=user), pk=pk)


def inspector_list(*, user: User | None = None) -> QuerySet[Inspector]:
    queryset = (Inspector.objects.select_related("user", "org_unit").prefetch_related("qualifications")
                .annotate(conflict_count=Count("conflicts", distinct=True)).order_by("badge_number"))
    return access.scope_filter(queryset, user=user, roles=MARKET_MANAGERS)


def inspector_get(*, user: User, pk: int) -> Inspector:
    return get_object_or_404(inspector_list(user=user), pk=pk)


def conflict_list(*, user: User | None = None) -> QuerySet[InspectorConflict]:
    queryset = InspectorConflict.objects.select_related("inspector__user", "enterprise")
    return access.scope_filter(queryset, user=user, roles=MARKET_MANAGERS, field="inspector__org_unit")


def pool_list(*, user: User | None = None) -> QuerySet[TargetPool]:
    queryset = TargetPool.objects.select_related("org_unit").prefetch_related("filter_org_units")
    return access.scope_filter(queryset, user=user, roles=MARKET_MANAGERS)


def pool_get(*, user: User, pk: int) -> TargetPool:
    return get_object_or_404(pool_list(user=user), pk=pk)


# --- plans, draws, targets ------------------------------------------------------------------------------


def inspection_plan_list(*, user: User | None = None) -> QuerySet[InspectionPlan]:
    queryset = InspectionPlan.objects.select_related("org_unit", "pool", "draw").prefetch_related("plan_items__item")
    return access.scope_filter(queryset, user=user, roles=MARKET_OFFICERS)


def inspection_plan_get(*, user: User, pk: int) -> InspectionPlan:
    return get_object_or_404(inspection_plan_list(user=user), pk=pk)


def draw_get(*, user: User, pk: int, roles=MARKET_OFFICERS) -> Draw:
    queryset = access.scope_filter(Draw.objects.select_related("plan__org_unit", "snapshot__pool"), user=user, roles=roles,
                                   field="plan__org_unit")
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
    condition = access.scope_condition(user=user, roles=MARKET_MANAGERS, field="draw__plan__org_unit")
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
    if user is None or access.covers(user, target.draw.plan.org_unit, MARKET_MANAGERS):
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


def case_lead_list(*, user: User | None = None) -> QuerySet[CaseLead]:
    """Case leads of the units the market officer covers, newest first."""
    return access.scope_filter(CaseLead.objects.select_related("org_unit", "enterprise"), user=user,
                               roles=MARKET_OFFICERS)


def case_lead_get(*, user: User, pk: int) -> CaseLead:
    return get_object_or_404(case_lead_list(user=user), pk=pk)
