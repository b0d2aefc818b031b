"""Who may see and change what: roles scoped by org unit.

A role held over an org unit covers that unit and everything under it; a role held over the city
covers the whole city. Selectors filter with `org_unit_scope`, services check with `require_*`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from .choices import ADMIN_ROLES, AuditAction, Role
from .models import OrgUnit, RoleAssignment, User


def assignments(user: User) -> list[RoleAssignment]:
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_qcity_assignments", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).select_related("org_unit"))
        user._qcity_assignments = cached
    return cached


def roles_of(user: User) -> set[str]:
    return {a.role for a in assignments(user)}


def has_role(user: User, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_admin(user: User) -> bool:
    return bool(roles_of(user) & ADMIN_ROLES)


def org_unit_scope(user: User, roles: Iterable[str]) -> list[str] | None:
    """Materialised-path prefixes the user covers with any of `roles`; None means the whole city."""
    wanted = set(roles)
    prefixes = sorted({a.org_unit.path for a in assignments(user) if a.role in wanted})
    if any(p.count("/") == 2 for p in prefixes):  # "/<root id>/" — the city itself
        return None
    return prefixes


def covered_org_units(user: User, roles: Iterable[str]) -> QuerySet[OrgUnit]:
    """The org units the user covers with any of `roles`: the whole city, their subtrees, or none."""
    prefixes = org_unit_scope(user, roles)
    if prefixes is None:
        return OrgUnit.objects.all()
    covered = Q(pk__in=[])
    for prefix in prefixes:
        covered |= Q(path__startswith=prefix)
    return OrgUnit.objects.filter(covered)


def covers(user: User, org_unit: OrgUnit | None, roles: Iterable[str]) -> bool:
    prefixes = org_unit_scope(user, roles)
    if prefixes is None:
        return any(a.role in set(roles) for a in assignments(user))
    return org_unit is not None and any(org_unit.path.startswith(p) for p in prefixes)


def deny(user: User, *, action: str, obj=None, org_unit: OrgUnit | None = None) -> PermissionDenied:
    """Record the refused attempt in the audit log and return the exception to raise."""
    from .audit import audit_record

    audit_record(action=AuditAction.DENIED, by=user if user.is_authenticated else None, obj=obj,
                 org_unit=org_unit, message=f"refused: {action}")
    return PermissionDenied(f"无权执行此操作：{action}")


def require_role(user: User, *roles: str, action: str) -> None:
    if not has_role(user, *roles):
        raise deny(user, action=action)


BUSINESS_ROLES = frozenset(Role) - ADMIN_ROLES
