"""Who may change credit data: officers over the enterprise's org unit; the enterprise for its own file."""

from __future__ import annotations

from qcity.core import access
from qcity.core.choices import Role
from qcity.core.models import User
from qcity.enterprises.models import Enterprise

OFFICER_ROLES = frozenset({Role.LEADERSHIP_OFFICE, Role.DISTRICT_OFFICER, Role.INSPECTOR})
OFFICE_ROLES = frozenset({Role.LEADERSHIP_OFFICE})


def require_officer(by: User | None, enterprise: Enterprise, *, action: str) -> None:
    """`by=None` is the system (scheduled jobs, other modules' services)."""
    if by is not None and not access.covers(by, enterprise.org_unit, OFFICER_ROLES):
        raise access.deny(by, action=action, org_unit=enterprise.org_unit)


def require_office(by: User | None, *, action: str) -> None:
    if by is not None and not access.has_role(by, *OFFICE_ROLES):
        raise access.deny(by, action=action)


def is_own_enterprise(by: User | None, enterprise: Enterprise) -> bool:
    return (by is not None and access.has_role(by, Role.ENTERPRISE_USER)
            and getattr(by, "enterprise_id", None) == enterprise.pk)


def require_officer_or_own(by: User | None, enterprise: Enterprise, *, action: str) -> None:
    if not is_own_enterprise(by, enterprise):
        require_officer(by, enterprise, action=action)
