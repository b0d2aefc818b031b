"""EPCIS 2.0 JSON documents: validation and the rows the event store keeps (no database here).

- A document is checked against GS1's EPCIS 2.0 JSON schema (vendored in `data/`, loaded once); every error is
  reported with the JSON path of the offending value (`$.epcisBody.eventList[3].eventTime`).
- The duplicate key of an event is the GS1 event hash (EPCIS 2.0 / CBV 2.0 §8.9), computed by `event_hash` (the
  algorithm of GS1's reference library without its JSON-LD expansion; the library itself for unusual documents);
  when the sender already gives an `ni:///sha-256;` hash as eventID, that one is used.
- Identifiers are stored in their canonical Digital Link form (`identifiers.canonical`), GTIN and GLN check
  digits verified, so that a URN and a Digital Link naming the same lot are one key of the trace index.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import orjson
from django.utils.translation import gettext as _

from . import identifiers
from .choices import EpcRole
from .event_hash import EVENT_TYPES, document_hashes

SCHEMA_PATH = Path(__file__).parent / "data" / "EPCIS-JSON-Schema.json"
MAX_ERRORS = 50  # a broken generator repeats one mistake in every event: the first ones say enough
HASH_EVENT_ID = re.compile(r"^ni:///sha-256;([0-9a-f]{64})(\?.*)?$")
# CBV values are given bare ("shipping"), as URNs (urn:epcglobal:cbv:bizstep:shipping) or as web URIs
# (https://ref.gs1.org/cbv/BizStep-shipping, https://gs1.org/voc/BizStep-shipping): all are one word for us.
CBV_VALUE = re.compile(
    r"^(?:urn:epcglobal:cbv:(?:bizstep|disp|sdt|btt):|https?://(?:ref\.gs1\.org/cbv|gs1\.org/voc)/"
    r"(?:BizStep|Disp|SDT|BTT)-)([a-z_]+)$")
CBV_URN = re.compile(r"^urn:epcglobal:cbv:(?:bizstep|disp|btt|sdt|er):([A-Za-z0-9_]+)$")
PARTY_TYPES = ("owning_party", "possessing_party")
QUANTITY_LIMIT = Decimal("1e15")  # the trace index keeps 18 digits, 3 of them decimals
MILLI = Decimal("0.001")
# The Event row's fields that `event_parse` gives (`ParsedEvent.row`), in the order its pickled state keeps them.
_ROW_KEYS = ("event_time", "event_time_zone_offset", "event_type", "action", "epcis_event_id", "event_hash", "biz_step",
             "disposition", "read_point", "biz_location", "source_party", "destination_party", "biz_transaction",
             "error_declared")


def _not_from_hash_library(record: logging.LogRecord) -> bool:
    """The event-hash library logs every event it hashes at INFO on the root logger: thousands of lines per
    document, holding the events' content. Its records are dropped; errors are reported by this module."""
    return "epcis_event_hash_generator" not in record.pathname


logging.getLogger().addFilter(_not_from_hash_library)


@dataclass(frozen=True)
class EpcisError:
    """One problem of a document: where (a JSON path, or a line of an XML document) and what."""

    path: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


class DocumentError(ValueError):
    """A document that cannot be captured; `errors` lists every problem found, each with its path."""

    def __init__(self, errors: list[EpcisError]):
        super().__init__("; ".join(f"{e.path}: {e.message}" for e in errors[:5]))
        self.errors = errors

    def __reduce__(self):  # raised in the demo's helper process, it is pickled back with its errors
        return type(self), (self.errors,)


@dataclass
class ParsedEvent:
    """One event of a document, ready for the event store: the Event row's fields and its identifiers (the
    EventEpc rows' own fields; the rest of each EventEpc row is copied from the event's)."""

    path: str
    event: dict[str, Any]
    event_hash: str
    event_time: datetime.datetime
    row: dict[str, Any] = field(default_factory=dict)
    epcs: list[dict[str, Any]] = field(default_factory=list)
    _text: str = field(default="", init=False, repr=False, compare=False)

    def text(self) -> str:
        """The event as JSON text, its row's `document` (made once; orjson: a fifth of json.dumps's time)."""
        if not self._text:
            try:
                self._text = orjson.dumps(self.event).decode()
            except TypeError:  # an integer beyond 64 bits, which orjson refuses
                self._text = json.dumps(self.event, ensure_ascii=False)
        return self._text

    # The demo's helper process parses documents and sends the events back pickled: as the event's JSON text (made
    # there, so the capture that writes it as the row's document does not make it) and plain tuples, so unpickling
    # makes a few objects per event rather than its nested dictionaries. The event's dictionary is decoded from the
    # text if it is read again.
    def __getstate__(self) -> tuple:
        if tuple(self.row) != _ROW_KEYS:  # a field added to `event_parse` must be added there too, or it is lost
            raise ValueError(f"ParsedEvent.row has the keys {tuple(self.row)}, not _ROW_KEYS")
        row = tuple(self.row.values())
        epcs = [(epc["epc"], epc["role"], epc["quantity"], epc["uom"]) for epc in self.epcs]
        return self.path, self.text(), self.event_hash, self.event_time, row, epcs

    def __setstate__(self, state: tuple) -> None:
        self.path, self._text, self.event_hash, self.event_time, row, epcs = state
        self.row = dict(zip(_ROW_KEYS, row, strict=True))
        self.epcs = [{"epc": epc, "role": role, "quantity": quantity, "uom": uom}
                     for epc, role, quantity, uom in epcs]

    def __getattr__(self, name: str) -> Any:
        if name != "event" or "_text" not in self.__dict__:
            raise AttributeError(name)
        self.event = json.loads(self._text)  # unpickled: decoded only when read
        return self.event


@cache
def _validator():
    with SCHEMA_PATH.open(encoding="utf-8") as handle:
        return jsonschema_rs.validator_for(json.load(handle), validate_formats=True)


def json_path(parts) -> str:
    """["epcisBody", "eventList", 3, "eventTime"] -> "$.epcisBody.eventList[3].eventTime"."""
    path = "$"
    for part in parts:
        path = json_path_join(path, part)
    return path


def json_path_join(path: str, part: str | int) -> str:
    if isinstance(part, int):
        return f"{path}[{part}]"
    if re.fullmatch(r"[A-Za-z_@][A-Za-z0-9_:@]*", part):
        return f"{path}.{part}"
    return f"{path}[{json.dumps(part, ensure_ascii=False)}]"


def event_list(document: Any) -> list[Any]:
    """The events of an EPCISDocument, or DocumentError when it is not one."""
    if not isinstance(document, dict) or document.get("type") != "EPCISDocument":
        raise DocumentError([EpcisError("$.type", _("不是 EPCIS 文档（type 应为 EPCISDocument）"))])
    body = document.get("epcisBody")
    if not isinstance(body, dict):
        raise DocumentError([EpcisError("$.epcisBody", _("缺少 epcisBody"))])
    events = body.get("eventList")
    if not isinstance(events, list):
        raise DocumentError([EpcisError("$.epcisBody.eventList", _("缺少事件列表 eventList"))])
    return events


def document_from_event(event: dict[str, Any]) -> dict[str, Any]:
    """A single posted event (POST /events) wrapped in a document, so that one path captures both."""
    context = event.get("@context", "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld")
    body = {key: value for key, value in event.items() if key != "@context"}
    return {"@context": context, "type": "EPCISDocument", "schemaVersion": "2.0",
            "creationDate": event.get("eventTime", ""), "epcisBody": {"eventList": [body]}}


def cbv_urns_reduce(events: list[Any]) -> None:
    """Write CBV values given as 1.2 URNs (urn:epcglobal:cbv:bizstep:shipping) as the bare word the 2.0 JSON
    schema expects (EPCIS 2.0 §9), in place. Many senders still write URNs; the event hash is the same."""

    def reduce(value: Any) -> Any:
        match = CBV_URN.match(value) if isinstance(value, str) else None
        return match.group(1) if match else value

    for event in events:
        if not isinstance(event, dict):
            continue
        for key in ("bizStep", "disposition"):
            if key in event:
                event[key] = reduce(event[key])
        for key in ("bizTransactionList", "sourceList", "destinationList"):
            for entry in event.get(key) if isinstance(event.get(key), list) else []:
                if isinstance(entry, dict) and "type" in entry:
                    entry["type"] = reduce(entry["type"])
        if isinstance(event.get("errorDeclaration"), dict) and "reason" in event["errorDeclaration"]:
            event["errorDeclaration"]["reason"] = reduce(event["errorDeclaration"]["reason"])


def document_validate(document: Any) -> list[EpcisError]:
    """The schema errors of a document, each at its JSON path (first MAX_ERRORS)."""
    events = event_list(document)
    errors = [EpcisError(f"$.epcisBody.eventList[{index}].type",
                         _("未知的事件类型：%(type)s") % {"type": event.get("type") if isinstance(event, dict) else event})
              for index, event in enumerate(events)
              if not isinstance(event, dict) or event.get("type") not in EVENT_TYPES]
    if errors:
        return errors[:MAX_ERRORS]
    for error in _validator().iter_errors(document):
        errors.append(EpcisError(json_path(error.instance_path),
                                 _("不符合 EPCIS 2.0 规范：%(detail)s") % {"detail": error.message[:300]}))
        if len(errors) >= MAX_ERRORS:
            break
    return _most_specific(errors)


def _most_specific(errors: list[EpcisError]) -> list[EpcisError]:
    """Drop an error whose path is a prefix of another's: "event 3 is invalid" says less than "its eventTime"."""
    paths = {e.path for e in errors}
    kept = [e for e in errors if not any(p != e.path and p.startswith(e.path) and p[len(e.path)] in ".["
                                         for p in paths)]
    unique: dict[tuple[str, str], EpcisError] = {(e.path, e.message): e for e in kept}
    return list(unique.values())


def event_hashes(document: dict[str, Any]) -> list[str]:
    """The GS1 event hash (sha-256 hex) of every event, in document order."""
    events = event_list(document)
    computed: list[str] = []
    if any(_given_hash(e) is None for e in events):
        computed = document_hashes(document)
        if len(computed) != len(events):  # the library logs and skips an event it cannot read
            raise DocumentError([EpcisError("$.epcisBody.eventList", _("无法计算事件哈希"))])
    return [_given_hash(event) or computed[index] for index, event in enumerate(events)]


def _given_hash(event: dict[str, Any]) -> str | None:
    match = HASH_EVENT_ID.match(str(event.get("eventID", "")))
    return match.group(1) if match else None


def cbv_word(value: str) -> str:
    """A CBV value as its bare word ("shipping"); a value outside the CBV stays the full URI."""
    value = (value or "").strip()
    match = CBV_VALUE.match(value)
    return match.group(1) if match else value


def _identifier(value: Any, errors: list[EpcisError], path: str, *where: str) -> str:
    """The canonical form of an identifier, its GTIN / GLN check digits verified, else an error at `path` +
    `where` (joined only then: a document names tens of thousands of identifiers)."""
    if isinstance(value, str):
        uri, ok = _identifier_canonical(value)
        if ok:
            return uri
    place = path + "".join(where)
    if not isinstance(value, str) or not value.strip():
        errors.append(EpcisError(place, _("标识为空")))
        return ""
    errors.extend(EpcisError(place, message) for message in _identifier_problems(uri))
    return uri


@lru_cache(maxsize=100_000)
def _identifier_canonical(value: str) -> tuple[str, bool]:
    """The canonical form of an identifier and whether it is sound (not empty, not too long, check digits
    right). Memoised: a document names the same lots, locations and parties many times."""
    uri = identifiers.canonical(value)
    return uri, bool(uri) and len(uri) <= 300 and identifiers.check_digits_ok(uri)


def _identifier_problems(uri: str) -> list[str]:
    """What is wrong with an identifier, in the active language (not memoised: only bad ones get here)."""
    found = identifiers.parts(uri)
    problems: list[str] = []
    try:
        if "01" in found:
            identifiers.gtin_clean(found["01"])
        for ai in ("414", "417"):
            if ai in found:
                identifiers.gln_clean(found[ai])
    except identifiers.IdentifierError as exc:
        problems.append(str(exc))
    if len(uri) > 300:
        problems.append(_("标识过长（最多 300 个字符）"))
    return problems


def _event_time(event: dict[str, Any], path: str, errors: list[EpcisError]) -> datetime.datetime | None:
    raw = event.get("eventTime")
    try:
        moment = datetime.datetime.fromisoformat(str(raw))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        errors.append(EpcisError(f"{path}.eventTime", _("事件时间无效：%(value)s") % {"value": raw}))
        return None
    return moment


def _quantity(value: Any, errors: list[EpcisError], path: str, *where: str) -> Decimal | None:
    if value is None:
        return None
    try:
        quantity = Decimal(str(value))
    except InvalidOperation:
        quantity = None
    if quantity is None or not quantity.is_finite() or abs(quantity) >= QUANTITY_LIMIT:
        errors.append(EpcisError(path + "".join(where), _("数量无效：%(value)s") % {"value": value}))
        return None
    return quantity.quantize(MILLI)


# (list key, role, quantity list key) of each event type; the lists EPCIS 2.0 §7.4 defines
ROLE_LISTS = {
    "ObjectEvent": [("epcList", EpcRole.EPC, "quantityList")],
    "TransactionEvent": [("epcList", EpcRole.EPC, "quantityList")],
    "AggregationEvent": [("childEPCs", EpcRole.CHILD, "childQuantityList")],
    "AssociationEvent": [("childEPCs", EpcRole.CHILD, "childQuantityList")],
    "TransformationEvent": [("inputEPCList", EpcRole.INPUT, "inputQuantityList"),
                            ("outputEPCList", EpcRole.OUTPUT, "outputQuantityList")],
}


def _party(entries: Any, key: str, errors: list[EpcisError], path: str, where: str) -> str:
    """The first owning or possessing party of a sourceList / destinationList, canonical."""
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        if isinstance(entry, dict) and cbv_word(str(entry.get("type", ""))) in PARTY_TYPES:
            return _identifier(entry.get(key), errors, path, where, f"[{index}].{key}")
    return ""


def event_parse(event: dict[str, Any], *, path: str, event_hash: str, errors: list[EpcisError]) -> ParsedEvent | None:
    """The Event row and the EventEpc rows of one (schema-valid) event; problems are appended to `errors`."""
    before = len(errors)
    event_time = _event_time(event, path, errors)
    event_type = event["type"]
    read_point = biz_location = ""
    if isinstance(event.get("readPoint"), dict):
        read_point = _identifier(event["readPoint"].get("id"), errors, path, ".readPoint.id")
    if isinstance(event.get("bizLocation"), dict):
        biz_location = _identifier(event["bizLocation"].get("id"), errors, path, ".bizLocation.id")
    transactions = event.get("bizTransactionList") or []
    first_transaction = transactions[0] if transactions and isinstance(transactions[0], dict) else {}
    row = {
        "event_time": event_time,
        "event_time_zone_offset": str(event.get("eventTimeZoneOffset", ""))[:6],
        "event_type": event_type,
        "action": event.get("action", "") if event_type != "TransformationEvent" else "",
        "epcis_event_id": str(event.get("eventID", ""))[:300],
        "event_hash": event_hash,
        "biz_step": cbv_word(event.get("bizStep", ""))[:200],
        "disposition": cbv_word(event.get("disposition", ""))[:200],
        "read_point": read_point,
        "biz_location": biz_location,
        "source_party": _party(event.get("sourceList"), "source", errors, path, ".sourceList"),
        "destination_party": _party(event.get("destinationList"), "destination", errors, path, ".destinationList"),
        "biz_transaction": str(first_transaction.get("bizTransaction", "")).strip()[:300],
        "error_declared": "errorDeclaration" in event,
    }
    epcs: list[dict[str, Any]] = []

    def add(epc: str, role: str, quantity: Decimal | None = None, uom: str = "") -> None:
        if epc:
            epcs.append({"epc": epc, "role": role, "quantity": quantity, "uom": uom[:10]})

    if event.get("parentID"):
        add(_identifier(event["parentID"], errors, path, ".parentID"), EpcRole.PARENT)
    for list_key, role, quantity_key in ROLE_LISTS[event_type]:
        for index, epc in enumerate(event.get(list_key) or ()):
            add(_identifier(epc, errors, path, ".", list_key, f"[{index}]"), role)
        for index, element in enumerate(event.get(quantity_key) or ()):
            where = (".", quantity_key, f"[{index}]")
            add(_identifier(element.get("epcClass"), errors, path, *where, ".epcClass"), role,
                _quantity(element.get("quantity"), errors, path, *where, ".quantity"), str(element.get("uom", "")))
    if len(errors) > before:
        return None
    return ParsedEvent(path=path, event=event, event_hash=event_hash, event_time=event_time, row=row, epcs=epcs)


def document_parse(document: Any) -> list[ParsedEvent]:
    """Every event of a document as rows, or DocumentError listing every problem with its path. CBV URNs in the
    document are first reduced to their words (`cbv_urns_reduce`)."""
    cbv_urns_reduce(event_list(document))
    errors = document_validate(document)
    if errors:
        raise DocumentError(errors)
    events = event_list(document)
    hashes = event_hashes(document)
    parsed: list[ParsedEvent] = []
    for index, (event, event_hash) in enumerate(zip(events, hashes, strict=True)):
        item = event_parse(event, path=f"$.epcisBody.eventList[{index}]", event_hash=event_hash, errors=errors)
        if item is not None:
            parsed.append(item)
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise DocumentError(errors[:MAX_ERRORS])
    return parsed
