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
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qcity.core.access import deny, has_role, require_role
from qcity.core.audit import audit_record
from qcity.core.choices import AuditAction
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
    """The EPCIS 2.0 JSON document of a request body (a 1.2 XML document is converted), or CaptureError."""
    media_type = (media_type or "").split(";")[0].strip().lower()
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
    if "\x00" in text or "\\u0000" in text.lower():
        path = _nul_path(document, "$")
        if path:
            raise CaptureError(nul_character_message(), path)
    return document


def _no_constant(name: str):
    """NaN and Infinity are not JSON (Python's json module accepts them)."""
    raise json.JSONDecodeError(_("不是合法的 JSON 值：%(value)s") % {"value": name}, name, 0)


def _nul_path(value: Any, path: str) -> str | None:
    """The JSON path of the first string holding U+0000, which the database cannot store."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, list):
        items = ((epcis.json_path_join(path, index), item) for index, item in enumerate(value))
    elif isinstance(value, dict):
        for key in value:
            if "\x00" in key:
                return path
        items = ((epcis.json_path_join(path, key), item) for key, item in value.items())
    else:
        return None
    for item_path, item in items:
        found = _nul_path(item, item_path)
        if found:
            return found
    return None


def epcis_capture(*, body: bytes, media_type: str, by: User, single_event: bool = False) -> CaptureJob:
    """Capture an EPCIS document (or, with `single_event`, one event or a document: POST /events).

    Raises CaptureError (400) for a document that cannot be captured and PermissionDenied (403, audited) for
    an event outside the submitter's scope. `by` is always a user (a job names its submitter): jobs and the
    demo capture as a service account."""
    require_role(by, *MARKET_OFFICERS_AND_ENTERPRISES, action=_("采集追溯事件"))
    document = document_load(body, media_type)
    if single_event and isinstance(document, dict) and document.get("type") in epcis.EVENT_TYPES:
        document = epcis.document_from_event(document)
    try:
        events = epcis.event_list(document)
    except epcis.DocumentError as exc:
        raise CaptureError.from_document_error(exc) from exc
    job = CaptureJob(submitted_by=by, enterprise=getattr(by, "enterprise", None),
                     media_type=(media_type or "").split(";")[0].strip().lower()[:40],
                     document_sha256=hashlib.sha256(body).hexdigest(), event_count=len(events))
    if len(events) > inline_limit():
        resent = CaptureJob.objects.filter(submitted_by=by, document_sha256=job.document_sha256,
                                           status=CaptureJobStatus.RUNNING).first()
        return resent or _capture_later(job, document, by=by)  # a resend while the first still runs: that one
    parsed = _parse(document)
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


def _capture_later(job: CaptureJob, document: dict[str, Any], *, by: User | None) -> CaptureJob:
    """Keep the document (as EPCIS 2.0 JSON) with its job and let the background job capture it."""
    from ..tasks import capture_job_run_task  # cycle: the task calls this module's capture_job_run

    job.save()
    job.document.save(f"{job.pk}.json", ContentFile(json.dumps(document, ensure_ascii=False).encode()), save=True)
    # audited once, when the job ends (success or failure)
    transaction.on_commit(lambda: capture_job_run_task.delay(str(job.pk)))
    return job


def capture_job_run(*, job: CaptureJob) -> CaptureJob:
    """The background half of a big capture: parse, check the scope, store; the job ends success or failed."""
    if job.status != CaptureJobStatus.RUNNING:
        return job
    by = job.submitted_by
    try:
        with job.document.open("rb") as handle:
            document = json.loads(handle.read().decode("utf-8"))
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
    record. A concurrent capture of the same events makes the unique key fail: the write is retried once and
    the events the other capture stored are then skipped as duplicates."""
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                _store_once(job, parsed, by=by)
            return
        except IntegrityError:
            if attempt == 2:
                raise


def _store_once(job: CaptureJob, parsed: list[epcis.ParsedEvent], *, by: User | None) -> None:
    seen: set[tuple[str, Any]] = set()
    stored = _stored_keys(parsed)
    new: list[epcis.ParsedEvent] = []
    for item in parsed:
        key = (item.event_hash, item.event_time)
        if key in seen or key in stored:
            continue
        seen.add(key)
        new.append(item)
    job.status = CaptureJobStatus.SUCCESS
    job.event_count = len(parsed)
    job.captured_count = len(new)
    job.duplicate_count = len(parsed) - len(new)
    job.errors = []
    job.finished_at = timezone.now()
    job.save()
    enterprise_id = getattr(by, "enterprise_id", None)
    for start in range(0, len(new), BATCH_SIZE):
        batch = new[start:start + BATCH_SIZE]
        rows = Event.objects.bulk_create([Event(**item.row, enterprise_id=enterprise_id, capture_job=job)
                                          for item in batch])
        EventEpc.objects.bulk_create([EventEpc(event_id=row.pk, **epc)
                                      for row, item in zip(rows, batch, strict=True) for epc in item.epcs],
                                     batch_size=BATCH_SIZE)
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
    hashes = sorted({item.event_hash for item in parsed})
    keys: set[tuple[str, Any]] = set()
    for start in range(0, len(hashes), BATCH_SIZE):
        keys.update(Event.objects.filter(event_hash__in=hashes[start:start + BATCH_SIZE])
                    .values_list("event_hash", "event_time"))
    return keys
