"""The GS1 EPCIS event hash (CBV 2.0 §8.9), computed straight from the EPCIS 2.0 JSON dicts.

GS1's reference library (`epcis_event_hash_generator`) runs a JSON-LD expansion of the whole document (pyld) to
turn bare CBV words into web vocabulary URIs and deep-copies every event: about 1 ms an event. This module
builds the same pre-hash string with the library's own rules but without the expansion: the CBV values the
expansion would produce are worked out per (field, value) once, by pyld on a one-field document (cached), and
the library's bare-string heuristic is then applied to every string. Values are canonicalised by the library's
own `_canonize_value` (Digital Link normaliser, web vocabulary, numbers), memoised.

A document the fast path does not model exactly (another @context, user extensions, keys it does not know,
namespaces the library has collected) is hashed by the library itself (`library_hashes`): correctness first.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import re
from functools import lru_cache
from typing import Any

from epcis_event_hash_generator import PROP_ORDER, hash_generator, json_to_py
from pyld import jsonld

from .choices import EpcisEventType
from .identifiers import CANONICAL

# The contexts the library loads from its own files; a document naming anything else goes to the library.
KNOWN_CONTEXTS = frozenset({"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
                            "https://gs1.github.io/EPCIS/epcis-context.jsonld"})
DOCUMENT_KEYS = frozenset({"@context", "type", "schemaVersion", "creationDate", "epcisBody", "id"})
VOCAB_PREFIXES = ("https://ref.gs1.org/cbv", "https://gs1.org/voc")
# Event keys the fast path models; an event with any other key (a user extension, ilmd, sensors, …) goes to
# the library.
EVENT_KEYS = frozenset({
    "type", "eventTime", "eventTimeZoneOffset", "eventID", "recordTime", "action", "bizStep", "disposition",
    "readPoint", "bizLocation", "parentID", "epcList", "childEPCs", "inputEPCList", "outputEPCList",
    "quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList", "transformationID",
    "bizTransactionList", "sourceList", "destinationList", "persistentDisposition",
})
EPC_LISTS = ("epcList", "childEPCs", "inputEPCList", "outputEPCList")
QUANTITY_LISTS = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")
QUANTITY_KEYS = frozenset({"epcClass", "quantity", "uom"})
PAIR_LISTS = {"bizTransactionList": "bizTransaction", "sourceList": "source", "destinationList": "destination"}
SCALAR_KEYS = ("eventTime", "eventTimeZoneOffset", "eventID", "recordTime", "action", "bizStep", "disposition",
               "parentID", "transformationID")
SCALAR_SET = frozenset(SCALAR_KEYS)
VOCABULARY_SCALARS = frozenset({"bizStep", "disposition"})
PLAIN_SCALARS = frozenset({"eventTime", "eventTimeZoneOffset", "parentID", "transformationID", "action"})
LOCATION_KEYS = frozenset({"readPoint", "bizLocation"})
EVENT_TYPES = frozenset(EpcisEventType.values)
# eventTime as the library's dateutil parse accepts it, at most microsecond precision, with an offset
ISO_TIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?(?:Z|[+-][0-9]{2}:[0-9]{2})$")


class Unsupported(Exception):
    """The fast path does not model this document exactly: hash it with the library."""


def document_hashes(document: dict[str, Any]) -> list[str]:
    """The event hash (sha-256 hex) of every event of an EPCIS 2.0 JSON document, as the library computes it."""
    try:
        return fast_hashes(document)
    except Unsupported:
        return library_hashes(document)


def library_hashes(document: dict[str, Any]) -> list[str]:
    """The hashes by GS1's library (JSON-LD expansion); an event it cannot read is skipped, as it does."""
    events = json_to_py.event_list_from_epcis_document_json(copy.deepcopy(document))  # it mutates
    return [h.split(";", 1)[1].split("?", 1)[0] for h in hash_generator.epcis_hashes_from_events(events)]


def fast_hashes(document: dict[str, Any]) -> list[str]:
    """The hashes without JSON-LD expansion; Unsupported when the document is outside what is modelled."""
    return [hashlib.sha256(p.encode("utf-8")).hexdigest() for p in fast_prehashes(document)]


def fast_prehashes(document: dict[str, Any]) -> list[str]:
    events = _events(document)
    namespaces = json_to_py._namespaces  # the library's process-wide namespace table (it only grows)
    vocabulary: set[str] = set()
    for event in events:
        vocabulary.update(_event_checked(event))
    replacements = _replacements(frozenset(vocabulary))
    parts: dict[tuple, str] = {}  # the pre-hash part of each (name, value) met in this document
    try:
        return [_prehash(event, replacements, namespaces, parts) for event in events]
    except OverflowError as exc:  # a value like "Infinity" or "1e999": the library fails on (and skips) it
        raise Unsupported("number out of range") from exc


def _events(document: Any) -> list[dict[str, Any]]:
    if not isinstance(document, dict) or not DOCUMENT_KEYS.issuperset(document):
        raise Unsupported("document keys")
    context = document.get("@context")
    contexts = context if isinstance(context, list) else [context]
    if not contexts or any(not isinstance(c, str) or c not in KNOWN_CONTEXTS for c in contexts):
        raise Unsupported("@context")
    body = document.get("epcisBody")
    if not isinstance(body, dict) or set(body) != {"eventList"} or not isinstance(body["eventList"], list):
        raise Unsupported("epcisBody")
    # the other top-level values must not be (or look like) CBV values the expansion would collect
    for key in ("type", "schemaVersion", "creationDate", "id"):
        if key in document and (not isinstance(document[key], str) or document[key].startswith(VOCAB_PREFIXES)):
            raise Unsupported(key)
    return body["eventList"]


def _event_checked(event: Any) -> set[str]:
    """The CBV / GS1 web vocabulary URIs the library's JSON-LD expansion finds in this event; Unsupported unless
    every key and value of the event has the shape the fast path models. One pass over the event's own keys."""
    if not isinstance(event, dict) or not EVENT_KEYS.issuperset(event):
        raise Unsupported("event keys")
    event_type = event.get("type")
    if event_type not in EVENT_TYPES:
        raise Unsupported("event type")
    event_time = event.get("eventTime")
    if not isinstance(event_time, str) or not ISO_TIME.match(event_time):
        raise Unsupported("eventTime")
    found: set[str] = set()
    plain: list[str] = []  # strings outside vocabulary fields, which the expansion keeps as they are
    for key, value in event.items():
        if key in SCALAR_SET:
            if not isinstance(value, str):
                raise Unsupported(key)
            if key in VOCABULARY_SCALARS:
                found.update(_expanded(event_type, key, value))
            elif key in PLAIN_SCALARS:
                plain.append(value)
        elif key in LOCATION_KEYS:
            if not isinstance(value, dict) or len(value) != 1 or not isinstance(value.get("id"), str):
                raise Unsupported(key)
            plain.append(value["id"])
        elif key in EPC_LISTS:
            if not isinstance(value, list) or not all(isinstance(e, str) for e in value):
                raise Unsupported(key)
            plain.extend(value)
        elif key in QUANTITY_LISTS:
            if not isinstance(value, list):
                raise Unsupported(key)
            for element in value:
                if (not isinstance(element, dict) or not element or not QUANTITY_KEYS.issuperset(element)
                        or not isinstance(element.get("epcClass", ""), str)
                        or not isinstance(element.get("uom", ""), str)
                        or not isinstance(element.get("quantity", 0), int | float | str)
                        or isinstance(element.get("quantity"), bool)):
                    raise Unsupported(key)
                plain.extend(v for v in element.values() if isinstance(v, str))
        elif key in PAIR_LISTS:
            item = PAIR_LISTS[key]
            if not isinstance(value, list):
                raise Unsupported(key)
            for entry in value:
                if (not isinstance(entry, dict) or len(entry) != 2 or not isinstance(entry.get("type"), str)
                        or not isinstance(entry.get(item), str)):
                    raise Unsupported(key)
                found.update(_expanded(event_type, key, entry["type"]))
                plain.append(entry[item])
        elif key == "persistentDisposition":
            if (not isinstance(value, dict) or not value or not {"set", "unset"}.issuperset(value)
                    or not all(isinstance(v, list) and all(isinstance(s, str) for s in v) for v in value.values())):
                raise Unsupported(key)
            for name, values in value.items():
                for one in values:
                    found.update(_expanded(event_type, name, one))
    # any other string value that is already such a URI is kept as is by the expansion
    if any(value.startswith(VOCAB_PREFIXES) for value in plain):
        raise Unsupported("vocabulary URI outside a vocabulary field")
    return found


@lru_cache(maxsize=4096)
def _expanded(event_type: str, key: str, value: str) -> frozenset[str]:
    """What JSON-LD expansion makes of one vocabulary value (e.g. bizStep "shipping"), by pyld itself on a
    document holding only that value; the few distinct values of a capture stream make this cheap."""
    event: dict[str, Any] = {"type": event_type}
    if key in ("bizStep", "disposition"):
        event[key] = value
    elif key in PAIR_LISTS:
        event[key] = [{"type": value, PAIR_LISTS[key]: "urn:x:y"}]
    else:  # set / unset
        event["persistentDisposition"] = {key: [value]}
    document = {"@context": "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
                "type": "EPCISDocument", "epcisBody": {"eventList": [event]}}
    values: list[str] = []
    json_to_py._find_expanded_values(jsonld.expand(document), values)
    return frozenset(v for v in values if v.startswith(VOCAB_PREFIXES))


@lru_cache(maxsize=256)
def _replacements(vocabulary: frozenset[str]) -> dict[str, str | None]:
    """The library's bare-string heuristic as a table: a string s is replaced by the one vocabulary URI that ends
    with "-s" or "/s" (None when several do: then it is left alone)."""
    table: dict[str, str | None] = {}
    for uri in vocabulary:
        suffixes = {uri[i + 1:] for i, char in enumerate(uri) if char in "-/"}
        for suffix in suffixes:
            table[suffix] = None if suffix in table and table[suffix] != uri else uri
    return table


@lru_cache(maxsize=200_000)
def _canonical(text: str) -> str:
    if CANONICAL.match(text):  # already canonical: the library would return it unchanged (test_event_hash)
        return text
    return hash_generator._canonize_value(text)


def _utc_millis(text: str) -> str:
    """The library's _fix_time_stamp_format for an ISO time with an offset (ISO_TIME), without dateutil."""
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(datetime.UTC)
    except (ValueError, OverflowError) as exc:  # 24:00, 31 February, year 1 with a positive offset, …
        raise Unsupported("eventTime") from exc
    microsecond = round(moment.microsecond, -3)
    if microsecond >= 1_000_000:
        raise Unsupported("time rounds into the next second")  # the library fails on it
    return moment.replace(microsecond=microsecond).isoformat(timespec="milliseconds")[:-6] + "Z"


def _prehash(event: dict[str, Any], replacements: dict[str, str | None], namespaces: dict[str, str],
             parts: dict[tuple, str]) -> str:
    def text(value: Any) -> str:
        """A value as the library's py-object holds it: bare strings replaced, namespaces, then str."""
        if isinstance(value, str):
            replaced = replacements.get(value)
            if replaced:
                value = replaced
            if namespaces and ":" in value and value.split(":", 1)[0] in namespaces:
                raise Unsupported("namespace prefix")
            return value
        return str(value)

    def value_part(name: str, value: Any) -> str:
        key = (name, value) if type(value) is str else (name, type(value), value)  # 1 and 1.0 are one dict key
        part = parts.get(key)
        if part is None:
            stripped = text(value).strip()
            part = parts[key] = f"{name}={_canonical(stripped)}" if stripped else ""
        return part

    out = ["eventType=", text(event["type"])]
    for name, _order in PROP_ORDER:
        if name not in event:
            continue
        value = event[name]
        if name == "eventTime":
            stripped = text(value).strip()
            if stripped != value or not ISO_TIME.match(stripped):
                raise Unsupported("eventTime")
            out.append("eventTime=" + _utc_millis(stripped))
        elif name in SCALAR_KEYS:
            out.append(value_part(name, value))
        elif name in EPC_LISTS:
            items = sorted(filter(None, (value_part("epc", epc) for epc in value)))
            if items:
                out.append(name + "".join(items))
        elif name in QUANTITY_LISTS:
            items = []
            for element in value:
                item = "".join(value_part(key, element[key]) for key in ("epcClass", "quantity", "uom")
                               if key in element)
                if item:
                    items.append("quantityElement" + item)
            items.sort()
            if items:
                out.append(name + "".join(items))
        elif name in ("readPoint", "bizLocation"):
            item = value_part("id", value["id"])
            if item:
                out.append(name + item)
        elif name == "persistentDisposition":
            item = "".join("".join(sorted(filter(None, (value_part(key, v) for v in value.get(key, ())))))
                           for key in ("set", "unset"))
            if item:
                out.append(name + item)
        # bizTransactionList / sourceList / destinationList are not matched by PROP_ORDER's pair entries in the
        # library: they come out among the "elements not in order" below.
    rest = []
    for name in PAIR_LISTS:
        if name in event:
            pairs = sorted("".join(value_part(key, v) if text(v).strip() else key for key, v in entry.items())
                           for entry in event[name])
            if pairs:
                rest.append(name + "".join(pairs))
    rest.sort()
    return "".join(out) + "".join(rest)
