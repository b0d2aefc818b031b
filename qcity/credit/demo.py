"""Demo credit data: a year of credit events (the year of operations up to ctx.today) and list entries for
the demo city, some objections and repair applications in various states, and — in a separate generator
that runs after every module that records credit events — the classification of every enterprise.

Bulk rows (events, list entries) are written with `core.bulk.instances_insert` for speed at city scale
(1.5 M enterprises: ≈60,000 events, ≈15,000 abnormal-list entries); the objections and repairs go through the
services, so their audit trail reads like the real history would. Deterministic for the seed and the day:
ctx.rng("credit…"), dates from ctx.today.

As of today: penalties decided in the last few weeks are partly still to publish within their 20 working
days; only a few are overdue, by days or weeks (older ones were published, some late); repair
applications and objections filed in the last days wait for acceptance, a decision or a reply, due in the
coming days and weeks; abnormal listings that reached three years in the last weeks escalate. The demo
district (ctx.demo_district) always has, from the last working day, a penalty to publish and an objection
to answer. Every decision and publication is dated on a working day (ctx.workday, ctx.workdays).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from qcity.core import deadlines
from qcity.core.audit import audit_record
from qcity.core.bulk import foreign_keys_checked_once, instances_insert
from qcity.core.choices import AuditAction
from qcity.core.deadlines import Deadline, deadline
from qcity.core.demo import choice_label
from qcity.core.notifications import demo_notifications_date
from qcity.enterprises.models import Enterprise

from .choices import (
    NEGATIVE_KINDS,
    CreditEventKind,
    CreditEventStatus,
    CreditListEntryReason,
    CreditListKind,
)
from .models import (
    CreditAttachment,
    CreditClassChange,
    CreditClassification,
    CreditEvent,
    CreditListEntry,
    CreditObjection,
    CreditRepair,
)
from .periods import period_end
from .services import (
    abnormal_list_enter,
    credit_event_record,
    credit_lists_maintain,
    credit_objection_decide,
    credit_objection_file,
    credit_reclassify_all,
    credit_repair_accept,
    credit_repair_apply,
    credit_repair_decide,
)

OVERDUE_DAYS = 30  # an unpublished item is never overdue by more than this in a fresh demo
EVENT_RATE = 0.04  # credit events per enterprise in the demo year (credit's own kinds)
ABNORMAL_RATE = 0.01
SERIOUS_RATE = 0.0005
RED_RATE = 0.0002
BATCH = 5000
# credit's own kinds (inspection, sampling and substantiated complaints come from those modules' demos)
KIND_WEIGHTS = [
    (CreditEventKind.ADMINISTRATIVE_PENALTY, 35),
    (CreditEventKind.CERTIFICATION, 20), (CreditEventKind.QUALITY_AWARD, 3), (CreditEventKind.HEAVIER_PENALTY, 8),
    (CreditEventKind.LICENCE_REVOKED, 4),
]
PENALTY_TEXTS = ["销售不合格产品，责令改正并处罚款", "未按规定标注产品标识，责令改正并处罚款",
                 "虚假宣传，责令停止违法行为并处罚款", "计量器具未按规定检定，处罚款",
                 "生产经营标签不符合食品安全标准的食品，没收违法所得并处罚款"]
HEAVY_TEXTS = ["生产销售不合格产品，货值金额较大，处以较重罚款", "未取得许可从事食品生产，责令停产停业",
               "特种设备未经检验擅自使用，情节严重，吊销许可证"]


def _day(rng, ctx, start: datetime.date, end: datetime.date) -> datetime.date:
    """A working day between start and end, at random: the day of a decision."""
    return rng.choice(ctx.workdays(start, end))


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _enterprises(rng, ctx, n: int) -> list[tuple]:
    """n distinct random enterprises: (id, org unit short name)."""
    first, last = ctx.results.get("enterprise_ids") or (
        Enterprise.objects.order_by("id").values_list("id", flat=True).first(),
        Enterprise.objects.order_by("-id").values_list("id", flat=True).first())
    if first is None:
        return []
    n = min(n, last - first + 1)
    ids = sorted(rng.sample(range(first, last + 1), n))
    rows = []
    for i in range(0, len(ids), BATCH):
        rows += list(Enterprise.objects.filter(id__in=ids[i:i + BATCH]).values_list("id", "org_unit__name"))
    rows.sort()
    return rows


class _Due:
    """Publication deadlines and period ends, memoised by date (a year has 365 dates, the city 60,000 events)."""

    def __init__(self):
        self.cache: dict = {}

    def deadline(self, code: str, day: datetime.date) -> Deadline:
        """A deadline for an act (working days, maybe provisional): store it with `deadlines.assign`."""
        key = (code, day, "deadline")
        if key not in self.cache:
            self.cache[key] = deadline(code, day)
        return self.cache[key]

    def period_end(self, code: str, day: datetime.date) -> datetime.date:
        key = (code, day, "period")
        if key not in self.cache:
            self.cache[key] = period_end(code, day)
        return self.cache[key]


def _published_on(rng, decided: datetime.date, due: datetime.date, ctx, *, in_time: float, late: float):
    """When an item with a publication deadline was published, or None: most in time, some late, a few not
    yet — those overdue by at most OVERDUE_DAYS, or not due yet. Nothing is published today or later."""
    roll = rng.random()
    if roll < in_time:
        published = ctx.workday(decided, rng.randint(1, 14))  # working days
    elif roll < in_time + late or due < ctx.today - _days(OVERDUE_DAYS):
        published = ctx.workday(due, rng.randint(1, 10))
    else:
        published = None
    return published if published is not None and published <= ctx.last_workday else None


def _events(ctx, due: _Due, rows: list[tuple]) -> list[CreditEvent]:
    rng = ctx.rng("credit-events")
    kinds = [k for k, w in KIND_WEIGHTS for _ in range(w)]
    events = []
    for n, (enterprise_id, unit) in enumerate(rows, start=1):
        kind = rng.choice(kinds)
        occurred = _day(rng, ctx, ctx.year_start, ctx.last_workday)
        authority = f"{unit}市场监督管理局"
        event = CreditEvent(enterprise_id=enterprise_id, kind=kind, occurred_on=occurred, source_authority=authority,
                            status=CreditEventStatus.RECORDED)
        if kind in (CreditEventKind.ADMINISTRATIVE_PENALTY, CreditEventKind.HEAVIER_PENALTY):
            event.summary = rng.choice(PENALTY_TEXTS if kind == CreditEventKind.ADMINISTRATIVE_PENALTY else HEAVY_TEXTS)
            event.minor_penalty = kind == CreditEventKind.ADMINISTRATIVE_PENALTY and rng.random() < 0.4
            event.decision_number = f"{unit[:2]}市监罚〔{occurred.year}〕{n}号"
            deadlines.assign(event, "publication_due_on", due.deadline("penalty-publication", occurred))
            published = _published_on(rng, occurred, event.publication_due_on, ctx, in_time=0.9, late=0.05)
            if published:
                event.published_on, event.status = published, CreditEventStatus.PUBLISHED
                code = "penalty-publication-period-minor" if event.minor_penalty else "penalty-publication-period"
                event.publication_ends_on = due.period_end(code, published)
        elif kind == CreditEventKind.QUALITY_AWARD:
            event.summary, event.source_authority = "获郑州市市长质量奖", "郑州市人民政府"
            event.published_on, event.status = occurred, CreditEventStatus.PUBLISHED
        elif kind == CreditEventKind.CERTIFICATION:
            event.summary = "通过质量管理体系认证"
            event.published_on, event.status = occurred, CreditEventStatus.PUBLISHED
        else:
            event.summary = "违法情节严重，依法吊销许可证"
            event.published_on, event.status = occurred, CreditEventStatus.PUBLISHED
        events.append(event)
    return events


def _entries(ctx, due: _Due, abnormal_rows, serious_events, red_rows) -> list[tuple[CreditListEntry, CreditEvent]]:
    rng = ctx.rng("credit-lists")
    pairs = []
    reasons = [CreditListEntryReason.NO_ANNUAL_REPORT] * 7 + [CreditListEntryReason.UNREACHABLE] * 2 + [
        CreditListEntryReason.UNDISCLOSED_ITEMS, CreditListEntryReason.FALSE_INFORMATION]
    today = ctx.today
    july = today.year if today > datetime.date(today.year, 7, 31) else today.year - 1
    three_years_ago = today.replace(year=today.year - 3, day=min(today.day, 28))
    for n, (enterprise_id, unit) in enumerate(abnormal_rows):
        # no annual report by 30 June (DOMAIN §2.1): listed in July; a few listed three years ago escalate now
        if n % 200 == 0:
            decided = ctx.workday(three_years_ago - _days(rng.randint(10, 40)))
        else:
            reason = rng.choice(reasons)
            start, end = ((datetime.date(july, 7, 1), datetime.date(july, 7, 31))
                          if reason == CreditListEntryReason.NO_ANNUAL_REPORT else (ctx.year_start, ctx.last_workday))
            decided = _day(rng, ctx, start, end)
        reason = CreditListEntryReason.NO_ANNUAL_REPORT if n % 200 == 0 else reason
        authority = f"{unit}市场监督管理局"
        entry = CreditListEntry(enterprise_id=enterprise_id, list_kind=CreditListKind.ABNORMAL_OPERATIONS,
                                reason=reason, decided_on=decided, decision_authority=authority, published_on=decided,
                                ends_on=due.period_end("abnormal-list-escalation", decided))
        event = CreditEvent(enterprise_id=enterprise_id, kind=CreditEventKind.ABNORMAL_OPERATIONS_LISTING,
                            occurred_on=decided, source_authority=authority,
                            summary=choice_label(CreditListEntryReason, entry.reason), published_on=decided,
                            status=CreditEventStatus.PUBLISHED)
        pairs.append((entry, event))
    for penalty in serious_events:
        decided = penalty.occurred_on
        publication_due = due.deadline("serious-list-publication", decided)
        published = _published_on(rng, decided, publication_due.on, ctx, in_time=0.85, late=0.0)
        entry = CreditListEntry(enterprise_id=penalty.enterprise_id, list_kind=CreditListKind.SERIOUS_VIOLATION,
                                reason=CreditListEntryReason.HEAVIER_PENALTY, decided_on=decided,
                                decision_authority=penalty.source_authority, penalty_event=penalty,
                                detail=penalty.summary, published_on=published,
                                earliest_repair_on=due.period_end("serious-list-early-removal-minimum", decided),
                                ends_on=due.period_end("serious-list-automatic-removal", decided))
        event = CreditEvent(enterprise_id=penalty.enterprise_id, kind=CreditEventKind.SERIOUS_VIOLATION_LISTING,
                            occurred_on=decided, source_authority=penalty.source_authority,
                            summary=choice_label(CreditListEntryReason, entry.reason), published_on=published,
                            status=CreditEventStatus.PUBLISHED if published else CreditEventStatus.RECORDED)
        deadlines.assign(entry, "publication_due_on", publication_due)
        deadlines.assign(event, "publication_due_on", publication_due)
        pairs.append((entry, event))
    for enterprise_id, _unit in red_rows:
        decided = _day(rng, ctx, ctx.year_start + _days(90), ctx.last_workday)
        awarded = ctx.workday(decided - _days(30))
        entry = CreditListEntry(enterprise_id=enterprise_id, list_kind=CreditListKind.RED,
                                reason=CreditListEntryReason.QUALITY_AWARD, decided_on=decided,
                                decision_authority="郑州市质量强市工作领导小组办公室", published_on=decided,
                                ends_on=due.period_end("red-list-term", decided))
        award = CreditEvent(enterprise_id=enterprise_id, kind=CreditEventKind.QUALITY_AWARD,
                            occurred_on=awarded, source_authority="郑州市人民政府", summary="获郑州市市长质量奖",
                            published_on=awarded, status=CreditEventStatus.PUBLISHED)
        event = CreditEvent(enterprise_id=enterprise_id, kind=CreditEventKind.RED_LIST, occurred_on=decided,
                            source_authority=entry.decision_authority,
                            summary=choice_label(CreditListEntryReason, entry.reason), published_on=decided,
                            status=CreditEventStatus.PUBLISHED)
        pairs.append((None, award))
        pairs.append((entry, event))
    return pairs


def _write(events: list[CreditEvent], pairs) -> tuple[int, int]:
    instances_insert(events)
    entries = [entry for entry, _ in pairs if entry is not None]
    instances_insert(entries)
    listing_events = []
    for entry, event in pairs:
        if entry is not None:
            event.source_ref = f"credit:listentry:{entry.pk}:entry"
            # as services.lists does: the public reads the list and the reason, never the facts
            event.public_summary = (f"{choice_label(CreditListKind, entry.list_kind)}："
                                    f"{choice_label(CreditListEntryReason, entry.reason)}")
        else:
            event.public_summary = event.summary
        listing_events.append(event)
    instances_insert(listing_events)
    links = [(event.pk, entry.pk) for entry, event in pairs if entry is not None]
    with connection.cursor() as cursor:  # each entry points at its listing event
        for i in range(0, len(links), BATCH):
            cursor.executemany(f"UPDATE {CreditListEntry._meta.db_table} SET entry_event_id = %s WHERE id = %s",
                               links[i:i + BATCH])
    return len(events) + len(listing_events), len(entries)


def _workflows(ctx) -> dict[str, int]:
    """Objections and repairs through the services, in the demo district: the open ones filed in the last
    working days, so that their acceptance, decision or reply is due around today — one objection filed
    on the last working day, next to a penalty decided that day and still to publish (the district
    officer's fresh work; in December both deadlines run into next year, on the provisional calendar)."""
    demo = ctx.results.get("demo_enterprise")
    unit = ctx.demo_district
    candidates = list(Enterprise.objects.filter(org_unit=unit, credit_list_entries__isnull=True,
                                                credit_events__isnull=True).exclude(pk=getattr(demo, "pk", None))
                      .order_by("id").values_list("id", flat=True)[:13])
    rng = ctx.rng("credit-workflows")
    counts = {"objections": 0, "repairs": 0}
    authority = f"{unit.name}市场监督管理局"
    today, last = ctx.today, ctx.last_workday

    def workdays_ago(n: int) -> datetime.date:
        return ctx.workday(today, -n)

    if demo is not None:
        # the demo enterprise: a published penalty (it can object to it) and a recorded complaint
        own = f"{demo.org_unit.name}市场监督管理局"
        credit_event_record(enterprise=demo, kind=CreditEventKind.ADMINISTRATIVE_PENALTY,
                            occurred_on=ctx.workday(today - _days(88)), source_authority=own,
                            summary="产品标识不符合规定，责令改正并处罚款2万元", source_ref="credit:demo:penalty:1",
                            published_on=ctx.workday(today - _days(81)), by=None, today=last)
        credit_event_record(enterprise=demo, kind=CreditEventKind.SUBSTANTIATED_COMPLAINT,
                            occurred_on=ctx.workday(today - _days(46)), source_authority=own,
                            summary="消费者投诉商品质量问题，经核查属实", source_ref="credit:demo:complaint:1",
                            by=None, today=last)
    proof = {"compliance_proof": "已补报年度报告并公示，附公示截图", "commitment_letter": "本企业承诺所提交材料真实有效，依法诚信经营。"}
    # repairs: (applied n working days ago, accepted?, approved?) — to accept, to decide, and done
    repairs = [(1, None, None), (2, None, None), (4, True, None), (15, True, True), (12, True, False),
               (8, False, None)]
    # objections: (filed n working days ago, decided n working days ago, upheld?) — to reply to, and done
    objections = [(1, None, None), (30, 20, True), (28, 18, False), (8, None, None), (26, 16, True),
                  (24, 14, False)]
    for n, enterprise_id in enumerate(candidates):
        enterprise = Enterprise.objects.select_related("org_unit").get(pk=enterprise_id)
        if n == 12:  # a penalty decided on the last working day, to publish within 20 working days
            credit_event_record(enterprise=enterprise, kind=CreditEventKind.ADMINISTRATIVE_PENALTY, occurred_on=last,
                                source_authority=authority, summary=rng.choice(PENALTY_TEXTS),
                                source_ref=f"credit:demo:penalty:{enterprise_id}", by=None, today=last)
        elif n < 6:  # abnormal listings with repair applications in every state
            decided = ctx.workday(today - _days(150))
            entry = abnormal_list_enter(enterprise=enterprise, reason=CreditListEntryReason.NO_ANNUAL_REPORT,
                                        decided_on=decided, decision_authority=authority, by=None, today=decided)
            applied, accepted, approved = repairs[n]
            day = workdays_ago(applied)
            application = credit_repair_apply(enterprise=enterprise, kind="abnormal_list_removal", list_entry=entry,
                                       by=None, today=day, **proof, **placeholder_documents())
            counts["repairs"] += 1
            if accepted is not None:
                application = credit_repair_accept(application=application, accept=accepted,
                                            note="" if accepted else "材料不齐全", by=None, today=day)
            if approved is not None:
                credit_repair_decide(application=application, approve=approved, note="" if approved else "年报仍未补报",
                              by=None, today=ctx.workday(day, 1))
        else:  # published penalties with objections: open, upheld, dismissed
            penalty = credit_event_record(
                enterprise=enterprise, kind=CreditEventKind.ADMINISTRATIVE_PENALTY,
                occurred_on=ctx.workday(today - _days(120 - n)), source_authority=authority,
                summary=rng.choice(PENALTY_TEXTS), source_ref=f"credit:demo:penalty:{enterprise_id}",
                published_on=ctx.workday(today - _days(100)), by=None, today=last)
            filed, decided, upheld = objections[n - 6]
            objection = credit_objection_file(credit_event=penalty, grounds="处罚决定已被行政复议变更，请求更正公示信息",
                                       evidence="行政复议决定书", by=None, today=workdays_ago(filed))
            counts["objections"] += 1
            if decided is not None:
                credit_objection_decide(objection=objection, upheld=upheld,
                                 note="经核实复议已撤销原处罚决定" if upheld else "经核实处罚决定合法有效", by=None,
                                 today=workdays_ago(decided))
    demo_notifications_date(_workflow_times(), today=today)
    return counts


def _workflow_times() -> dict[str, datetime.datetime]:
    """When the services' messages of the objections and repairs were raised: a filing in the morning of its
    day, the acceptance refused or the decision in the afternoon of its day."""
    def at(day: datetime.date, hour: int) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    times = {}
    for pk, submitted, accepted, decided in CreditRepair.objects.values_list(
            "pk", "submitted_on", "accepted_on", "decided_on"):
        times[f"credit-repair:{pk}:filed"] = at(submitted, 10)
        if decided or accepted:
            times[f"credit-repair:{pk}:decided"] = at(decided or accepted, 15)
    for pk, submitted, decided in CreditObjection.objects.values_list("pk", "submitted_on", "decided_on"):
        times[f"credit-objection:{pk}:filed"] = at(submitted, 10)
        if decided:
            times[f"credit-objection:{pk}:decided"] = at(decided, 15)
    return times


def placeholder_pdf(name: str, text: str = "Demo placeholder document") -> ContentFile:
    """A one-page PDF (about 600 bytes) standing in for a scanned document in the demo: repair applications
    need a proof of compliance and a credit commitment letter (DOMAIN §2.4), and the demo's go through the
    service like real ones, so they carry these."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%EOF\n" % (len(objects) + 1, xref)
    return ContentFile(bytes(out), name=name)


def placeholder_documents() -> dict[str, ContentFile]:
    """The two documents of a repair application, as placeholders."""
    return {"compliance_proof_file": placeholder_pdf("compliance-proof.pdf", "Proof of compliance (demo)"),
            "commitment_letter_file": placeholder_pdf("commitment-letter.pdf", "Credit commitment letter (demo)")}


def generate(ctx) -> dict[str, Any]:
    if CreditEvent.objects.exists() or CreditListEntry.objects.exists():
        ctx.progress("credit: data already present, left as it is")
        return {"credit_events": CreditEvent.objects.count()}
    n = ctx.enterprise_count
    rng = ctx.rng("credit-enterprises")
    due = _Due()
    chosen = _enterprises(rng, ctx, int(n * EVENT_RATE) or 20)
    events = _events(ctx, due, chosen)
    heavy = [e for e in events if e.kind == CreditEventKind.HEAVIER_PENALTY]
    serious = heavy[: max(3, int(n * SERIOUS_RATE))]
    listed = {e.enterprise_id for e in serious}
    abnormal_rows = [r for r in _enterprises(ctx.rng("credit-abnormal"), ctx, max(8, int(n * ABNORMAL_RATE)))
                     if r[0] not in listed]
    taken = listed | {r[0] for r in abnormal_rows}
    taken |= {e.enterprise_id for e in events if e.kind in NEGATIVE_KINDS}  # the red list needs a clean record
    red_rows = [r for r in _enterprises(ctx.rng("credit-red"), ctx, max(4, int(n * RED_RATE))) if r[0] not in taken]
    for event in events:  # the demo's texts are written for publication (no personal data; see the tests)
        event.public_summary = event.summary
    with transaction.atomic():
        instances_insert(events)  # the penalties must have ids first
        pairs = _entries(ctx, due, abnormal_rows, serious, red_rows)
        written, entries = _write([], pairs)
        audit_record(action=AuditAction.IMPORT, by=None, object_type="credit.creditevent",
                     object_repr="demo credit data",
                     message=f"demo: {len(events) + written} credit events and {entries} list entries loaded")
    counts = _workflows(ctx)

    maintained = credit_lists_maintain(today=ctx.last_workday)
    return {"credit_events": CreditEvent.objects.count(), "list_entries": CreditListEntry.objects.count(),
            **counts, "escalated": maintained["escalated"]}


def classify(ctx) -> dict[str, Any]:
    """Classify every enterprise as of today, once the events loaded in bulk are in (see the order of the
    generators in the demo command). The first pass writes a row per enterprise: on PostgreSQL their foreign keys
    are checked once per table rather than per row at commit (1.5 M rows: 25 → 17 s)."""
    with transaction.atomic(), foreign_keys_checked_once(CreditClassification, CreditClassChange):
        outcome = credit_reclassify_all(on=ctx.today)
    return {"classified": outcome.enterprises, "changed": outcome.changed, "seconds": round(outcome.seconds)}


def reset(ctx) -> dict[str, Any]:
    """Delete every credit row (demo data is only loaded into a registry of demo enterprises); the scoring
    model versions stay. Raw deletes, in dependency order, because the city scale has ~100,000 rows."""
    counts = {}
    with transaction.atomic(), connection.cursor() as cursor:
        # the stored files of the attachments stay in MEDIA_ROOT (a demo reset does not walk the storage)
        for model in (CreditAttachment, CreditObjection, CreditRepair, CreditClassChange, CreditClassification):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")
            counts[model._meta.model_name] = cursor.rowcount
        table = CreditListEntry._meta.db_table
        cursor.execute(f"UPDATE {table} SET escalated_from_id = NULL, penalty_event_id = NULL, entry_event_id = NULL")
        cursor.execute(f"DELETE FROM {table}")
        counts["list_entries"] = cursor.rowcount
        cursor.execute(f"DELETE FROM {CreditEvent._meta.db_table}")
        counts["credit_events"] = cursor.rowcount
    return {f"{k}_deleted": max(v, 0) for k, v in counts.items()}
