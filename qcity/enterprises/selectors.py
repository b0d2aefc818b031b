"""Reads of the enterprise registry, with each user's org-unit scope applied."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from qcity.core import access
from qcity.core.models import User
from qcity.core.roles import MARKET_OFFICERS, STAFF

from .models import Enterprise


def _scoped(user: User) -> QuerySet[Enterprise]:
    return access.scope_filter(Enterprise.objects.all(), user=user, roles=STAFF)


def enterprise_list(*, user: User) -> QuerySet[Enterprise]:
    # The org units are not joined: with a join, SQLite's planner reads the few org units first and sorts every
    # match of a frequent search term (1.2 s) instead of stopping after a page. The list page names them from
    # the units the process keeps (`UnitColumn`); the API prefetches them.
    return _scoped(user)


def enterprise_get(*, user: User, pk: int) -> Enterprise:
    queryset = _scoped(user).select_related("org_unit", "chief_quality_officer")
    return get_object_or_404(queryset.prefetch_related("licences", "certifications"), pk=pk)


def enterprise_can_edit(*, user: User, enterprise: Enterprise) -> bool:
    return access.covers(user, enterprise.org_unit, MARKET_OFFICERS)
