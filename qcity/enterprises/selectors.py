"""Reads of the enterprise registry, with each user's org-unit scope applied."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from qcity.core import access
from qcity.core.models import User
from qcity.core.roles import MARKET_OFFICERS, STAFF

from .models import Enterprise


def enterprise_list(*, user: User) -> QuerySet[Enterprise]:
    return access.scope_filter(Enterprise.objects.select_related("org_unit"), user=user, roles=STAFF)


def enterprise_get(*, user: User, pk: int) -> Enterprise:
    queryset = enterprise_list(user=user).prefetch_related("licences", "certifications")
    return get_object_or_404(queryset.select_related("chief_quality_officer"), pk=pk)


def enterprise_can_edit(*, user: User, enterprise: Enterprise) -> bool:
    return access.covers(user, enterprise.org_unit, MARKET_OFFICERS)
