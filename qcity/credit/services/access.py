"""Who may change credit data: officers over the enterprise's org unit; the enterprise for its own file.
Who decides and who is told: the deciders of a unit, the enterprise's own accounts."""

from __future__ import annotations

from collections.abc import Iterable

from qcity.core import access
from qcity.core.access import require_scope
from qcity.core.choices import Role
from qcity.core.models import OrgUnit, RoleAssignment, User
from qcity.core.roles import MARKET_OFFICERS
from qcity.enterprises.models import Enterprise


def is_own_enterprise(by: User | None, enterprise: Enterprise) -> bool:
    return (by is not None and access.has_role(by, Role.ENTERPRISE_USER)
            and getattr(by, "enterprise_id", None) == enterprise.pk)


def require_officer_or_own(by: User | None, enterprise: Enterprise, *, action: str) -> None:
    if not is_own_enterprise(by, enterprise):
        require_scope(by, enterprise.org_unit, roles=MARKET_OFFICERS, action=action)


def deciders_by_unit(org_units: Iterable[OrgUnit]) -> dict[int, list[User]]:
    """Who decides the objections and repair applications (and publishes the items) of enterprises in each
    org unit: the active district officers whose unit covers it; where none does, the leadership office.
    Two queries whatever the number of units, for the bulk reminders."""
    units = {unit.pk: unit for unit in org_units if unit is not None}
    holders = list(RoleAssignment.objects.filter(role__in=[Role.DISTRICT_OFFICER, Role.LEADERSHIP_OFFICE],
                                                 user__is_active=True).select_related("user", "org_unit"))
    office = list({a.user_id: a.user for a in holders if a.role == Role.LEADERSHIP_OFFICE}.values())
    found = {}
    for pk, unit in units.items():
        district = {a.user_id: a.user for a in holders
                    if a.role == Role.DISTRICT_OFFICER and unit.path.startswith(a.org_unit.path)}
        found[pk] = list(district.values()) or office
    return found


def deciders_of(enterprise: Enterprise) -> list[User]:
    return deciders_by_unit([enterprise.org_unit]).get(enterprise.org_unit_id, [])


def enterprise_users(enterprise: Enterprise) -> list[User]:
    """The enterprise's own active accounts (role enterprise user, attached to this enterprise)."""
    return list(User.objects.filter(enterprise=enterprise, is_active=True,
                                    role_assignments__role=Role.ENTERPRISE_USER).distinct())
