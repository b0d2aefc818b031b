"""Demo data: the shared context every module's generator receives, and one account per role.

`qcity demo` (core/management/commands/demo.py) runs the reference data load, then each module's
`generate(ctx)` in order. Generators must be deterministic for `ctx.seed`: each draws from its own
`ctx.rng(label)` rather than the global `random` module, so adding a module never shifts another's data.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError

from .choices import Role
from .models import Department, OrgUnit, RoleAssignment, User
from .services import role_grant, user_create

DEMO_PASSWORD = "Qcity-2026!"

SCALES = {"small": 5_000, "city": 1_500_000}


@dataclass
class DemoContext:
    """What a module's demo generator needs: the scale, the seed, the org units and a progress log."""

    scale: str
    seed: int
    enterprise_count: int
    log: Callable[[str], None] = print
    results: dict[str, Any] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)

    def rng(self, label: str) -> random.Random:
        """An independent generator per module and purpose; seeding with a string is stable across runs."""
        return random.Random(f"{self.seed}:{label}")

    def progress(self, message: str) -> None:
        self.log(f"[{time.monotonic() - self.started:7.1f}s] {message}")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    scope: str  # "city", a district name, or "enterprise" (the district of the demo enterprise)
    department: str = ""


DEMO_ACCOUNTS = [
    DemoAccount("sysadmin", "系统管理员", Role.SYSTEM_ADMIN, "city"),
    DemoAccount("secadmin", "安全管理员", Role.SECURITY_ADMIN, "city"),
    DemoAccount("auditor", "审计管理员", Role.AUDIT_ADMIN, "city"),
    DemoAccount("office", "王质强", Role.LEADERSHIP_OFFICE, "city"),
    DemoAccount("reporter", "李填报", Role.DEPARTMENT_REPORTER, "city", department="market-regulation"),
    DemoAccount("jinshui", "张金水", Role.DISTRICT_OFFICER, "金水区"),
    DemoAccount("inspector", "赵执法", Role.INSPECTOR, "金水区"),
    DemoAccount("handler", "陈受理", Role.COMPLAINT_HANDLER, "city"),
    DemoAccount("enterprise", "刘企业", Role.ENTERPRISE_USER, "enterprise"),
]


def demo_accounts_create(*, enterprise=None) -> list[dict[str, str]]:
    """Create the demo accounts through the user and role services (by=None: the command line).

    An account that already exists keeps its password and gets any missing role, so running the demo
    again after `--reset` never fails on a username.
    """
    city = OrgUnit.objects.get(parent__isnull=True)
    rows = []
    with transaction.atomic():
        for account in DEMO_ACCOUNTS:
            if account.scope == "city":
                unit = city
            elif account.scope == "enterprise":
                unit = enterprise.org_unit if enterprise is not None else None
            else:
                unit = OrgUnit.objects.get(parent=city, name=account.scope)
            if unit is None:
                continue
            department = Department.objects.get(code=account.department) if account.department else None
            user = User.objects.filter(username=account.username).first()
            if user is None:
                user = user_create(
                    username=account.username, password=DEMO_PASSWORD, full_name=account.full_name,
                    org_unit=unit, department=department,
                    enterprise=enterprise if account.role == Role.ENTERPRISE_USER else None, by=None,
                )
            elif account.role == Role.ENTERPRISE_USER and user.enterprise_id != getattr(enterprise, "pk", None):
                # Demo infrastructure, not a business change: re-point the account at the new demo enterprise.
                User.objects.filter(pk=user.pk).update(enterprise=enterprise, org_unit=unit)
            role_grant(user=user, role=account.role, org_unit=unit, by=None)
            rows.append({
                "username": account.username,
                "role": f"{account.role} ({Role(account.role).label})",
                "scope": str(unit) if account.role != Role.ENTERPRISE_USER else f"{unit} · {enterprise}",
                "password": DEMO_PASSWORD,
            })
    return rows


def demo_accounts_list() -> list[dict[str, str]]:
    """The demo accounts as they are in the database now (for `qcity demo --accounts`)."""
    rows = []
    users = User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).select_related("enterprise")
    by_name = {u.username: u for u in users}
    for account in DEMO_ACCOUNTS:
        user = by_name.get(account.username)
        if user is None:
            continue
        for assignment in RoleAssignment.objects.filter(user=user).select_related("org_unit"):
            scope = str(assignment.org_unit)
            if user.enterprise_id:
                scope += f" · {user.enterprise}"
            rows.append({
                "username": user.username,
                "role": f"{assignment.role} ({Role(assignment.role).label})",
                "scope": scope,
                "password": DEMO_PASSWORD,
            })
    return rows


def generate(ctx: DemoContext) -> dict[str, Any]:
    """Demo accounts; the enterprise user is linked to the enterprise the enterprise generator chose."""
    accounts = demo_accounts_create(enterprise=ctx.results.get("demo_enterprise"))
    ctx.results["accounts"] = accounts
    return {"accounts": len(accounts)}


def reset(ctx: DemoContext) -> dict[str, Any]:
    """Delete the demo accounts. One that has acted (audit events point at it) is kept, unlinked
    from its enterprise, because the audit log is append-only."""
    deleted = kept = 0
    for user in User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]):
        try:
            with transaction.atomic():
                RoleAssignment.objects.filter(user=user).delete()
                user.delete()
            deleted += 1
        except ProtectedError:
            User.objects.filter(pk=user.pk).update(enterprise=None)
            kept += 1
    return {"accounts_deleted": deleted, "accounts_kept": kept}
