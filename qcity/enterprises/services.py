"""Writes to the enterprise registry. Every change is checked against the actor's org-unit scope."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from qcity.core.access import require_scope
from qcity.core.audit import audit_record, changed, snapshot
from qcity.core.choices import AuditAction
from qcity.core.models import User
from qcity.core.roles import MARKET_OFFICERS

from .models import Certification, ChiefQualityOfficer, Enterprise, Licence
from .search import name_initials
from .validators import validate_industry_code, validate_uscc

EDITABLE_FIELDS = ("name", "entity_type", "industry_code", "org_unit", "address", "legal_representative",
                   "registered_capital", "established_on", "status")


def _clean(enterprise: Enterprise) -> None:
    errors = {}
    try:
        enterprise.uscc = validate_uscc(enterprise.uscc)
    except ValidationError as exc:
        errors["uscc"] = exc.messages
    try:
        enterprise.industry_code = validate_industry_code(enterprise.industry_code)
    except ValidationError as exc:
        errors["industry_code"] = exc.messages
    enterprise.name = (enterprise.name or "").strip()
    enterprise.name_initials = name_initials(enterprise.name)
    try:
        enterprise.full_clean(exclude=["uscc", "industry_code", "name_initials"], validate_unique=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if "uscc" not in errors and Enterprise.objects.filter(uscc=enterprise.uscc).exclude(pk=enterprise.pk).exists():
        errors["uscc"] = [_("统一社会信用代码 %(uscc)s 已登记") % {"uscc": enterprise.uscc}]
    if errors:
        raise ValidationError(errors)


def enterprise_create(*, by: User | None, **fields) -> Enterprise:
    enterprise = Enterprise(**fields)
    require_scope(by, enterprise.org_unit, roles=MARKET_OFFICERS, action="create enterprise")
    _clean(enterprise)
    try:
        with transaction.atomic():
            enterprise.save()
            audit_record(action=AuditAction.CREATE, by=by, obj=enterprise, org_unit=enterprise.org_unit,
                         after=snapshot(enterprise))
    except IntegrityError as exc:  # a concurrent insert of the same code
        raise ValidationError({"uscc": [_("统一社会信用代码 %(uscc)s 已登记") % {"uscc": enterprise.uscc}]}) from exc
    return enterprise


def enterprise_update(*, enterprise: Enterprise, by: User | None, **fields) -> Enterprise:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: [_("该字段不可修改")] for name in unknown})
    require_scope(by, enterprise.org_unit, roles=MARKET_OFFICERS, action="update enterprise", obj=enterprise)
    if "org_unit" in fields and fields["org_unit"] != enterprise.org_unit:
        require_scope(by, fields["org_unit"], roles=MARKET_OFFICERS, action="move enterprise", obj=enterprise)
    before = snapshot(enterprise)
    for name, value in fields.items():
        setattr(enterprise, name, value)
    _clean(enterprise)
    with transaction.atomic():
        enterprise.save()
        old, new = changed(before, snapshot(enterprise))
        old.pop("updated_at", None)
        new.pop("updated_at", None)
        if new:
            audit_record(action=AuditAction.UPDATE, by=by, obj=enterprise, org_unit=enterprise.org_unit,
                         before=old, after=new)
    return enterprise


def licence_add(*, enterprise: Enterprise, by: User | None, **fields) -> Licence:
    require_scope(by, enterprise.org_unit, roles=MARKET_OFFICERS, action="add licence", obj=enterprise)
    licence = Licence(enterprise=enterprise, **fields)
    licence.full_clean()
    with transaction.atomic():
        licence.save()
        audit_record(action=AuditAction.CREATE, by=by, obj=licence, org_unit=enterprise.org_unit,
                     after=snapshot(licence), message=f"licence for {enterprise.uscc}")
    return licence


def certification_add(*, enterprise: Enterprise, by: User | None, **fields) -> Certification:
    require_scope(by, enterprise.org_unit, roles=MARKET_OFFICERS, action="add certification", obj=enterprise)
    certification = Certification(enterprise=enterprise, **fields)
    certification.full_clean()
    with transaction.atomic():
        certification.save()
        audit_record(action=AuditAction.CREATE, by=by, obj=certification, org_unit=enterprise.org_unit,
                     after=snapshot(certification), message=f"certification for {enterprise.uscc}")
    return certification


def chief_quality_officer_set(*, enterprise: Enterprise, by: User | None, **fields) -> ChiefQualityOfficer:
    require_scope(by, enterprise.org_unit, roles=MARKET_OFFICERS, action="set chief quality officer", obj=enterprise)
    officer = ChiefQualityOfficer.objects.filter(enterprise=enterprise).first()
    before = snapshot(officer) if officer else None
    officer = officer or ChiefQualityOfficer(enterprise=enterprise)
    for name, value in fields.items():
        setattr(officer, name, value)
    officer.full_clean()
    with transaction.atomic():
        officer.save()
        audit_record(action=AuditAction.UPDATE if before else AuditAction.CREATE, by=by, obj=officer,
                     org_unit=enterprise.org_unit, before=before, after=snapshot(officer))
    return officer
