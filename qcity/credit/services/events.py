"""Credit events: the items of an enterprise's credit file, and their publication (DOMAIN §1, §2.3)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qcity.core import deadlines
from qcity.core.audit import audit_record, snapshot
from qcity.core.bulk import instances_insert
from qcity.core.choices import AuditAction
from qcity.core.deadlines import Deadline, DurationNotDefined, deadline
from qcity.core.messages import not_in_future
from qcity.core.models import User
from qcity.enterprises.models import Enterprise

from ..choices import PENALTY_KINDS, PUBLICATION_DEADLINE_CODES, CreditEventKind, CreditEventStatus
from ..models import CreditEvent
from ..periods import period_end
from ..publication import check_public_summary, masked_summary, unpublishable_reason
from .classification import enterprise_reclassify

AUDITED = ["kind", "occurred_on", "source_authority", "summary", "public_summary", "confirmed_names",
           "decision_number", "source_ref", "minor_penalty",
           "publication_due_on", "publication_due_on_provisional_year", "published_on", "publication_ends_on", "status", "withdrawn_on",
           "withdrawal_reason"]


def _publication_ends_on(event: CreditEvent) -> datetime.date | None:
    """DOMAIN §2.3 / 总局令第45号 art. 13: a reprimand or lower-amount fine is published for 3 months,
    every other penalty for 3 years. Other items stay public until withdrawn (listings: until removal)."""
    if event.published_on is None or event.kind not in PENALTY_KINDS:
        return None
    code = "penalty-publication-period-minor" if event.minor_penalty else "penalty-publication-period"
    try:
        return period_end(code, event.published_on)
    except DurationNotDefined as error:
        raise ValidationError({"published_on": [
            _("%(day)s 没有有效的行政处罚信息公示期规定，无法确定公示截止日期") % {"day": event.published_on}]}) from error


def publication_due_on(kind: str, occurred_on: datetime.date) -> Deadline | None:
    """DOMAIN §2.3 / 总局令第45号 art. 9: publish a penalty within 20 working days of the decision; the
    same 20 working days for a serious-list entry (§2.2) and a random-inspection result (§5). A decision
    from before 2021-09-01 falls under the 2014 rules (工商总局令第71号, rows marked unconfirmed); one from
    before any publication rule has no deadline: it is recorded and never published
    (`publication.unpublishable_reason` says why, to the officer and in the audit)."""
    code = PUBLICATION_DEADLINE_CODES.get(kind)
    if not code:
        return None
    try:
        return deadline(code, occurred_on)
    except DurationNotDefined:
        return None


def _check(*, enterprise, kind, occurred_on, source_authority, summary, source_ref, published_on, today,
           decision_number=""):
    errors: dict[str, list[str]] = {}
    if enterprise is None or not isinstance(enterprise, Enterprise):
        errors["enterprise"] = [_("请选择企业")]
    if kind not in CreditEventKind.values:
        errors["kind"] = [_("未知的信用事项类别：%(kind)s") % {"kind": kind}]
    if not isinstance(occurred_on, datetime.date):
        errors["occurred_on"] = [_("请填写形成日期")]
    elif occurred_on > today:
        errors["occurred_on"] = [not_in_future(_("形成日期"))]
    if not (source_authority or "").strip():
        errors["source_authority"] = [_("请填写来源机关")]
    elif len(source_authority) > 100:
        errors["source_authority"] = [_("来源机关不能超过100个字")]
    if not (summary or "").strip():
        errors["summary"] = [_("请填写内容摘要")]
    if len(source_ref or "") > 100:
        errors["source_ref"] = [_("来源编号不能超过100个字符")]
    if len(decision_number or "") > 100:
        errors["decision_number"] = [_("决定书文号不能超过100个字符")]
    if published_on is not None:
        if not isinstance(published_on, datetime.date):
            errors["published_on"] = [_("公示日期格式不正确")]
        elif isinstance(occurred_on, datetime.date) and published_on < occurred_on:
            errors["published_on"] = [_("公示日期不能早于形成日期")]
        elif published_on > today:
            errors["published_on"] = [not_in_future(_("公示日期"))]
        elif isinstance(occurred_on, datetime.date) and (reason := unpublishable_reason(kind, occurred_on)):
            errors["published_on"] = [reason]  # formed before any publication rule: recorded, never published
    if errors:
        raise ValidationError(errors)


def _duplicate_decision(enterprise: Enterprise, decision_number: str, exclude_pk) -> bool:
    if not decision_number:
        return False
    return CreditEvent.objects.filter(enterprise=enterprise, decision_number=decision_number).exclude(
        pk=exclude_pk).exists()


def _duplicate_decision_error(decision_number: str) -> ValidationError:
    return ValidationError({"decision_number": [
        _("该企业已登记决定书文号为 %(number)s 的信用事项，同一处罚决定不能重复登记") % {"number": decision_number}]})


@transaction.atomic
def credit_event_record(*, enterprise: Enterprise, kind: str, occurred_on: datetime.date, source_authority: str,
                        summary: str, source_ref: str = "", published_on: datetime.date | None = None,
                        by: User | None, minor_penalty: bool = False, public_summary: str = "",
                        decision_number: str = "", confirm_names: list[str] | None = None,
                        known_persons: list[str] | None = None,
                        today: datetime.date | None = None) -> CreditEvent:
    """Adds (or, for a known non-empty source_ref, updates) the event, audits it and reclassifies the
    enterprise at once (same transaction). `public_summary` is what the public will read; left empty, the
    summary is the draft, checked for personal data when the event is published (here, if `published_on`
    is given; `known_persons`: complainant, reporter or parties the caller knows)."""
    today = today or timezone.localdate()
    source_ref = (source_ref or "").strip()
    decision_number = (decision_number or "").strip()
    _check(enterprise=enterprise, kind=kind, occurred_on=occurred_on, source_authority=source_authority,
           summary=summary, source_ref=source_ref, published_on=published_on, today=today,
           decision_number=decision_number)
    event = None
    if source_ref:
        event = _locked_by_source_ref(source_ref)
        if event is not None and event.enterprise_id != enterprise.pk:
            raise ValidationError({"source_ref": [_("来源编号 %(source_ref)s 已登记在另一企业名下") % {"source_ref": source_ref}]})
    if _duplicate_decision(enterprise, decision_number, getattr(event, "pk", None)):
        raise _duplicate_decision_error(decision_number)
    before = snapshot(event, AUDITED) if event else None
    if event is None:
        event = CreditEvent(enterprise=enterprise, source_ref=source_ref, created_by=by)
    event.kind, event.occurred_on = kind, occurred_on
    event.source_authority, event.summary = source_authority.strip(), summary.strip()
    event.public_summary = (public_summary or "").strip() or event.summary
    event.decision_number = decision_number
    event.minor_penalty = bool(minor_penalty)
    deadlines.assign(event, "publication_due_on", publication_due_on(kind, occurred_on))
    if published_on is not None:
        event.published_on = published_on
    # Recording again what the source asserts (e.g. a corrected result) reinstates a withdrawn event.
    event.status = CreditEventStatus.PUBLISHED if event.published_on else CreditEventStatus.RECORDED
    event.withdrawn_on, event.withdrawal_reason = None, ""
    event.publication_ends_on = _publication_ends_on(event)
    event.confirmed_names = []
    if event.status == CreditEventStatus.PUBLISHED:
        event.confirmed_names = check_public_summary(event, confirm_names=confirm_names or [],
                                                     extra_names=known_persons or [])
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError as error:  # the same source_ref or decision number recorded concurrently: the first wins
        if _duplicate_decision(enterprise, decision_number, event.pk):
            raise _duplicate_decision_error(decision_number) from error
        raise ValidationError({"source_ref": [_("来源编号 %(source_ref)s 已登记") % {"source_ref": source_ref}]}) from error
    after = snapshot(event, AUDITED)
    audit_record(action=AuditAction.CREATE if before is None else AuditAction.UPDATE, by=by, obj=event,
                 org_unit=enterprise.org_unit,
                 message=f"credit event {kind} recorded for {enterprise.uscc}"
                         + (f" ({source_ref})" if source_ref else "")
                         + ("; not published: formed before any publication rule" if event.not_published_reason
                            else ""),
                 before=before, after=after)
    # cycle: taking an entry off a list records a credit event (lists imports events)
    from .lists import on_event_recorded

    on_event_recorded(event, by=by, today=today)
    enterprise_reclassify(enterprise=enterprise, on=today, by=by)
    return event


def _locked_by_source_ref(source_ref: str) -> CreditEvent | None:
    """The event with this (non-empty) source_ref, locked. The unique index on source_ref is partial (non-empty
    refs only); repeating its condition, without an ORDER BY, lets SQLite use it instead of scanning."""
    rows = (CreditEvent.objects.select_for_update().select_related("enterprise__org_unit")
            .filter(~Q(source_ref=""), source_ref=source_ref).order_by()[:1])
    return next(iter(rows), None)


def _by_source_ref(source_ref: str) -> CreditEvent:
    if not (source_ref or "").strip():
        raise ValidationError({"source_ref": [_("请提供来源编号")]})
    event = _locked_by_source_ref(source_ref.strip())
    if event is None:
        raise ValidationError({"source_ref": [_("没有来源编号为 %(source_ref)s 的信用事项") % {"source_ref": source_ref}]})
    return event


def _publish(event: CreditEvent, published_on, by: User | None, today: datetime.date, *,
             public_summary: str | None = None, confirm_names: list[str] | None = None,
             known_persons: list[str] | None = None) -> CreditEvent:
    """Publication checks the public summary for personal data (qcity.credit.publication): refused, naming
    `public_summary`, until the text is fixed or a penalised enterprise's legal representative's name is
    confirmed (stored on the event, audited)."""
    if not isinstance(published_on, datetime.date):
        raise ValidationError({"published_on": [_("请填写公示日期")]})
    if event.status == CreditEventStatus.WITHDRAWN:
        raise ValidationError({"status": [_("已撤销的信用事项不能公示")]})
    if published_on < event.occurred_on:
        raise ValidationError({"published_on": [_("公示日期不能早于形成日期")]})
    if published_on > today:
        raise ValidationError({"published_on": [not_in_future(_("公示日期"))]})
    if event.not_published_reason:
        raise ValidationError({"published_on": [event.not_published_reason]})
    before = snapshot(event, AUDITED)
    if (public_summary or "").strip():
        event.public_summary = public_summary.strip()
    event.confirmed_names = check_public_summary(event, confirm_names=confirm_names or [],
                                                 extra_names=known_persons or [])
    event.published_on, event.status = published_on, CreditEventStatus.PUBLISHED
    event.publication_ends_on = _publication_ends_on(event)
    event.save(update_fields=["published_on", "status", "publication_ends_on", "public_summary", "confirmed_names",
                              "updated_at"])
    late = event.is_publication_overdue(published_on) or (
        event.publication_due_on is not None and published_on > event.publication_due_on)
    confirmed = (f"; {len(event.confirmed_names)} legal representative name(s) confirmed for publication"
                 if event.confirmed_names else "")
    audit_record(action=AuditAction.UPDATE, by=by, obj=event, org_unit=event.enterprise.org_unit,
                 message=f"credit event published on {published_on}" + (" (after the legal deadline)" if late else "")
                         + confirmed,
                 before=before, after=snapshot(event, AUDITED))
    return event


@transaction.atomic
def credit_event_publish(*, source_ref: str, published_on: datetime.date, by: User | None,
                         public_summary: str | None = None, confirm_names: list[str] | None = None,
                         known_persons: list[str] | None = None,
                         today: datetime.date | None = None) -> CreditEvent:
    return _publish(_by_source_ref(source_ref), published_on, by, today or timezone.localdate(),
                    public_summary=public_summary, confirm_names=confirm_names, known_persons=known_persons)


@transaction.atomic
def credit_event_publish_item(*, event: CreditEvent, published_on: datetime.date, by: User | None,
                              public_summary: str | None = None, confirm_names: list[str] | None = None,
                              known_persons: list[str] | None = None,
                              today: datetime.date | None = None) -> CreditEvent:
    """Publish an event entered on the credit pages (which may have no source_ref)."""
    event = CreditEvent.objects.select_for_update().select_related("enterprise__org_unit").get(pk=event.pk)
    return _publish(event, published_on, by, today or timezone.localdate(),
                    public_summary=public_summary, confirm_names=confirm_names, known_persons=known_persons)


def _withdraw(event: CreditEvent, reason: str, by: User | None, today: datetime.date) -> CreditEvent:
    """总局令第45号 art. 11: a changed or revoked decision comes off publication (within 3 working days);
    the event stays in the file as withdrawn and stops counting in the classification."""
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请填写撤销原因")]})
    if event.status == CreditEventStatus.WITHDRAWN:
        raise ValidationError({"status": [_("该信用事项已撤销")]})
    before = snapshot(event, AUDITED)
    event.status, event.withdrawn_on, event.withdrawal_reason = CreditEventStatus.WITHDRAWN, today, reason.strip()[:300]
    event.save(update_fields=["status", "withdrawn_on", "withdrawal_reason", "updated_at"])
    audit_record(action=AuditAction.UPDATE, by=by, obj=event, org_unit=event.enterprise.org_unit,
                 message=f"credit event withdrawn: {reason}"[:500], before=before, after=snapshot(event, AUDITED))
    from .lists import on_event_withdrawn  # cycle: taking an entry off a list records a credit event

    on_event_withdrawn(event, by=by, today=today)
    enterprise_reclassify(enterprise=event.enterprise, on=today, by=by)
    return event


@transaction.atomic
def credit_event_withdraw(*, source_ref: str, reason: str, by: User | None,
                          today: datetime.date | None = None) -> CreditEvent:
    return _withdraw(_by_source_ref(source_ref), reason, by, today or timezone.localdate())


@transaction.atomic
def credit_event_withdraw_item(*, event: CreditEvent, reason: str, by: User | None,
                               today: datetime.date | None = None) -> CreditEvent:
    event = CreditEvent.objects.select_for_update().select_related("enterprise__org_unit").get(pk=event.pk)
    return _withdraw(event, reason, by, today or timezone.localdate())


@transaction.atomic
def credit_events_load(*, rows: list[dict], by: User | None, note: str) -> int:
    """Bulk load of events that already happened elsewhere (another module's history, the demo): one audit
    event for the batch instead of one per item, and no reclassification here — the next full pass
    (`credit_reclassify_all`, nightly) classifies. A row has the fields of `credit_event_record` with
    `enterprise_id`, and optionally `published_on`, `withdrawn_on` and `withdrawal_reason`. No officer checks
    these texts, so the public summary is the summary with every personal datum masked."""
    events = []
    enterprises = Enterprise.objects.only("pk", "name", "legal_representative").in_bulk(
        {row["enterprise_id"] for row in rows})
    for row in rows:
        event = CreditEvent(**row)
        # published without an officer to check the text: what the public reads is masked
        event.public_summary = masked_summary(event.public_summary or event.summary, enterprises[event.enterprise_id])
        if event.withdrawn_on:
            event.status = CreditEventStatus.WITHDRAWN
        elif event.published_on:
            event.status = CreditEventStatus.PUBLISHED
        else:
            event.status = CreditEventStatus.RECORDED
        deadlines.assign(event, "publication_due_on", publication_due_on(event.kind, event.occurred_on))
        reason = event.published_on and event.publication_due_on is None and \
            unpublishable_reason(event.kind, event.occurred_on)
        if reason:  # formed before any publication rule: never published
            raise ValidationError({"published_on": [reason]})
        event.publication_ends_on = _publication_ends_on(event)
        events.append(event)
    instances_insert(events)
    audit_record(action=AuditAction.IMPORT, by=by, object_type="credit.creditevent",
                 object_repr=f"{len(events)} credit events", message=f"credit events loaded: {len(events)} ({note})")
    return len(events)
