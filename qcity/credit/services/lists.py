"""Credit lists: abnormal operations (DOMAIN §2.1), serious violations (§2.2) and the red list (platform
rule). Every entry and exit is audited, recorded as a credit event and reclassifies the enterprise."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qcity.core import access, deadlines
from qcity.core.access import require_scope
from qcity.core.audit import audit_record, snapshot
from qcity.core.choices import AuditAction
from qcity.core.deadlines import Deadline, deadline, legal_duration_in_force
from qcity.core.messages import not_in_future
from qcity.core.models import User
from qcity.core.roles import MARKET_OFFICERS, OFFICE
from qcity.enterprises.models import Enterprise

from ..choices import (
    ABNORMAL_REASONS,
    NEGATIVE_KINDS,
    RED_REASONS,
    CreditEventKind,
    CreditEventStatus,
    CreditListEntryReason,
    CreditListEntryStatus,
    CreditListKind,
    CreditListRemovalReason,
    RiskClass,
)
from ..models import CreditClassification, CreditEvent, CreditListEntry
from ..periods import period_end, rule_in_force
from .events import credit_event_publish_item, credit_event_record

AUDITED = ["list_kind", "reason", "decided_on", "decision_authority", "decision_number", "published_on",
           "publication_due_on", "publication_due_on_provisional_year", "earliest_repair_on", "ends_on", "status", "removed_on", "removal_reason",
           "removal_note"]
LISTING_EVENT_KIND = {
    CreditListKind.ABNORMAL_OPERATIONS: CreditEventKind.ABNORMAL_OPERATIONS_LISTING,
    CreditListKind.SERIOUS_VIOLATION: CreditEventKind.SERIOUS_VIOLATION_LISTING,
    CreditListKind.RED: CreditEventKind.RED_LIST,
}


def _source_ref(entry: CreditListEntry, what: str) -> str:
    return f"credit:listentry:{entry.pk}:{what}"


def _check_common(*, enterprise, decided_on, decision_authority, today) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not isinstance(enterprise, Enterprise):
        errors["enterprise"] = [_("请选择企业")]
    if not isinstance(decided_on, datetime.date):
        errors["decided_on"] = [_("请填写决定日期")]
    elif decided_on > today:
        errors["decided_on"] = [not_in_future(_("决定日期"))]
    if not (decision_authority or "").strip():
        errors["decision_authority"] = [_("请填写作出决定机关")]
    return errors


def _public_summary(entry: CreditListEntry) -> str:
    number = f"（{entry.decision_number}）" if entry.decision_number else ""
    return f"{entry.get_list_kind_display()}：{entry.get_reason_display()}{number}"


def _create(*, enterprise, list_kind, reason, decided_on, decision_authority, decision_number, detail, by,
            today, published_on=None, **extra) -> CreditListEntry:
    if CreditListEntry.objects.filter(enterprise=enterprise, list_kind=list_kind,
                                      status=CreditListEntryStatus.LISTED).exists():
        raise ValidationError({"enterprise": [_("该企业已在%(label)s中") % {"label": CreditListKind(list_kind).label}]})
    try:
        with transaction.atomic():
            entry = CreditListEntry(
                enterprise=enterprise, list_kind=list_kind, reason=reason, decided_on=decided_on,
                decision_authority=decision_authority.strip(), decision_number=(decision_number or "").strip(),
                detail=(detail or "").strip(), published_on=published_on, created_by=by, **extra)
            deadlines.assign(entry, "publication_due_on", publication_due_on(entry))
            entry.save()
    except IntegrityError as error:  # a concurrent entry of the same enterprise won
        raise ValidationError({"enterprise": [_("该企业已在%(label)s中") % {"label": CreditListKind(list_kind).label}]}) from error
    event = credit_event_record(
        enterprise=enterprise, kind=LISTING_EVENT_KIND[list_kind], occurred_on=decided_on,
        source_authority=entry.decision_authority, summary=f"{entry.get_reason_display()}。{entry.detail}".strip("。"),
        # the facts (detail) may name persons; the public reads the structured fields only
        public_summary=_public_summary(entry), source_ref=_source_ref(entry, "entry"), published_on=published_on,
        by=by, today=today)
    entry.entry_event = event
    entry.save(update_fields=["entry_event"])
    audit_record(action=AuditAction.CREATE, by=by, obj=entry, org_unit=enterprise.org_unit,
                 message=f"{list_kind} list entry for {enterprise.uscc}: {reason}", after=snapshot(entry, AUDITED))
    return entry


@transaction.atomic
def abnormal_list_enter(*, enterprise: Enterprise, reason: str, decided_on: datetime.date, decision_authority: str,
                        decision_number: str = "", detail: str = "", by: User | None,
                        today: datetime.date | None = None) -> CreditListEntry:
    """DOMAIN §2.1 / 企业经营异常名录管理暂行办法 arts. 6–9: one of four grounds; the listing is published
    with the decision. Still listed after 3 full years (条例 art. 17) → the serious list (`ends_on`)."""
    today = today or timezone.localdate()
    errors = _check_common(enterprise=enterprise, decided_on=decided_on, decision_authority=decision_authority,
                           today=today)
    if reason not in ABNORMAL_REASONS:
        errors["reason"] = [_("经营异常名录的列入事由须为：未按期公示年报、未按责令期限公示信息、公示信息弄虚作假、无法联系")]
    if errors:
        raise ValidationError(errors)
    require_scope(by, enterprise.org_unit, roles=MARKET_OFFICERS, action="list an enterprise as abnormal")
    return _create(enterprise=enterprise, list_kind=CreditListKind.ABNORMAL_OPERATIONS, reason=reason,
                   decided_on=decided_on, decision_authority=decision_authority, decision_number=decision_number,
                   detail=detail, by=by, today=today, published_on=decided_on,
                   ends_on=_period_end("abnormal-list-escalation", decided_on))


def publication_due_on(entry: CreditListEntry) -> Deadline | None:
    """DOMAIN §2.2 / 总局令第44号: a serious-list entry is published within 20 working days of the decision
    (abnormal and red-list entries are published with the decision)."""
    if entry.list_kind != CreditListKind.SERIOUS_VIOLATION:
        return None
    with rule_in_force("decided_on", entry.decided_on):
        return deadline("serious-list-publication", entry.decided_on)


def _period_end(code: str, decided_on: datetime.date) -> datetime.date:
    with rule_in_force("decided_on", decided_on):
        return period_end(code, decided_on)


def _serious_dates(decided_on: datetime.date) -> dict:
    return {
        # early removal (credit repair) only after 1 full year; automatic removal after 3 full years
        "earliest_repair_on": _period_end("serious-list-early-removal-minimum", decided_on),
        "ends_on": _period_end("serious-list-automatic-removal", decided_on),
    }


@transaction.atomic
def serious_list_enter(*, enterprise: Enterprise, penalty_event: CreditEvent, decided_on: datetime.date,
                       decision_authority: str, decision_number: str = "", detail: str = "", by: User | None,
                       today: datetime.date | None = None) -> CreditListEntry:
    """DOMAIN §2.2 / 总局令第44号: entry rests on a heavier administrative penalty (较重行政处罚) of the same
    enterprise, decided together with (not before) the penalty."""
    today = today or timezone.localdate()
    errors = _check_common(enterprise=enterprise, decided_on=decided_on, decision_authority=decision_authority,
                           today=today)
    if not isinstance(penalty_event, CreditEvent):
        errors["penalty_event"] = [_("请选择所依据的较重行政处罚")]
    elif (penalty_event.kind != CreditEventKind.HEAVIER_PENALTY or penalty_event.enterprise_id != getattr(enterprise, "pk", None)
          or penalty_event.status == CreditEventStatus.WITHDRAWN):
        errors["penalty_event"] = [_("须为该企业未撤销的较重行政处罚")]
    elif isinstance(decided_on, datetime.date) and decided_on < penalty_event.occurred_on:
        errors["decided_on"] = [_("列入决定不能早于行政处罚决定")]
    if errors:
        raise ValidationError(errors)
    require_scope(by, enterprise.org_unit, roles=MARKET_OFFICERS, action="list an enterprise as serious violator")
    return _create(enterprise=enterprise, list_kind=CreditListKind.SERIOUS_VIOLATION,
                   reason=CreditListEntryReason.HEAVIER_PENALTY, decided_on=decided_on,
                   decision_authority=decision_authority, decision_number=decision_number, detail=detail, by=by,
                   today=today, penalty_event=penalty_event, **_serious_dates(decided_on))


def _red_list_clean_since(on: datetime.date) -> datetime.date:
    row = legal_duration_in_force("red-list-clean-record", on)
    return on - relativedelta(years=row.value)


@transaction.atomic
def red_list_enter(*, enterprise: Enterprise, reason: str, decided_on: datetime.date, decision_authority: str,
                   decision_number: str = "", detail: str = "", by: User | None,
                   today: datetime.date | None = None) -> CreditListEntry:
    """守信红榜 (platform rule, entered by the leadership office): a quality award in the last 3 years, or
    class A with no negative record in 3 years; never while on the abnormal or serious list. One year."""
    today = today or timezone.localdate()
    errors = _check_common(enterprise=enterprise, decided_on=decided_on, decision_authority=decision_authority,
                           today=today)
    if reason not in RED_REASONS:
        errors["reason"] = [_("守信红榜的列入事由须为：获得质量奖，或信用风险低且3年内无失信记录")]
    if errors:
        raise ValidationError(errors)
    access.require_role(by, *OFFICE, action="put an enterprise on the red list")
    since = _red_list_clean_since(today)
    live = CreditEvent.objects.filter(enterprise=enterprise, occurred_on__gt=since).exclude(
        status=CreditEventStatus.WITHDRAWN)
    if CreditListEntry.objects.filter(enterprise=enterprise, status=CreditListEntryStatus.LISTED).exclude(
            list_kind=CreditListKind.RED).exists():
        raise ValidationError({"enterprise": [_("在经营异常名录或严重违法失信名单中的企业不能列入守信红榜")]})
    if reason == CreditListEntryReason.QUALITY_AWARD and not live.filter(kind=CreditEventKind.QUALITY_AWARD).exists():
        raise ValidationError({"reason": [_("该企业近3年没有质量奖记录")]})
    if reason == CreditListEntryReason.SUSTAINED_GOOD_CREDIT:
        current = CreditClassification.objects.filter(enterprise=enterprise).values_list("risk_class", flat=True).first()
        if current != RiskClass.A:
            raise ValidationError({"reason": [_("该企业当前信用风险分类不是A类")]})
        if live.filter(kind__in=NEGATIVE_KINDS).exists():
            raise ValidationError({"reason": [_("该企业近3年有失信记录")]})
    return _create(enterprise=enterprise, list_kind=CreditListKind.RED, reason=reason, decided_on=decided_on,
                   decision_authority=decision_authority, decision_number=decision_number, detail=detail, by=by,
                   today=today, published_on=decided_on, ends_on=_period_end("red-list-term", decided_on))


@transaction.atomic
def list_entry_publish(*, entry: CreditListEntry, published_on: datetime.date, by: User | None,
                       today: datetime.date | None = None) -> CreditListEntry:
    """Publish a serious-list entry (DOMAIN §2.2: within 20 working days; a later date is flagged overdue)."""
    today = today or timezone.localdate()
    entry = CreditListEntry.objects.select_for_update().select_related("enterprise__org_unit").get(pk=entry.pk)
    require_scope(by, entry.enterprise.org_unit, roles=MARKET_OFFICERS, action="publish a list entry")
    if entry.status != CreditListEntryStatus.LISTED:
        raise ValidationError({"status": [_("已移出的记录不能公示")]})
    if entry.published_on is not None:
        raise ValidationError({"published_on": [_("该记录已公示")]})
    if not isinstance(published_on, datetime.date) or published_on < entry.decided_on or published_on > today:
        raise ValidationError({"published_on": [_("公示日期须在决定日期与今天之间")]})
    before = snapshot(entry, AUDITED)
    entry.published_on = published_on
    entry.save(update_fields=["published_on", "updated_at"])
    if entry.entry_event_id:
        credit_event_publish_item(event=entry.entry_event, published_on=published_on, by=by, today=today)
    audit_record(action=AuditAction.UPDATE, by=by, obj=entry, org_unit=entry.enterprise.org_unit,
                 message=f"{entry.list_kind} list entry published on {published_on}", before=before,
                 after=snapshot(entry, AUDITED))
    return entry


def list_entry_remove(*, entry: CreditListEntry, reason: str, note: str = "", by: User | None,
                      today: datetime.date | None = None) -> CreditListEntry:
    """Take an entry off its list: records the exit as a credit event, ends the public display of the
    listing, and reclassifies. Callers (repair, objection, the scheduled job) check the rule first."""
    today = today or timezone.localdate()
    with transaction.atomic():
        entry = CreditListEntry.objects.select_for_update().select_related("enterprise__org_unit").get(pk=entry.pk)
        if entry.status != CreditListEntryStatus.LISTED:
            raise ValidationError({"status": [_("该记录已移出")]})
        if reason not in CreditListRemovalReason.values:
            raise ValidationError({"reason": [_("未知的移出原因")]})
        before = snapshot(entry, AUDITED)
        entry.status, entry.removed_on = CreditListEntryStatus.REMOVED, today
        entry.removal_reason, entry.removal_note = reason, (note or "").strip()[:300]
        entry.save(update_fields=["status", "removed_on", "removal_reason", "removal_note", "updated_at"])
        if entry.entry_event_id:
            CreditEvent.objects.filter(pk=entry.entry_event_id, published_on__isnull=False).update(
                publication_ends_on=today)
        audit_record(action=AuditAction.UPDATE, by=by, obj=entry, org_unit=entry.enterprise.org_unit,
                     message=f"{entry.list_kind} list entry removed: {reason}", before=before,
                     after=snapshot(entry, AUDITED))
        credit_event_record(
            enterprise=entry.enterprise, kind=CreditEventKind.LIST_REMOVAL, occurred_on=today,
            source_authority=entry.decision_authority,
            summary=f"移出{entry.get_list_kind_display()}：{entry.get_removal_reason_display()}",  # i18n-ignore: public credit record text, stored in Chinese
            source_ref=_source_ref(entry, "removal"),
            published_on=today if entry.published_on else None, by=by, today=today)
    return entry


@transaction.atomic
def red_list_remove(*, entry: CreditListEntry, note: str, by: User | None,
                    today: datetime.date | None = None) -> CreditListEntry:
    access.require_role(by, *OFFICE, action="remove an enterprise from the red list")
    if entry.list_kind != CreditListKind.RED:
        raise ValidationError({"entry": [_("只能由办公室移出守信红榜记录")]})
    if not (note or "").strip():
        raise ValidationError({"note": [_("请填写移出说明")]})
    return list_entry_remove(entry=entry, reason=CreditListRemovalReason.OFFICE_DECISION, note=note, by=by, today=today)


def on_event_recorded(event: CreditEvent, *, by: User | None, today: datetime.date) -> None:
    """Consequences of an event for the lists: a negative record takes the enterprise off the red list."""
    if event.kind in NEGATIVE_KINDS and event.status != CreditEventStatus.WITHDRAWN:
        for entry in CreditListEntry.objects.filter(enterprise_id=event.enterprise_id, list_kind=CreditListKind.RED,
                                                    status=CreditListEntryStatus.LISTED):
            list_entry_remove(entry=entry, reason=CreditListRemovalReason.NEGATIVE_RECORD,
                              note=f"{event.get_kind_display()} {event.occurred_on}", by=by, today=today)


def on_event_withdrawn(event: CreditEvent, *, by: User | None, today: datetime.date) -> None:
    """DOMAIN §2.2: the serious listing is revoked when the penalty it rests on is revoked."""
    if event.kind == CreditEventKind.HEAVIER_PENALTY:
        for entry in CreditListEntry.objects.filter(penalty_event=event, status=CreditListEntryStatus.LISTED):
            list_entry_remove(entry=entry, reason=CreditListRemovalReason.PENALTY_REVOKED, note=event.withdrawal_reason,
                              by=by, today=today)


def credit_lists_maintain(*, today: datetime.date | None = None, by: User | None = None) -> dict[str, int]:
    """The daily job: escalate abnormal listings after 3 full years (条例 art. 17), remove serious listings
    after 3 full years (总局令第44号), end red-list entries after their term. Each entry in its own
    transaction, so one failure does not undo the others."""
    today = today or timezone.localdate()
    counts = {"escalated": 0, "serious_removed": 0, "red_expired": 0}
    due = CreditListEntry.objects.filter(status=CreditListEntryStatus.LISTED, ends_on__lte=today).select_related(
        "enterprise__org_unit").order_by("id")
    for entry in due.iterator(chunk_size=500):
        with transaction.atomic():
            if entry.list_kind == CreditListKind.ABNORMAL_OPERATIONS:
                abnormal_list_escalate(entry=entry, by=by, today=today)
                counts["escalated"] += 1
            elif entry.list_kind == CreditListKind.SERIOUS_VIOLATION:
                list_entry_remove(entry=entry, reason=CreditListRemovalReason.EXPIRED, by=by, today=today)
                counts["serious_removed"] += 1
            else:
                list_entry_remove(entry=entry, reason=CreditListRemovalReason.EXPIRED, by=by, today=today)
                counts["red_expired"] += 1
    return counts


@transaction.atomic
def abnormal_list_escalate(*, entry: CreditListEntry, by: User | None, today: datetime.date) -> CreditListEntry:
    """条例 (2014) art. 17: listed for 3 full years without curing → the serious-violation list."""
    if entry.list_kind != CreditListKind.ABNORMAL_OPERATIONS or entry.ends_on is None or entry.ends_on > today:
        raise ValidationError({"entry": [_("列入经营异常名录未满3年")]})
    already = CreditListEntry.objects.filter(enterprise_id=entry.enterprise_id, status=CreditListEntryStatus.LISTED,
                                             list_kind=CreditListKind.SERIOUS_VIOLATION).first()
    list_entry_remove(entry=entry, reason=CreditListRemovalReason.ESCALATED, by=by, today=today,
                      note="已在严重违法失信名单中" if already else "")  # i18n-ignore: public credit record text, stored in Chinese
    if already is not None:
        return already
    return _create(enterprise=entry.enterprise, list_kind=CreditListKind.SERIOUS_VIOLATION,
                   reason=CreditListEntryReason.ABNORMAL_ESCALATION, decided_on=today,
                   decision_authority=entry.decision_authority, decision_number="",
                   detail=f"{entry.decided_on:%Y-%m-%d}因“{entry.get_reason_display()}”列入经营异常名录，届满3年仍未履行相关义务",  # i18n-ignore: public credit record text, stored in Chinese
                   by=by, today=today, escalated_from=entry, **_serious_dates(today))
