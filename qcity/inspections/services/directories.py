"""The list and the two directories (一单两库, DOMAIN §5): inspection items, inspectors with their
declared conflicts (回避), and target pools with their snapshots."""

from __future__ import annotations

import datetime
import zlib
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qcity.core.access import require_scope
from qcity.core.audit import audit_record, snapshot
from qcity.core.choices import AuditAction, Role
from qcity.core.models import Department, OrgUnit, RoleAssignment, User
from qcity.core.roles import MARKET_MANAGERS
from qcity.credit.scoring import UNCLASSIFIED_RISK_CLASS
from qcity.credit.selectors import with_risk_class
from qcity.enterprises.choices import EnterpriseStatus, EntityType
from qcity.enterprises.models import Enterprise

from .. import draw as algorithm
from ..models import InspectionItem, Inspector, InspectorConflict, PoolSnapshot, TargetPool

# --- inspection items -----------------------------------------------------------------------------------


def _industry_codes(codes: Sequence[str]) -> list[str]:
    return [c.strip().upper() for c in codes if c and c.strip()]


def _bad_industry_codes(codes: list[str]) -> dict:
    bad = [c for c in codes if not (isinstance(c, str) and c.isalnum() and 1 <= len(c) <= 5)]
    return {"industry_codes": [_("行业代码格式错误：%(bad)s") % {"bad": ", ".join(map(str, bad))}]} if bad else {}


def item_create(*, by: User | None, code: str, name: str, legal_basis: str, org_unit: OrgUnit,
                department: Department | None = None, method: str = "",
                industry_codes: Sequence[str] = ()) -> InspectionItem:
    """An item of the list; `industry_codes` (GB/T 4754 prefixes) limits the enterprises it is drawn for."""
    require_scope(by, org_unit, roles=MARKET_MANAGERS, action="create inspection item")
    code, name = (code or "").strip(), (name or "").strip()
    industry_codes = _industry_codes(industry_codes)
    errors = _bad_industry_codes(industry_codes)
    if not code:
        errors["code"] = [_("请填写事项编号")]
    elif InspectionItem.objects.filter(code=code).exists():
        errors["code"] = [_("事项编号 %(code)s 已存在") % {"code": code}]
    if not name:
        errors["name"] = [_("请填写事项名称")]
    if not (legal_basis or "").strip():
        errors["legal_basis"] = [_("请填写检查依据")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            item = InspectionItem.objects.create(code=code, name=name, legal_basis=legal_basis.strip(),
                                                 org_unit=org_unit, department=department, method=method.strip(),
                                                 industry_codes=industry_codes)
            audit_record(action=AuditAction.CREATE, by=by, obj=item, org_unit=org_unit, after=snapshot(item))
    except IntegrityError as exc:
        raise ValidationError({"code": [_("事项编号 %(code)s 已存在") % {"code": code}]}) from exc
    return item


def item_update(*, item: InspectionItem, by: User | None, **fields) -> InspectionItem:
    allowed = {"name", "legal_basis", "department", "method", "industry_codes"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({name: [_("该字段不可修改")] for name in unknown})
    if "industry_codes" in fields:
        fields["industry_codes"] = _industry_codes(fields["industry_codes"])
        if errors := _bad_industry_codes(fields["industry_codes"]):
            raise ValidationError(errors)
    require_scope(by, item.org_unit, roles=MARKET_MANAGERS, action="update inspection item", obj=item)
    before = snapshot(item)
    for name, value in fields.items():
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    if not item.name or not item.legal_basis:
        raise ValidationError({"name" if not item.name else "legal_basis": [_("不能为空")]})
    with transaction.atomic():
        item.save()
        audit_record(action=AuditAction.UPDATE, by=by, obj=item, org_unit=item.org_unit, before=before,
                     after=snapshot(item))
    return item


def item_publish(*, item: InspectionItem, by: User | None, on: datetime.date | None = None) -> InspectionItem:
    """The item list is public (DOMAIN §5: published inspection item list)."""
    require_scope(by, item.org_unit, roles=MARKET_MANAGERS, action="publish inspection item", obj=item)
    if item.published:
        raise ValidationError({"published": [_("该事项已公开")]})
    with transaction.atomic():
        item.published, item.published_on = True, on or timezone.localdate()
        item.save(update_fields=["published", "published_on"])
        audit_record(action=AuditAction.UPDATE, by=by, obj=item, org_unit=item.org_unit,
                     message=f"inspection item {item.code} published")
    return item


# --- inspectors and conflicts -----------------------------------------------------------------------------


def inspector_create(*, by: User | None, user: User, badge_number: str, org_unit: OrgUnit,
                     qualifications: Sequence[InspectionItem] = ()) -> Inspector:
    """An inspector is an account holding Role.INSPECTOR over `org_unit` (or a unit above it)."""
    require_scope(by, org_unit, roles=MARKET_MANAGERS, action="add inspector")
    badge_number = (badge_number or "").strip()
    errors = {}
    if not badge_number:
        errors["badge_number"] = [_("请填写执法证号")]
    elif Inspector.objects.filter(badge_number=badge_number).exists():
        errors["badge_number"] = [_("执法证号 %(badge_number)s 已登记") % {"badge_number": badge_number}]
    if Inspector.objects.filter(user=user).exists():
        errors["user"] = [_("该账号已在执法检查人员名录库中")]
    elif not RoleAssignment.objects.filter(user=user, role=Role.INSPECTOR).exists():
        errors["user"] = [_("该账号没有“执法检查人员”角色")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            inspector = Inspector.objects.create(user=user, badge_number=badge_number, org_unit=org_unit)
            inspector.qualifications.set(qualifications)
            audit_record(action=AuditAction.CREATE, by=by, obj=inspector, org_unit=org_unit,
                         after=snapshot(inspector) | {"qualifications": sorted(i.code for i in qualifications)})
    except IntegrityError as exc:
        raise ValidationError({"badge_number": [_("执法证号 %(badge_number)s 已登记") % {"badge_number": badge_number}]}) from exc
    return inspector


def inspector_update(*, inspector: Inspector, by: User | None, active: bool | None = None,
                     qualifications: Sequence[InspectionItem] | None = None) -> Inspector:
    require_scope(by, inspector.org_unit, roles=MARKET_MANAGERS, action="update inspector", obj=inspector)
    before = {"active": inspector.active,
              "qualifications": sorted(inspector.qualifications.values_list("code", flat=True))}
    with transaction.atomic():
        if active is not None:
            inspector.active = active
            inspector.save(update_fields=["active"])
        if qualifications is not None:
            inspector.qualifications.set(qualifications)
        after = {"active": inspector.active,
                 "qualifications": sorted(inspector.qualifications.values_list("code", flat=True))}
        if after != before:
            audit_record(action=AuditAction.UPDATE, by=by, obj=inspector, org_unit=inspector.org_unit,
                         before=before, after=after)
    return inspector


def conflict_declare(*, inspector: Inspector, enterprise: Enterprise, reason: str, by: User | None,
                     declared_on: datetime.date | None = None) -> InspectorConflict:
    """回避 (DOMAIN §5): the inspector themself or an officer of their unit declares an interest."""
    if by is not None and by.pk != inspector.user_id:
        require_scope(by, inspector.org_unit, roles=MARKET_MANAGERS, action="declare conflict", obj=inspector)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请填写回避事由")]})
    if InspectorConflict.objects.filter(inspector=inspector, enterprise=enterprise).exists():
        raise ValidationError({"enterprise": [_("已申报对 %(name)s 回避") % {"name": enterprise.name}]})
    try:
        with transaction.atomic():
            conflict = InspectorConflict.objects.create(inspector=inspector, enterprise=enterprise,
                                                        reason=reason.strip(),
                                                        declared_on=declared_on or timezone.localdate())
            audit_record(action=AuditAction.CREATE, by=by, obj=conflict, org_unit=inspector.org_unit,
                         message=f"conflict declared: {inspector.badge_number} / {enterprise.uscc}")
    except IntegrityError as exc:  # a concurrent twin declared it first (inspector_conflict_unique)
        raise ValidationError({"enterprise": [_("已申报对 %(name)s 回避") % {"name": enterprise.name}]}) from exc
    return conflict


def conflict_withdraw(*, conflict: InspectorConflict, by: User | None) -> None:
    require_scope(by, conflict.inspector.org_unit, roles=MARKET_MANAGERS, action="withdraw conflict", obj=conflict)
    with transaction.atomic():
        audit_record(action=AuditAction.DELETE, by=by, obj=conflict, org_unit=conflict.inspector.org_unit,
                     message=f"conflict withdrawn: {conflict.inspector.badge_number} / {conflict.enterprise.uscc}")
        conflict.delete()


# --- target pools ---------------------------------------------------------------------------------------


def _check_pool_filters(org_unit, filter_org_units, industry_codes, entity_types, statuses) -> dict:
    errors = {}
    outside = [u.name for u in filter_org_units if not u.path.startswith(org_unit.path)]
    if outside:
        errors["filter_org_units"] = [_("不在管理单位辖区内：%(outside)s") % {"outside": '、'.join(outside)}]
    errors.update(_bad_industry_codes(industry_codes))
    bad = [t for t in entity_types if t not in EntityType.values]
    if bad:
        errors["entity_types"] = [_("未知主体类型：%(bad)s") % {"bad": ', '.join(map(str, bad))}]
    bad = [s for s in statuses if s not in EnterpriseStatus.values]
    if bad:
        errors["statuses"] = [_("未知登记状态：%(bad)s") % {"bad": ', '.join(map(str, bad))}]
    return errors


def pool_create(*, by: User | None, name: str, org_unit: OrgUnit, filter_org_units: Sequence[OrgUnit] = (),
                industry_codes: Sequence[str] = (), entity_types: Sequence[str] = (),
                statuses: Sequence[str] = (EnterpriseStatus.ACTIVE,)) -> TargetPool:
    require_scope(by, org_unit, roles=MARKET_MANAGERS, action="create target pool")
    industry_codes = [c.strip().upper() for c in industry_codes if c and c.strip()]
    errors = _check_pool_filters(org_unit, filter_org_units, industry_codes, list(entity_types), list(statuses))
    if not (name or "").strip():
        errors["name"] = [_("请填写名称")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        pool = TargetPool.objects.create(name=name.strip(), org_unit=org_unit, industry_codes=industry_codes,
                                         entity_types=list(entity_types), statuses=list(statuses), created_by=by)
        pool.filter_org_units.set(filter_org_units)
        audit_record(action=AuditAction.CREATE, by=by, obj=pool, org_unit=org_unit,
                     after=snapshot(pool) | {"filter_org_units": sorted(u.pk for u in filter_org_units)})
    return pool


def pool_enterprises(pool: TargetPool):
    """The enterprises the pool's filters select (the registry, within the pool's unit)."""
    units = list(pool.filter_org_units.all()) or [pool.org_unit]
    covered = Q(pk__in=[])
    for unit in units:
        covered |= Q(path__startswith=unit.path)
    queryset = Enterprise.objects.filter(org_unit_id__in=list(OrgUnit.objects.filter(covered).values_list("id", flat=True)))
    if pool.industry_codes:
        industry = Q(pk__in=[])
        for code in pool.industry_codes:
            industry |= Q(industry_code__startswith=code)
        queryset = queryset.filter(industry)
    if pool.entity_types:
        queryset = queryset.filter(entity_type__in=pool.entity_types)
    if pool.statuses:
        queryset = queryset.filter(status__in=pool.statuses)
    return queryset


def pool_snapshot_build(*, pool: TargetPool, by: User | None, at: datetime.datetime | None = None) -> PoolSnapshot:
    """Freeze the pool: every member with its credit risk class (credit's `with_risk_class`, read
    once here), in the canonical format, hashed and stored compressed. Draws read this row only."""
    require_scope(by, pool.org_unit, roles=MARKET_MANAGERS, action="build target pool snapshot", obj=pool)
    members: dict[str, list[int]] = {s: [] for s in algorithm.STRATA}
    rows = with_risk_class(pool_enterprises(pool)).order_by().values_list("id", "risk_class")
    for enterprise_id, risk_class in rows.iterator(chunk_size=20_000):
        members[risk_class or UNCLASSIFIED_RISK_CLASS.value].append(enterprise_id)
    canonical = algorithm.snapshot_encode(members)
    sizes = {s: len(members[s]) for s in algorithm.STRATA}
    with transaction.atomic():
        built = PoolSnapshot.objects.create(
            pool=pool, built_at=at or timezone.now(), built_by=by, size=sum(sizes.values()), stratum_sizes=sizes,
            format_version=algorithm.SNAPSHOT_FORMAT, sha256=algorithm.sha256_hex(canonical),
            data=zlib.compress(canonical, 6))
        audit_record(action=AuditAction.CREATE, by=by, obj=built, org_unit=pool.org_unit,
                     message=f"pool {pool.pk} snapshot: {built.size} targets, sha256 {built.sha256[:16]}")
    return built
