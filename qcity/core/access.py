"""Who may see and change what: roles scoped by org unit.

A role held over an org unit covers that unit and everything under it; a role held over the city
covers the whole city. Selectors filter with `scope_filter`, services and views check with
`require_scope` (or `require_role` when no org unit is involved).

`user=None` means an internal caller (a scheduled job, a management command, another module's
service, the demo loader): it is not a person acting, so it sees everything and may do everything.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .audit import audit_record
from .choices import AuditAction
from .models import OrgUnit, RoleAssignment, User
from .roles import ADMINS


def user_with_assignments(user_id) -> User | None:
    """The user and their role assignments in one query (every signed-in page needs both): the session's user
    for `RoleModelBackend`. None when the user does not exist."""
    rows = list(RoleAssignment.objects.filter(user_id=user_id).select_related("user", "org_unit"))
    if not rows:
        user = User._default_manager.filter(pk=user_id).first()
        if user is not None:
            user._qcity_assignments = []
        return user
    user = rows[0].user
    for row in rows:
        row.user = user
    user._qcity_assignments = rows
    return user


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
    return bool(roles_of(user) & ADMINS)


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
    audit_record(action=AuditAction.DENIED, by=user if user.is_authenticated else None, obj=obj,
                 org_unit=org_unit, message=f"refused: {action}")
    return PermissionDenied(_("无权执行此操作：%(action)s") % {"action": action})


def require_role(user: User | None, *roles: str, action: str) -> None:
    """The role guard of a service; `user=None` is an internal caller (a job, a command), as in `require_scope`."""
    if user is not None and not has_role(user, *roles):
        raise deny(user, action=action)


def require_scope(user: User | None, org_unit: OrgUnit | None, *, roles: Iterable[str], action: str,
                  obj=None) -> None:
    """The write guard: `user` must hold one of `roles` over `org_unit`, else the refusal is audited and raised."""
    if user is not None and not covers(user, org_unit, frozenset(roles)):
        raise deny(user, action=action, obj=obj, org_unit=org_unit)


def scope_condition(*, user: User | None, roles: Iterable[str], field: str = "org_unit") -> Q | None:
    """The Q behind `scope_filter` (None: no restriction), for selectors that OR it with another grant."""
    if user is None:
        return None
    roles = frozenset(roles)
    if not has_role(user, *roles):
        return Q(pk__in=[])
    if org_unit_scope(user, roles) is None:
        return None
    return Q(**{f"{field}_id__in": _covered_ids(user, roles)})


def _covered_ids(user: User, roles: frozenset[str]) -> list[int]:
    """The ids of the org units the user covers with `roles`. The org-unit table is small: the subtree is
    resolved to ids so the big table is hit on its index; kept on the user object for the request (like
    `assignments`), as a page asks for the same scope many times (the home page's to-do sources)."""
    prefixes = tuple(org_unit_scope(user, roles) or ())
    memo = user.__dict__.setdefault("_qcity_covered_ids", {})
    if prefixes not in memo:
        memo[prefixes] = list(covered_org_units(user, roles).values_list("id", flat=True))
    return memo[prefixes]


def scope_filter(queryset: QuerySet, *, user: User | None, roles: Iterable[str], field: str = "org_unit") -> QuerySet:
    """Rows whose `field` (an org unit) `user` covers with one of `roles`: all for the city or user=None, none
    without the role."""
    condition = scope_condition(user=user, roles=roles, field=field)
    return queryset if condition is None else queryset.filter(condition)
