"""Reads of supervision sampling, with each user's scope applied.

Officers (inspectors and district officers in their district, the leadership office city-wide) see the
samples of enterprises in their org units and the plans of their units and the units above them (a city
plan is carried out in every district). An enterprise user sees only its own samples once served.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from qcity.core import access
from qcity.core.choices import Role
from qcity.core.models import OrgUnit, User
from qcity.enterprises.selectors import scope_filter

from .models import Followup, ProductCategory, Sample, SamplingPlan, TestItemResult

OFFICER_ROLES = (Role.LEADERSHIP_OFFICE, Role.DISTRICT_OFFICER, Role.INSPECTOR)
VIEWER_ROLES = (*OFFICER_ROLES, Role.ENTERPRISE_USER)


def category_list() -> QuerySet[ProductCategory]:
    return ProductCategory.objects.all()


def _plan_unit_ids(user: User) -> list[int] | None:
    """Org units whose plans the user sees: the covered ones and their ancestors; None for every plan."""
    prefixes = access.org_unit_scope(user, OFFICER_ROLES)
    if prefixes is None:
        return None if access.has_role(user, *OFFICER_ROLES) else []
    ids = set()
    for prefix in prefixes:
        ids |= {int(part) for part in prefix.strip("/").split("/") if part}
    covered = Q(pk__in=[])
    for prefix in prefixes:
        covered |= Q(path__startswith=prefix)
    ids |= set(OrgUnit.objects.filter(covered).values_list("id", flat=True))
    return sorted(ids)


def plan_list(*, user: User | None = None) -> QuerySet[SamplingPlan]:
    queryset = (SamplingPlan.objects.select_related("org_unit").prefetch_related("categories")
                .annotate(sample_count=Count("samples", distinct=True)).order_by("-period_start", "-id"))
    if user is None:
        return queryset
    ids = _plan_unit_ids(user)
    return queryset if ids is None else queryset.filter(org_unit_id__in=ids)


def plan_get(*, user: User, pk: int) -> SamplingPlan:
    return get_object_or_404(plan_list(user=user), pk=pk)


def _sample_scope(user: User) -> Q | None:
    condition = Q(pk__in=[])
    if access.has_role(user, *OFFICER_ROLES):
        officer = scope_filter(user, roles=OFFICER_ROLES, field="org_unit")
        if officer is None:
            return None
        condition |= officer
    if access.has_role(user, Role.ENTERPRISE_USER) and user.enterprise_id:
        # The result is the enterprise's once it has been served on it (Order 18: report served on the
        # sampled party and the named manufacturer).
        condition |= (Q(enterprise_id=user.enterprise_id) | Q(manufacturer_id=user.enterprise_id)) & Q(
            served_on__isnull=False)
    return condition


def sample_list(*, user: User | None = None) -> QuerySet[Sample]:
    queryset = Sample.objects.select_related("plan", "category", "enterprise", "org_unit", "manufacturer")
    if user is None:
        return queryset
    scope = _sample_scope(user)
    return queryset if scope is None else queryset.filter(scope)


def sample_get(*, user: User, pk: int) -> Sample:
    queryset = sample_list(user=user).prefetch_related(
        Prefetch("items", queryset=TestItemResult.objects.order_by("id")), "samplers")
    return get_object_or_404(queryset, pk=pk)


def sample_can_act(*, user: User, sample: Sample) -> bool:
    """Officers covering the sampled enterprise's unit enter results, conclude, serve, publish, follow up."""
    return access.covers(user, sample.org_unit, OFFICER_ROLES)


def sample_can_object(*, user: User, sample: Sample) -> bool:
    """The sampled party (or the named manufacturer) applies for a retest; an officer may record it for them."""
    if access.has_role(user, Role.ENTERPRISE_USER) and user.enterprise_id in (sample.enterprise_id,
                                                                              sample.manufacturer_id):
        return True
    return sample_can_act(user=user, sample=sample)


def followup_list(*, user: User | None = None) -> QuerySet[Followup]:
    queryset = Followup.objects.select_related("sample__enterprise", "sample__category", "sample__org_unit",
                                               "sample__plan")
    if user is None:
        return queryset
    return queryset.filter(sample__in=sample_list(user=user).values("pk"))


def published_sample_list() -> QuerySet[Sample]:
    """What the public sees: published final conclusions only."""
    return (Sample.objects.filter(published_on__isnull=False)
            .select_related("category", "enterprise", "org_unit", "manufacturer", "plan")
            .order_by("-published_on", "-id"))


def published_sample_get(*, pk: int) -> Sample:
    queryset = published_sample_list().prefetch_related(
        Prefetch("items", queryset=TestItemResult.objects.order_by("id")))
    return get_object_or_404(queryset, pk=pk)
