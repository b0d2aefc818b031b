"""Reads of the enterprise registry, with each user's org-unit scope applied."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from qcity.core import access
from qcity.core.access import BUSINESS_ROLES
from qcity.core.choices import Role
from qcity.core.models import OrgUnit, User

from .models import Enterprise

# Officials of every business role read the registry within their scope; an enterprise user reads
# only their own enterprise (through the enterprise portal, not the registry list).
VIEWER_ROLES = BUSINESS_ROLES - {Role.ENTERPRISE_USER}


def scope_filter(user: User, roles=VIEWER_ROLES, field: str = "org_unit") -> Q | None:
    """A Q restricting `field` to the user's subtree, None for the whole city, Q(pk__in=[]) for nothing."""
    if not access.has_role(user, *roles):
        return Q(pk__in=[])
    prefixes = access.org_unit_scope(user, roles)
    if prefixes is None:
        return None
    # The org-unit table is small: resolve the subtree to ids so the big table is hit on its index.
    covered = Q(pk__in=[])
    for prefix in prefixes:
        covered |= Q(path__startswith=prefix)
    return Q(**{f"{field}_id__in": list(OrgUnit.objects.filter(covered).values_list("id", flat=True))})


def enterprise_list(*, user: User) -> QuerySet[Enterprise]:
    queryset = Enterprise.objects.select_related("org_unit")
    scope = scope_filter(user)
    return queryset if scope is None else queryset.filter(scope)


def enterprise_get(*, user: User, pk: int) -> Enterprise:
    queryset = enterprise_list(user=user).prefetch_related("licences", "certifications")
    return get_object_or_404(queryset.select_related("chief_quality_officer"), pk=pk)


def enterprise_can_edit(*, user: User, enterprise: Enterprise) -> bool:
    from qcity.core.choices import ENTERPRISE_EDITOR_ROLES

    return access.covers(user, enterprise.org_unit, ENTERPRISE_EDITOR_ROLES)
