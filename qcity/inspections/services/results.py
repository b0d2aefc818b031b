"""Results per drawn target and item, fed into the credit file, and their publication (一公开)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qcity.core import access, deadlines
from qcity.core.access import require_scope
from qcity.core.audit import audit_record
from qcity.core.choices import AuditAction
from qcity.core.deadlines import Deadline, deadline
from qcity.core.messages import not_in_future
from qcity.core.models import User
from qcity.core.roles import MARKET_MANAGERS
from qcity.credit.choices import CreditEventKind
from qcity.credit.services import credit_event_publish, credit_event_record
from qcity.enterprises.models import Enterprise

from ..choices import NONCONFORMING_OUTCOMES, InspectionOutcome
from ..models import DrawnTarget, InspectionItem, InspectionPlan, InspectionResult
from ..selectors import target_can_enter_result

PUBLICATION_DURATION = "random-inspection-publication"  # DOMAIN §5: 20 working days from completion


def _credit_kind(outcome: str) -> str | None:
    if outcome == InspectionOutcome.NO_PROBLEM:
        return CreditEventKind.INSPECTION_CONFORMITY
    if outcome in NONCONFORMING_OUTCOMES:
        return CreditEventKind.INSPECTION_NONCONFORMITY
    return None  # closed down: nothing about the enterprise's conduct to record


def publish_by(result: InspectionResult) -> Deadline:
    """DOMAIN §5: results are published within 20 working days of the inspection's completion."""
    return deadline(PUBLICATION_DURATION, result.inspected_on)


def source_ref(result: InspectionResult) -> str:
    return f"inspections:result:{result.pk}"


def result_enter(*, plan: InspectionPlan, enterprise: Enterprise, item: InspectionItem, outcome: str,
                 inspected_on: datetime.date, by: User | None, findings: str = "", is_case_lead: bool = False,
                 case_lead_note: str = "", at: datetime.datetime | None = None) -> InspectionResult:
    """Record the result of inspecting a drawn enterprise on one of its drawn items, put it into the
    enterprise's credit file (credit_event_record, unpublished) and start the publication clock."""
    target = (DrawnTarget.objects.select_related("draw__plan__org_unit", "enterprise")
              .filter(draw__plan=plan, enterprise=enterprise).first())
    if target is None:
        raise ValidationError({"enterprise": [_("%(name)s 不是本计划的抽中对象，不能录入结果") % {"name": enterprise.name}]})
    if by is not None and not target_can_enter_result(user=by, target=target):
        raise access.deny(by, action="enter inspection result", obj=target, org_unit=plan.org_unit)
    today = timezone.localdate(at) if at else timezone.localdate()
    errors = {}
    if item.pk not in target.item_ids:
        errors["item"] = [_("%(name)s 本次未抽中事项 %(code)s") % {"name": enterprise.name, "code": item.code}]
    if outcome not in InspectionOutcome.values:
        errors["outcome"] = [_("未知的检查结果")]
    if inspected_on is None or inspected_on > today:
        errors["inspected_on"] = [not_in_future(_("检查完成日期"))]
    elif inspected_on < timezone.localdate(target.draw.drawn_at):
        errors["inspected_on"] = [_("检查完成日期不能早于抽取日期")]
    if is_case_lead and outcome != InspectionOutcome.PROBLEMS_FOUND:
        errors["is_case_lead"] = [_("只有发现问题的检查结果可以移送案件线索")]
    if outcome == InspectionOutcome.PROBLEMS_FOUND and not (findings or "").strip():
        errors["findings"] = [_("发现问题时请填写检查情况")]
    if InspectionResult.objects.filter(target=target, item=item).exists():
        errors["item"] = [_("%(name)s 的事项 %(code)s 已录入结果") % {"name": enterprise.name, "code": item.code}]
    if errors:
        raise ValidationError(errors)
    kind = _credit_kind(outcome)
    result = InspectionResult(
        target=target, item=item, outcome=outcome, findings=(findings or "").strip(), inspected_on=inspected_on,
        is_case_lead=is_case_lead, case_lead_note=(case_lead_note or "").strip()[:300], entered_by=by,
        entered_at=at or timezone.now())
    due = publish_by(result)
    deadlines.assign(result, "publish_by", due)
    try:
        with transaction.atomic():
            result.save()
            audit_record(action=AuditAction.CREATE, by=by, obj=result, org_unit=plan.org_unit,
                         message=f"inspection result {item.code} for {enterprise.uscc}: {outcome}"
                                 + (", case lead" if is_case_lead else "") + f"; publish by {due.on}" + (" (provisional)" if due.provisional else ""))
            if kind is not None:
                credit_event_record(enterprise=enterprise, kind=kind, occurred_on=inspected_on,
                                    source_authority=f"{plan.org_unit.name}市场监督管理局", source_ref=source_ref(result),  # i18n-ignore: public credit record
                                    summary=f"{plan.name}：{item.name}，{InspectionOutcome(outcome).label}", published_on=None,
                                    by=by, today=today)
    except IntegrityError as exc:  # entered concurrently
        raise ValidationError({"item": [_("%(name)s 的事项 %(code)s 已录入结果") % {"name": enterprise.name, "code": item.code}]}) from exc
    return result


def result_publish(*, result: InspectionResult, by: User | None, on: datetime.date | None = None) -> InspectionResult:
    """Publish (谁检查、谁录入、谁公开, DOMAIN §5); late publication is allowed but stays flagged as late."""
    plan = result.target.draw.plan
    require_scope(by, plan.org_unit, roles=MARKET_MANAGERS, action="publish inspection result", obj=result)
    if result.published_on is not None:
        raise ValidationError({"published_on": [_("该结果已公示")]})
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"published_on": [not_in_future(_("公示日期"))]})
    if on < result.inspected_on:
        raise ValidationError({"published_on": [_("公示日期不能早于检查完成日期")]})
    with transaction.atomic():
        result.published_on = on
        result.save(update_fields=["published_on"])
        late = on > result.publish_by
        audit_record(action=AuditAction.UPDATE, by=by, obj=result, org_unit=plan.org_unit,
                     message=f"inspection result published on {on}" + (f", late (due {result.publish_by})" if late else ""))
        if _credit_kind(result.outcome) is not None:
            credit_event_publish(source_ref=source_ref(result), published_on=on, by=by)
    return result


def plan_results_publish(*, plan: InspectionPlan, by: User | None, on: datetime.date | None = None) -> int:
    """Publish every entered, unpublished result of the plan; returns how many."""
    require_scope(by, plan.org_unit, roles=MARKET_MANAGERS, action="publish inspection results", obj=plan)
    pending = list(InspectionResult.objects.filter(target__draw__plan=plan, published_on__isnull=True)
                   .select_related("target__draw__plan__org_unit"))
    with transaction.atomic():
        for result in pending:
            result_publish(result=result, by=by, on=on)
    return len(pending)


def result_mark_case_lead(*, result: InspectionResult, by: User | None, note: str = "") -> InspectionResult:
    """Problems found become case leads for enforcement (DOMAIN §5)."""
    plan = result.target.draw.plan
    require_scope(by, plan.org_unit, roles=MARKET_MANAGERS, action="mark case lead", obj=result)
    if result.outcome != InspectionOutcome.PROBLEMS_FOUND:
        raise ValidationError({"is_case_lead": [_("只有发现问题的检查结果可以移送案件线索")]})
    if result.is_case_lead:
        raise ValidationError({"is_case_lead": [_("已移送案件线索")]})
    with transaction.atomic():
        result.is_case_lead, result.case_lead_note = True, (note or "").strip()[:300]
        result.save(update_fields=["is_case_lead", "case_lead_note"])
        audit_record(action=AuditAction.UPDATE, by=by, obj=result, org_unit=plan.org_unit,
                     message=f"inspection result marked as case lead: {result.case_lead_note[:100]}")
    return result
