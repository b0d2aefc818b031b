"""EPCIS capture (EPCIS 2.0 §8.2 and its REST binding): a document is captured whole or not at all.

- Every event of the document is checked (schema, identifiers, the submitter's scope) before anything is
  written; one bad event refuses the whole document (captureErrorBehaviour "rollback").
- An event already stored (same GS1 event hash and event time), or twice in the document, is skipped and
  counted: a client that resends a document after a lost answer does no harm.
- An enterprise account (a supplier's service account) may only capture events at the locations of the
  trace parties of its own enterprise; market officers may capture anything.
- A document of more than TRACE_CAPTURE_INLINE_EVENTS events is kept with its capture job and captured by a
  background job; the client polls the job (GET /api/epcis/capture/<id>).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qcity.core.access import deny, has_role, require_role
from qcity.core.audit import audit_record
from qcity.core.bulk import ids_reserve, rows_insert
from qcity.core.choices import AuditAction
from qcity.core.collector import collector_paused
from qcity.core.models import User
from qcity.core.parsers import JSONTooDeep, json_loads
from qcity.core.request_guard import nul_character_message
from qcity.core.roles import MARKET_OFFICERS, MARKET_OFFICERS_AND_ENTERPRISES

from .. import epcis, identifiers, xml12
from ..choices import CaptureJobStatus
from ..models import CaptureJob, Event, EventEpc, Location, Lot, Product

JSON_MEDIA_TYPES = ("application/json", "application/ld+json")
XML_MEDIA_TYPES = ("application/xml", "text/xml")
BATCH_SIZE = 1000
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # a JSON escape of half a surrogate pair (a pair is fine)


class CaptureError(ValueError):
    """A document that cannot be captured (HTTP 400): `path` names the first problem (a JSON path or an XML
    line), `errors` lists them all."""

    def __init__(self, message: str, path: str = "$", errors: list[epcis.EpcisError] | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.errors = errors or [epcis.EpcisError(path, message)]

    @classmethod
    def from_document_error(cls, error: epcis.DocumentError) -> CaptureError:
        first = error.errors[0]
        return cls(first.message, first.path, error.errors)

    def as_list(self) -> list[dict[str, str]]:
        return [e.as_dict() for e in self.errors]


def inline_limit() -> int:
    return getattr(settings, "TRACE_CAPTURE_INLINE_EVENTS", 1000)


def document_load(body: bytes, media_type: str) -> dict[str, Any]:
    """The EPCIS 2.0 JSON document of a request body (a 1.2 XML document is converted), or CaptureError.
    `media_type` is the bare type, lower case."""
    if not body or not body.strip():
        raise CaptureError(_("文档为空"))
    if media_type in XML_MEDIA_TYPES:
        try:
            return xml12.document_from_xml(body)
        except epcis.DocumentError as exc:
            raise CaptureError.from_document_error(exc) from exc
    if media_type not in JSON_MEDIA_TYPES:
        raise CaptureError(_("不支持的格式：%(type)s") % {"type": media_type or "-"})
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CaptureError(_("文档不是 UTF-8 编码（第 %(position)s 字节）") % {"position": exc.start}) from exc
    try:
        document = json_loads(text, parse_constant=_no_constant)
    except JSONTooDeep as exc:
        raise CaptureError(str(exc)) from exc
    except json.JSONDecodeError as exc:
        raise CaptureError(_("JSON 格式错误：第 %(line)s 行第 %(column)s 列，%(reason)s")
                           % {"line": exc.lineno, "column": exc.colno, "reason": exc.msg}) from exc
    if "\x00" in text or "\\u0000" in text.lower() or SURROGATE_ESCAPE.search(text):
        found = _unstorable_path(document, "$")
        if found:
            raise CaptureError(found[1], found[0])
    return document


def _no_constant(name: str):
    """NaN and Infinity are not JSON (Python's json module accepts them)."""
    raise json.JSONDecodeError(_("不是合法的 JSON 值：%(value)s") % {"value": name}, name, 0)


def _unstorable(text: str) -> str | None:
    """Why the database cannot store this string (U+0000, or half of a surrogate pair), or None."""
    if "\x00" in text:
        return nul_character_message()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _("含无效的字符（单独的 Unicode 代理项 \\ud800–\\udfff）")
    return None


def _unstorable_path(value: Any, path: str) -> tuple[str, str] | None:
    """The JSON path of the first string (or key) the database cannot store, and why."""
    if isinstance(value, str):
        reason = _unstorable(value)
        return (path, reason) if reason else None
    if isinstance(value, list):
        items = ((epcis.json_path_join(path, index), item) for index, item in enumerate(value))
    elif isinstance(value, dict):
        for key in value:
            reason = _unstorable(key)
            if reason:
                return path, reason
        items = ((epcis.json_path_join(path, key), item) for key, item in value.items())
    else:
        return None
    for item_path, item in items:
        found = _unstorable_path(item, item_path)
        if found:
            return found
    return None


@collector_paused()
def epcis_capture(*, body: bytes, media_type: str, by: User, single_event: bool = False) -> CaptureJob:
    """Capture an EPCIS document (or, with `single_event`, one event or a document: POST /events).

    Raises CaptureError (400) for a document that cannot be captured and PermissionDenied (403, audited) for
    an event outside the submitter's scope. `by` is always a user (a job names its submitter): jobs and the
    demo capture as a service account."""
    require_role(by, *MARKET_OFFICERS_AND_ENTERPRISES, action=_("采集追溯事件"))
    media_type = (media_type or "").split(";")[0].strip().lower()
    document = document_load(body, media_type)
    wrapped = single_event and isinstance(document, dict) and document.get("type") in epcis.EVENT_TYPES
    if wrapped:
        document = epcis.document_from_event(document)
    try:
        events = epcis.event_list(document)
    except epcis.DocumentError as exc:
        raise CaptureError.from_document_error(exc) from exc
    job = _job(by, media_type, hashlib.sha256(body).hexdigest(), len(events))
    if len(events) > inline_limit():
        resent = CaptureJob.objects.filter(submitted_by=by, document_sha256=job.document_sha256,
                                           status=CaptureJobStatus.RUNNING).first()
        if resent:  # a resend while the first still runs: that one
            return resent
        # a JSON document is kept as it came (not dumped again); a converted XML one as its EPCIS 2.0 JSON
        kept = body if media_type in JSON_MEDIA_TYPES and not wrapped else None
        return _capture_later(job, document, kept)
    parsed = _parse(document)
    _scope_check(parsed, by=by)
    _store(job, parsed, by=by)
    return job


def _job(by: User, media_type: str, digest: str, event_count: int) -> CaptureJob:
    """A new (unsaved) capture job of `by` for a document of `event_count` events."""
    return CaptureJob(submitted_by=by, enterprise=getattr(by, "enterprise", None), media_type=media_type[:40],
                      document_sha256=digest, event_count=event_count)


@collector_paused()
def parsed_capture(*, parsed: list[epcis.ParsedEvent], by: User) -> CaptureJob:
    """Capture events already parsed by `epcis.document_parse` (schema, GS1 hash, checks), as one job: the demo
    parses the documents it builds in a helper process. The same scope check and store as `epcis_capture`,
    in one transaction whatever the size. Never for a client's input: `document_load`'s checks (encoding,
    characters the database cannot store) ran on no bytes here."""
    require_role(by, *MARKET_OFFICERS_AND_ENTERPRISES, action=_("采集追溯事件"))
    # no document bytes: the job's digest is of its events' hashes (it identifies the content, as for a document)
    digest = hashlib.sha256("".join(item.event_hash for item in parsed).encode()).hexdigest()
    job = _job(by, "application/json", digest, len(parsed))
    _scope_check(parsed, by=by)
    _store(job, parsed, by=by)
    return job


def _parse(document: dict[str, Any]) -> list[epcis.ParsedEvent]:
    try:
        return epcis.document_parse(document)
    except epcis.DocumentError as exc:
        lines = getattr(document, "event_lines", None)  # a converted 1.2 XML document: name the line too
        if lines:
            exc.errors = [_with_line(error, lines) for error in exc.errors]
        raise CaptureError.from_document_error(exc) from exc


def _with_line(error: epcis.EpcisError, lines: list[int]) -> epcis.EpcisError:
    match = re.match(r"^\$\.epcisBody\.eventList\[(\d+)\]", error.path)
    if not match or int(match.group(1)) >= len(lines):
        return error
    line = lines[int(match.group(1))]
    return epcis.EpcisError(error.path, _("%(message)s（XML 第 %(line)s 行的事件）")
                            % {"message": error.message, "line": line})


def _scope_check(parsed: list[epcis.ParsedEvent], *, by: User | None) -> None:
    """An enterprise account captures only at its own enterprise's locations (bizLocation, else readPoint)."""
    if by is None or has_role(by, *MARKET_OFFICERS):
        return
    allowed = {location.uri for location in Location.objects.filter(party__enterprise_id=by.enterprise_id)} \
        if by.enterprise_id else set()
    for item in parsed:
        where = item.row["biz_location"] or item.row["read_point"]
        if where not in allowed:
            raise deny(by, action=_("采集事件 %(path)s（地点 %(location)s 不属于本企业）")
                       % {"path": item.path, "location": where or "-"})


def _capture_later(job: CaptureJob, document: dict[str, Any], body: bytes | None) -> CaptureJob:
    """Keep the document (`body`, else `document` as EPCIS 2.0 JSON) with its job and let the background job
    capture it."""
    from ..tasks import capture_job_run_task  # cycle: the task calls this module's capture_job_run

    job.save()
    content = body if body is not None else json.dumps(document, ensure_ascii=False).encode()
    job.document.save(f"{job.pk}.json", ContentFile(content), save=True)
    # audited once, when the job ends (success or failure)
    transaction.on_commit(lambda: capture_job_run_task.delay(str(job.pk)))
    return job


@collector_paused()
def capture_job_run(*, job: CaptureJob) -> CaptureJob:
    """The background half of a big capture: parse, check the scope, store; the job ends success or failed."""
    if job.status != CaptureJobStatus.RUNNING:
        return job
    by = job.submitted_by
    try:
        with job.document.open("rb") as handle:
            document = json.loads(handle.read().decode("utf-8-sig"))
        parsed = _parse(document)
        _scope_check(parsed, by=by)
        _store(job, parsed, by=by)
    except CaptureError as exc:
        _job_fail(job, exc.as_list())
    except PermissionDenied as exc:  # the refusal itself is audited by `deny`
        _job_fail(job, [{"path": "$", "message": str(exc)}])
    except (OSError, ValueError):  # the kept document is gone or unreadable
        _job_fail(job, [{"path": "$", "message": _("采集任务的文档无法读取，请重新提交")}])
    if job.document:
        job.document.delete(save=True)
    return job


def _job_fail(job: CaptureJob, errors: list[dict[str, str]]) -> None:
    job.status = CaptureJobStatus.FAILED
    job.errors = errors[:epcis.MAX_ERRORS]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "errors", "finished_at"])
    audit_record(action=AuditAction.IMPORT, by=job.submitted_by, obj=job,
                 message=f"EPCIS capture failed: {errors[0]['path']} {errors[0]['message']}"[:500])


def _store(job: CaptureJob, parsed: list[epcis.ParsedEvent], *, by: User | None) -> None:
    """Write the new events and their trace index in one transaction, then the job (success) and its audit
    record.

    Most documents hold only new events, so they are written without looking for stored ones first; the unique
    key (hash, event time) refuses a document with any stored event, and only then are the stored ones looked
    up and skipped. A concurrent capture of the same events makes that second write fail too: it is retried
    once, and the events the other capture stored are then skipped as duplicates."""
    unique: dict[tuple[str, Any], epcis.ParsedEvent] = {}
    for item in parsed:  # an event twice in the document is stored once
        unique.setdefault((item.event_hash, item.event_time), item)
    try:
        with transaction.atomic():
            _write(job, parsed, list(unique.values()), by=by)
        return
    except IntegrityError:
        pass  # some of the events are stored already
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                stored = _stored_keys(list(unique.values()))
                _write(job, parsed, [item for key, item in unique.items() if key not in stored], by=by)
            return
        except IntegrityError:
            if attempt == 2:
                raise


# The columns capture writes, in the order of the rows it builds (core.bulk: COPY on PostgreSQL).
_ROW_FIELDS = ("event_type", "action", "epcis_event_id", "event_hash", "biz_step", "disposition", "read_point",
               "biz_location", "source_party", "destination_party", "biz_transaction", "error_declared")
EVENT_FIELDS = ("id", "event_time", "event_time_zone_offset", "record_time", *_ROW_FIELDS, "enterprise",
                "capture_job", "document")
# copied from the event into each of its EventEpc rows, so that a trace step reads the trace index alone
_SHARED_FIELDS = ("event_time", "event_type", "action", "biz_step", "biz_location", "source_party",
                  "destination_party")
EVENT_EPC_FIELDS = ("event_id", "epc", "role", "quantity", "uom", *_SHARED_FIELDS)


def _write(job: CaptureJob, parsed: list[epcis.ParsedEvent], new: list[epcis.ParsedEvent], *,
           by: User | None) -> None:
    """The job (its counts) and the `new` events of `parsed`, with their trace index, master-data lots and the
    audit record."""
    job.status = CaptureJobStatus.SUCCESS
    job.event_count = len(parsed)
    job.captured_count = len(new)
    job.duplicate_count = len(parsed) - len(new)
    job.errors = []
    job.finished_at = timezone.now()
    job.save()
    ids = ids_reserve(Event, len(new))
    enterprise_id = getattr(by, "enterprise_id", None)
    now = timezone.now()
    rows_insert(Event, EVENT_FIELDS,
                ((pk, item.event_time, item.row["event_time_zone_offset"], now,
                  *[item.row[name] for name in _ROW_FIELDS], enterprise_id, job.pk, item.text())
                 for pk, item in zip(ids, new, strict=True)))
    rows_insert(EventEpc, EVENT_EPC_FIELDS,
                ((pk, epc["epc"], epc["role"], epc["quantity"], epc["uom"], *shared)
                 for pk, item in zip(ids, new, strict=True)
                 for shared in [[item.row[name] for name in _SHARED_FIELDS]] for epc in item.epcs))
    _lots_register(new)
    audit_record(action=AuditAction.IMPORT, by=by, obj=job,
                 message=f"EPCIS capture: {job.event_count} events, {job.captured_count} new, "
                         f"{job.duplicate_count} duplicates")


def _lots_register(parsed: list[epcis.ParsedEvent]) -> None:
    """A lot (GTIN + lot number) that captured events name, of a registered product, becomes a master-data lot:
    the trace page can then open its recall and the scan page name it."""
    pairs = {(found["01"], found["10"]) for item in parsed for epc in item.epcs
             if "10" in (found := identifiers.parts(epc["epc"])) and "01" in found}
    if not pairs:
        return
    products = dict(Product.objects.filter(gtin__in={gtin for gtin, _lot in pairs}).values_list("gtin", "pk"))
    lot_length = Lot._meta.get_field("lot_number").max_length
    Lot.objects.bulk_create([Lot(product_id=products[gtin], lot_number=number) for gtin, number in sorted(pairs)
                             if gtin in products and len(number) <= lot_length], ignore_conflicts=True)


def _stored_keys(parsed: list[epcis.ParsedEvent]) -> set[tuple[str, Any]]:
    """The (hash, event time) keys of these events already stored. The time bounds let PostgreSQL read only the
    months the document covers; there one `= ANY(array)` replaces `IN` lists of a thousand parameters each,
    which cost more to plan than to run on a table of many partitions."""
    if not parsed:
        return set()
    hashes = sorted({item.event_hash for item in parsed})
    first = min(item.event_time for item in parsed)
    last = max(item.event_time for item in parsed)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT event_hash, event_time FROM {Event._meta.db_table} "
                           "WHERE event_hash = ANY(%s) AND event_time >= %s AND event_time <= %s",
                           [hashes, first, last])
            return set(cursor.fetchall())
    keys: set[tuple[str, Any]] = set()
    for start in range(0, len(hashes), BATCH_SIZE):
        keys.update(Event.objects.filter(event_hash__in=hashes[start:start + BATCH_SIZE],
                                         event_time__gte=first, event_time__lte=last)
                    .values_list("event_hash", "event_time"))
    return keys
