"""Recalls of a lot (召回, DOMAIN §7; 《缺陷消费品召回管理办法》《食品召回管理办法》): the downstream holders come from
the forward trace of the lot, and each holder is followed from notice to the goods returned or destroyed.

- The holders are the parties the forward trace finds still holding some of the lot (received more than they
  shipped, used, sold or destroyed); those that passed it all on are in the trace, not in the recall.
- At most one open recall per lot: opening it again (a double click, a retried API call, two officers at once)
  returns the open recall as it is.
- A holder moves pending → notified → confirmed → returned | destroyed, one step at a time, while the recall
  is open; any other change is refused with the reason.
- A recall closes when every holder has returned or destroyed the goods, or earlier with a stated reason
  (a holder that cannot be reached, a lot found safe), which the audit trail keeps.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qcity.core.access import require_scope
from qcity.core.audit import audit_record, snapshot
from qcity.core.choices import AuditAction, NotificationKind
from qcity.core.models import OrgUnit, User
from qcity.core.notifications import notify
from qcity.core.roles import MARKET_MANAGERS, MARKET_OFFICERS
from qcity.core.selectors import org_root

from ..choices import RecallHolderStatus, RecallKind, RecallStatus
from ..identifiers import parts
from ..models import Location, Lot, Party, Recall, RecallHolder
from ..tracing import TraceHolder, trace

# The one path through a holder's statuses: each status and the statuses it may move to.
HOLDER_TRANSITIONS: dict[str, tuple[str, ...]] = {
    RecallHolderStatus.PENDING: (RecallHolderStatus.NOTIFIED,),
    RecallHolderStatus.NOTIFIED: (RecallHolderStatus.CONFIRMED,),
    RecallHolderStatus.CONFIRMED: (RecallHolderStatus.RETURNED, RecallHolderStatus.DESTROYED),
    RecallHolderStatus.RETURNED: (),
    RecallHolderStatus.DESTROYED: (),
}
HOLDER_DONE = frozenset({RecallHolderStatus.RETURNED, RecallHolderStatus.DESTROYED})
HOLDER_AUDITED = ["status", "status_changed_at", "note"]


def recall_org_unit(*, lot: Lot, by: User | None) -> OrgUnit:
    """The unit responsible: the producer's (where it is registered), else the opener's, else the root."""
    producer = lot.product.producer
    if producer is not None and producer.org_unit_id:
        return producer.org_unit
    if by is not None and by.org_unit_id:
        return by.org_unit
    return org_root()


def _check_open(*, kind: str, reason: str) -> str:
    errors: dict[str, list[str]] = {}
    if kind not in RecallKind.values:
        errors["kind"] = [_("未知的召回方式：%(kind)s") % {"kind": kind}]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("请填写召回原因")]
    elif len(reason) > 2000:
        errors["reason"] = [_("召回原因不能超过2000个字")]
    if errors:
        raise ValidationError(errors)
    return reason


def _merged(holders: list[TraceHolder]) -> dict[str, TraceHolder]:
    """One holder per party: a party traced in two units of measure keeps the one it received most of."""
    merged: dict[str, TraceHolder] = {}
    for holder in holders:
        known = merged.get(holder.party)
        if known is None or holder.quantity_received > known.quantity_received:
            merged[holder.party] = holder
    return merged


def _parties(uris) -> tuple[dict[str, Party], list[str]]:
    """The trace parties of these URIs, and the GLNs added: a GLN the master data does not know yet is added by
    its number, so no holder is left out of the recall (its name can be completed later)."""
    glns = {uri: parts(uri).get("417") for uri in uris}
    known = {party.gln: party for party in Party.objects.filter(gln__in={g for g in glns.values() if g})}
    added = []
    for gln in sorted({g for g in glns.values() if g} - set(known)):
        known[gln], created = Party.objects.get_or_create(gln=gln, defaults={"name": gln})
        if created:
            added.append(gln)
    return {uri: known[gln] for uri, gln in glns.items() if gln}, added


def _locations(uris) -> dict[str, Location]:
    glns = {parts(uri).get("414") for uri in uris} - {None}
    return {location.uri: location for location in Location.objects.filter(gln__in=glns)} if glns else {}


def _holders_create(recall: Recall) -> tuple[list[RecallHolder], list[str]]:
    holders = {uri: h for uri, h in _merged(trace(epc=recall.lot.uri).holders).items() if h.quantity_held > 0}
    parties, added = _parties(holders)
    locations = _locations({h.last_location for h in holders.values() if h.last_location})
    rows = [RecallHolder(recall=recall, party=parties[uri], last_location=locations.get(h.last_location),
                         quantity_received=h.quantity_received, quantity_held=h.quantity_held, uom=h.uom,
                         last_seen_at=h.last_seen_at)
            for uri, h in holders.items() if uri in parties]
    return RecallHolder.objects.bulk_create(rows), added


def recall_open(*, lot: Lot, kind: str, reason: str, by: User) -> Recall:
    """Open the recall of `lot` with its holders from the forward trace; an open recall of the lot is returned
    as it is (market managers over the responsible unit)."""
    return recall_open_or_get(lot=lot, kind=kind, reason=reason, by=by)[0]


def recall_open_or_get(*, lot: Lot, kind: str, reason: str, by: User) -> tuple[Recall, bool]:
    """`recall_open`, saying whether the recall was opened now (True) or was already open (False)."""
    reason = _check_open(kind=kind, reason=reason)
    org_unit = recall_org_unit(lot=lot, by=by)
    require_scope(by, org_unit, roles=MARKET_MANAGERS, action=f"open the recall of lot {lot}", obj=lot)
    existing = Recall.objects.filter(lot=lot, status=RecallStatus.OPEN).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            recall = Recall.objects.create(lot=lot, kind=kind, reason=reason, opened_by=by, org_unit=org_unit)
            holders, added = _holders_create(recall)
            audit_record(action=AuditAction.CREATE, by=by, obj=recall, org_unit=org_unit,
                         message=f"recall of lot {lot} ({lot.uri}) opened by {by}: {len(holders)} holders, "
                                 f"{sum((h.quantity_held for h in holders), Decimal(0))} held"
                                 + (f"; parties added by GLN: {', '.join(added)}" if added else ""),
                         after=snapshot(recall))
    except IntegrityError:
        existing = Recall.objects.filter(lot=lot, status=RecallStatus.OPEN).first()
        if existing is None:
            raise
        return existing, False  # opened at the same moment by a twin request
    return recall, True


def _notify_holder(holder: RecallHolder) -> None:
    enterprise_id = holder.party.enterprise_id
    if enterprise_id is None:
        return
    recall = holder.recall
    recipients = User.objects.filter(enterprise_id=enterprise_id, is_active=True)
    notify(recipients=recipients, kind=NotificationKind.ASSIGNMENT, key=f"recall:{recall.pk}:{holder.party_id}",
           title=_("召回通知：%(lot)s") % {"lot": recall.lot},
           body=_("%(lot)s 已启动召回（%(kind)s）：%(reason)s。请停止销售并按要求退回或销毁。") % {
               "lot": recall.lot, "kind": recall.get_kind_display(), "reason": recall.reason},
           url=reverse("trace:recall-detail", args=[recall.pk]))


def recall_holder_advance(*, holder: RecallHolder, status: str, by: User | None, note: str = "") -> RecallHolder:
    """Move one holder one step on (market officers over the recall's unit); notifying a holder sends its
    enterprise's users an in-app message."""
    recall = holder.recall
    require_scope(by, recall.org_unit, roles=MARKET_OFFICERS, action=f"advance a holder of recall {recall.pk}",
                  obj=recall)
    note = (note or "").strip()
    if len(note) > 300:
        raise ValidationError({"note": [_("说明不能超过300个字")]})
    with transaction.atomic():
        holder = RecallHolder.objects.select_for_update().select_related("recall__lot__product", "party").get(
            pk=holder.pk)
        if holder.recall.status != RecallStatus.OPEN:
            raise ValidationError({"status": [_("召回已结束，不能再变更持有方状态")]})
        if status not in HOLDER_TRANSITIONS.get(holder.status, ()):
            raise ValidationError({"status": [_("持有方状态不能从“%(current)s”变为“%(wanted)s”") % {
                "current": holder.get_status_display(),
                "wanted": RecallHolderStatus(status).label if status in RecallHolderStatus.values else status}]})
        before = snapshot(holder, HOLDER_AUDITED)
        holder.status = status
        holder.status_changed_at = timezone.now()
        if note:
            holder.note = note
        holder.save(update_fields=["status", "status_changed_at", "note"])
        audit_record(action=AuditAction.UPDATE, by=by, obj=holder.recall, org_unit=holder.recall.org_unit,
                     message=f"recall {holder.recall.pk}: holder {holder.party} now {status}"
                             + (f" ({note})" if note else ""),
                     before=before, after=snapshot(holder, HOLDER_AUDITED))
        if status == RecallHolderStatus.NOTIFIED:
            _notify_holder(holder)
    return holder


def recall_close(*, recall: Recall, by: User | None, reason: str = "") -> Recall:
    """Close the recall: every holder has returned or destroyed the goods, or `reason` says why not (market
    managers over the recall's unit)."""
    require_scope(by, recall.org_unit, roles=MARKET_MANAGERS, action=f"close recall {recall.pk}", obj=recall)
    reason = (reason or "").strip()
    with transaction.atomic():
        recall = Recall.objects.select_for_update().get(pk=recall.pk)
        if recall.status != RecallStatus.OPEN:
            raise ValidationError({"status": [_("召回已结束")]})
        unfinished = recall.holders.exclude(status__in=HOLDER_DONE).count()
        if unfinished and not reason:
            raise ValidationError({"reason": [
                _("还有 %(count)s 个持有方未完成退回或销毁，提前结束须填写原因") % {"count": unfinished}]})
        before = snapshot(recall, ["status", "closed_at"])
        recall.status = RecallStatus.CLOSED
        recall.closed_at = timezone.now()
        recall.save(update_fields=["status", "closed_at"])
        audit_record(action=AuditAction.UPDATE, by=by, obj=recall, org_unit=recall.org_unit,
                     message=f"recall {recall.pk} of lot {recall.lot} closed by {by}"
                             + (f", {unfinished} holders unfinished: {reason}" if unfinished else "")
                             + (f" ({reason})" if reason and not unfinished else ""),
                     before=before, after=snapshot(recall, ["status", "closed_at"]))
    return recall
