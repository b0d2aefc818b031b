"""Who may change credit data: officers over the enterprise's org unit; the enterprise for its own file."""

from __future__ import annotations

from qcity.core import access
from qcity.core.access import require_scope
from qcity.core.choices import Role
from qcity.core.models import User
from qcity.core.roles import MARKET_OFFICERS
from qcity.enterprises.models import Enterprise


def is_own_enterprise(by: User | None, enterprise: Enterprise) -> bool:
    return (by is not None and access.has_role(by, Role.ENTERPRISE_USER)
            and getattr(by, "enterprise_id", None) == enterprise.pk)


def require_officer_or_own(by: User | None, enterprise: Enterprise, *, action: str) -> None:
    if not is_own_enterprise(by, enterprise):
        require_scope(by, enterprise.org_unit, roles=MARKET_OFFICERS, action=action)
