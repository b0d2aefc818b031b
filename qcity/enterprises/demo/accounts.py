"""Demo enterprise accounts: the demo enterprise user (`enterprise`) is its enterprise's administrator,
confirmed by the demo district officer (`jinshui`), and another enterprise of the demo district has just
registered (`qiye-pending`, awaiting the district's confirmation), so the officer's 企业账号 page and to-do
list have one to confirm. Runs after the demo accounts (core)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from qcity.core.choices import Role
from qcity.core.models import RoleAssignment, User
from qcity.core.services import one_time_password, role_grant, user_create

from ..choices import EnterpriseAccountRole, EnterpriseAccountStatus, EnterpriseStatus
from ..models import Enterprise, EnterpriseAccount

PENDING_USERNAME = "qiye-pending"
DEMO_PHONE = "13900000000"  # not a real subscriber's number


def generate(ctx) -> dict[str, Any]:
    made = 0
    with transaction.atomic():
        demo_user = User.objects.filter(username="enterprise", enterprise__isnull=False).select_related(
            "enterprise").first()
        officer = User.objects.filter(username="jinshui").first()
        if demo_user is not None and not EnterpriseAccount.objects.filter(user=demo_user).exists():
            EnterpriseAccount.objects.create(
                user=demo_user, enterprise=demo_user.enterprise, role=EnterpriseAccountRole.ADMIN,
                status=EnterpriseAccountStatus.CONFIRMED, confirmed_by=officer, confirmed_at=timezone.now())
            made += 1
        if demo_user is not None and not demo_user.phone:
            # the mobile an enterprise administrator gives when registering: served results reach it by SMS
            User.objects.filter(pk=demo_user.pk).update(phone=DEMO_PHONE)
        if not User.objects.filter(username=PENDING_USERNAME).exists():
            taken = User.objects.filter(enterprise__isnull=False).values("enterprise_id")
            with_account = EnterpriseAccount.objects.values("enterprise_id")
            enterprise = (Enterprise.objects.filter(org_unit=ctx.demo_district, status=EnterpriseStatus.ACTIVE)
                          .exclude(legal_representative="").exclude(pk__in=taken).exclude(pk__in=with_account)
                          .order_by("pk").first())
            if enterprise is not None:
                # Nobody logs in with it (a random password): it stands for a registration the district checks.
                # Unconfirmed, so not linked to the enterprise (no data, no messages) until confirmed.
                user = user_create(username=PENDING_USERNAME, password=one_time_password(),
                                   full_name=enterprise.legal_representative, org_unit=enterprise.org_unit,
                                   enterprise=None, by=None, must_change_password=False)
                role_grant(user=user, role=Role.ENTERPRISE_USER, org_unit=enterprise.org_unit, by=None)
                EnterpriseAccount.objects.create(user=user, enterprise=enterprise, role=EnterpriseAccountRole.ADMIN)
                made += 1
    return {"enterprise_accounts": made}


def reset(ctx) -> dict[str, Any]:
    """Delete the demo's enterprise accounts (before the demo users and enterprises go)."""
    with transaction.atomic():
        deleted, _ = EnterpriseAccount.objects.filter(
            user__username__in=["enterprise", PENDING_USERNAME]).delete()
        pending = User.objects.filter(username=PENDING_USERNAME)
        RoleAssignment.objects.filter(user__in=pending).delete()
        pending.delete()
    return {"enterprise_accounts_deleted": deleted}
