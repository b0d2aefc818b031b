"""Classification: the handler confirms or corrects the suggested category and problem type, and the office
keeps the two reference lists.

The lists ship with the platform (data/categories.json, after the national complaint statistics) and are
loaded after every migrate; a row the office edited is kept. A code is the classifier's label and never
changes once created. A category or problem type that complaints use is switched off, not deleted: the
statistics of past years still name it.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qcity.core import access
from qcity.core.audit import audit_record, changed, snapshot
from qcity.core.choices import AuditAction
from qcity.core.models import User
from qcity.core.roles import COMPLAINT_HANDLERS, OFFICE

from ..choices import ComplaintEventKind
from ..models import Complaint, ComplaintCategory, ProblemType
from .events import complaint_event_add, complaint_snapshot

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "categories.json"
CATEGORY_FIELDS = ("code", "name", "group", "sort_order", "active")
PROBLEM_TYPE_FIELDS = ("code", "name", "sort_order", "active")


def classification_defaults_load(*, using: str = "default") -> int:
    """Create the shipped categories and problem types whose code is missing; existing rows keep the office's
    edits (name, order, switched off)."""
    data = json.loads(DATA_FILE.read_text("utf-8"))
    created = 0
    for model, rows in ((ComplaintCategory, data["categories"]), (ProblemType, data["problem_types"])):
        existing = set(model.objects.using(using).values_list("code", flat=True))
        new = [model(**row) for row in rows if row["code"] not in existing]
        model.objects.using(using).bulk_create(new)
        created += len(new)
    return created


# --- the handler's step -------------------------------------------------------------------------------------


def complaint_classify(*, complaint: Complaint, category: ComplaintCategory | None,
                       problem_type: ProblemType | None, by: User | None) -> Complaint:
    """Confirm (or correct) the classification: it feeds the statistics and the disclosure, so only an active
    category and problem type, by a handler over the complaint's unit. Open in every status: the statistics
    count finished complaints too, so a wrong classification must stay correctable; each correction is a new
    step in the history."""
    access.require_scope(by, complaint.org_unit, roles=COMPLAINT_HANDLERS, action="classify complaint",
                         obj=complaint)
    errors: dict[str, list[str]] = {}
    if category is None or not category.active:
        errors["category"] = [_("请选择启用中的商品或服务类别")]
    if problem_type is None or not problem_type.active:
        errors["problem_type"] = [_("请选择启用中的问题类型")]
    if errors:
        raise ValidationError(errors)
    corrected = (category.pk, problem_type.pk) != (complaint.suggested_category_id,
                                                   complaint.suggested_problem_type_id)
    with transaction.atomic():
        before = complaint_snapshot(complaint)
        complaint.category, complaint.problem_type = category, problem_type
        complaint.classification_confirmed = True
        complaint.save(update_fields=["category", "problem_type", "classification_confirmed", "updated_at"])
        note = f"{category.name} / {problem_type.name}"
        if corrected and complaint.suggested_category_id:
            note += _("（已更正系统建议）")
        complaint_event_add(complaint=complaint, kind=ComplaintEventKind.CLASSIFIED, by=by, note=note,
                            public=False, before=before)
    return complaint


# --- the reference lists (office) ---------------------------------------------------------------------------


def _save(instance, *, fields: tuple[str, ...], by: User | None, action: str):
    """Validate (code a unique slug, name required), save and audit one reference row."""
    access.require_role(by, *OFFICE, action=f"{action} {instance._meta.model_name}")
    before = snapshot(instance, fields) if instance.pk else None
    instance.name = (instance.name or "").strip()
    if not instance.name:
        raise ValidationError({"name": [_("请填写名称")]})
    if type(instance).objects.filter(name=instance.name).exclude(pk=instance.pk).exists():
        raise ValidationError({"name": [_("已有同名条目")]})
    instance.full_clean()
    with transaction.atomic():
        instance.save()
        after = snapshot(instance, fields)
        if before is None:
            audit_record(action=AuditAction.CREATE, by=by, obj=instance, after=after)
        else:
            old, new = changed(before, after)
            audit_record(action=AuditAction.UPDATE, by=by, obj=instance, before=old, after=new)
    return instance


def complaint_category_create(*, code: str, name: str, group: str, sort_order: int = 0, active: bool = True,
                              by: User | None) -> ComplaintCategory:
    category = ComplaintCategory(code=(code or "").strip(), name=name, group=group, sort_order=sort_order,
                                 active=active)
    return _save(category, fields=CATEGORY_FIELDS, by=by, action="create")


def complaint_category_update(*, category: ComplaintCategory, name: str, group: str, sort_order: int,
                              active: bool, by: User | None) -> ComplaintCategory:
    """Everything but the code (the classifier's label and the statistics' key)."""
    category.name, category.group, category.sort_order, category.active = name, group, sort_order, active
    return _save(category, fields=CATEGORY_FIELDS, by=by, action="edit")


def problem_type_create(*, code: str, name: str, sort_order: int = 0, active: bool = True,
                        by: User | None) -> ProblemType:
    problem_type = ProblemType(code=(code or "").strip(), name=name, sort_order=sort_order, active=active)
    return _save(problem_type, fields=PROBLEM_TYPE_FIELDS, by=by, action="create")


def problem_type_update(*, problem_type: ProblemType, name: str, sort_order: int, active: bool,
                        by: User | None) -> ProblemType:
    problem_type.name, problem_type.sort_order, problem_type.active = name, sort_order, active
    return _save(problem_type, fields=PROBLEM_TYPE_FIELDS, by=by, action="edit")


def _delete(instance, *, fields: tuple[str, ...], used, by: User | None) -> None:
    access.require_role(by, *OFFICE, action=f"delete {instance._meta.model_name}")
    if used.exists():
        raise ValidationError(_("已有投诉举报使用“%(name)s”，不能删除，请改为停用") % {"name": instance.name})
    with transaction.atomic():
        audit_record(action=AuditAction.DELETE, by=by, obj=instance, before=snapshot(instance, fields))
        instance.delete()


def complaint_category_delete(*, category: ComplaintCategory, by: User | None) -> None:
    """Only a category no complaint uses (suggested or confirmed); a used one is switched off instead."""
    _delete(category, fields=CATEGORY_FIELDS, by=by,
            used=Complaint.objects.filter(category=category) | Complaint.objects.filter(suggested_category=category))


def problem_type_delete(*, problem_type: ProblemType, by: User | None) -> None:
    _delete(problem_type, fields=PROBLEM_TYPE_FIELDS, by=by,
            used=(Complaint.objects.filter(problem_type=problem_type)
                  | Complaint.objects.filter(suggested_problem_type=problem_type)))
