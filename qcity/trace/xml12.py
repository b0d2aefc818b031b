"""EPCIS 1.2 XML documents (the format most existing traceability systems still send), read into the EPCIS 2.0
JSON shape, so that one path validates, hashes and stores every document.

- The document is validated offline against GS1's EPCIS 1.2 XSD (vendored in `data/epcis-1.2-xsd/`); errors
  name the line. The parser never resolves entities, never loads a DTD nor anything from the network, and
  refuses a document with a DOCTYPE (entity expansion attacks).
- The conversion follows EPCIS 2.0 §9 (the 1.2 to 2.0 mapping): the `extension` / `baseExtension` wrappers
  are flattened, a QuantityEvent becomes an ObjectEvent with one quantity element, TransformationEvent comes
  out of its list extension, user extensions keep their namespace as a JSON-LD prefix.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from lxml import etree

from .epcis import CBV_URN, DocumentError, EpcisError

XSD_PATH = Path(__file__).parent / "data" / "epcis-1.2-xsd" / "EPCglobal-epcis-1_2.xsd"
EPCIS_NS = "urn:epcglobal:epcis:xsd:1"
CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
MAX_ERRORS = 20

EPC_LISTS = ("epcList", "childEPCs", "inputEPCList", "outputEPCList")
QUANTITY_LISTS = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")
TEXT_FIELDS = ("eventTime", "eventTimeZoneOffset", "eventID", "action", "bizStep", "disposition", "parentID",
               "transformationID", "certificationInfo")
PLACES = ("readPoint", "bizLocation")
CBV_FIELDS = ("bizStep", "disposition")
SKIPPED = ("recordTime",)  # set by the repository that captures, not by the sender


class ConvertedDocument(dict):
    """The 2.0 JSON document, remembering the XML line of each event so that errors found later (identifiers,
    scope) can still name the line."""

    event_lines: list[int]


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                           dtd_validation=False, remove_comments=True, remove_pis=True)


@cache
def _schema() -> etree.XMLSchema:
    """The 1.2 XSD; its imports (SBDH, EPCglobal.xsd) are files beside it, read locally."""
    return etree.XMLSchema(etree.parse(str(XSD_PATH), parser=_parser()))


def _line_error(line: int | None, message: str) -> EpcisError:
    return EpcisError(f"line {line or 0}", _("XML 第 %(line)s 行：%(message)s") % {"line": line or 0,
                                                                              "message": message})


def document_validate(body: bytes) -> etree._Element:
    """The root of a well-formed, XSD-valid EPCIS 1.2 document, or DocumentError naming the lines."""
    try:
        tree = etree.fromstring(body, parser=_parser()).getroottree()
    except etree.XMLSyntaxError as exc:
        raise DocumentError([_line_error(exc.lineno, exc.msg)]) from exc
    if tree.docinfo.doctype:
        raise DocumentError([_line_error(1, _("不接受含 DOCTYPE 的文档"))])
    root = tree.getroot()
    if root.tag != f"{{{EPCIS_NS}}}EPCISDocument":
        raise DocumentError([_line_error(root.sourceline, _("不是 EPCIS 1.2 文档（根元素应为 epcis:EPCISDocument）"))])
    schema = _schema()
    if not schema.validate(tree):
        raise DocumentError([_line_error(entry.line, entry.message) for entry in schema.error_log][:MAX_ERRORS])
    return root


def document_from_xml(body: bytes) -> ConvertedDocument:
    """An EPCIS 1.2 XML document as an EPCIS 2.0 JSON document, or DocumentError naming the lines."""
    root = document_validate(body)
    prefixes: dict[str, str] = {}
    events, lines = [], []
    event_list = root.find("EPCISBody/EventList")
    for element in _event_elements(event_list):
        events.append(_event(element, prefixes))
        lines.append(element.sourceline or 0)
    context: list[Any] = [CONTEXT]
    if prefixes:
        context.append({prefix: namespace for namespace, prefix in prefixes.items()})
    document = ConvertedDocument({
        "@context": context,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": root.get("creationDate", ""),
        "epcisBody": {"eventList": events},
    })
    document.event_lines = lines
    return document


def _event_elements(event_list: etree._Element | None):
    """The events in document order: the 1.2 types, and TransformationEvent inside the list's extension."""
    if event_list is None:
        return
    for child in event_list:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "extension":
            yield from (e for e in child if isinstance(e.tag, str) and e.tag == "TransformationEvent")
        else:
            yield child


def _children(element: etree._Element):
    """Child elements, the unqualified `extension` / `baseExtension` wrappers flattened."""
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag in ("extension", "baseExtension"):
            yield from _children(child)
        else:
            yield child


def _text(element: etree._Element) -> str:
    return (element.text or "").strip()


def _number(text: str) -> int | float | str:
    try:
        value = float(text)
    except ValueError:
        return text  # the 2.0 schema then names it
    return int(value) if value.is_integer() and "." not in text and "e" not in text.lower() else value


def _prefix(namespace: str, prefixes: dict[str, str], suggested: str | None) -> str:
    if namespace not in prefixes:
        taken = set(prefixes.values())
        prefix = suggested if suggested and suggested not in taken and suggested != "epcis" else f"ext{len(prefixes) + 1}"
        prefixes[namespace] = prefix
    return prefixes[namespace]


def _extension_value(element: etree._Element, prefixes: dict[str, str]) -> Any:
    children = [c for c in element if isinstance(c.tag, str)]
    if not children:
        return _text(element)
    value: dict[str, Any] = {}
    for child in children:
        key = _extension_key(child, prefixes)
        item = _extension_value(child, prefixes)
        if key in value:
            value[key] = (value[key] if isinstance(value[key], list) else [value[key]]) + [item]
        else:
            value[key] = item
    return value


def _extension_key(element: etree._Element, prefixes: dict[str, str]) -> str:
    qname = etree.QName(element)
    if not qname.namespace:
        return qname.localname
    return f"{_prefix(qname.namespace, prefixes, element.prefix)}:{qname.localname}"


def _event(element: etree._Element, prefixes: dict[str, str]) -> dict[str, Any]:
    event_type = element.tag
    event: dict[str, Any] = {"type": "ObjectEvent" if event_type == "QuantityEvent" else event_type}
    quantity_event: dict[str, Any] = {}
    for child in _children(element):
        name = child.tag
        if etree.QName(child).namespace:
            event[_extension_key(child, prefixes)] = _extension_value(child, prefixes)
        elif name in SKIPPED:
            continue
        elif name in CBV_FIELDS:
            event[name] = _cbv(_text(child))
        elif name in TEXT_FIELDS:
            event[name] = _text(child)
        elif name in EPC_LISTS:
            event[name] = [_text(epc) for epc in child if isinstance(epc.tag, str)]
        elif name in QUANTITY_LISTS:
            event[name] = [_quantity_element(q) for q in child if isinstance(q.tag, str)]
        elif name in PLACES:
            place = child.find("id")
            event[name] = {"id": _text(place) if place is not None else ""}
        elif name == "bizTransactionList":
            event[name] = [_typed(t, "bizTransaction") for t in child if isinstance(t.tag, str)]
        elif name in ("sourceList", "destinationList"):
            key = name.removesuffix("List")
            event[name] = [_typed(t, key) for t in child if isinstance(t.tag, str)]
        elif name == "ilmd":
            event[name] = {_extension_key(c, prefixes): _extension_value(c, prefixes)
                           for c in _children(child)}
        elif name == "errorDeclaration":
            event[name] = _error_declaration(child, prefixes)
        elif name in ("epcClass", "quantity") and event_type == "QuantityEvent":
            quantity_event[name] = _text(child)
        else:
            event[name] = _extension_value(child, prefixes)
    if event_type == "QuantityEvent":
        event["action"] = "OBSERVE"
        event["epcList"] = []
        event["quantityList"] = [{"epcClass": quantity_event.get("epcClass", ""),
                                  "quantity": _number(quantity_event.get("quantity", ""))}]
    return event


def _quantity_element(element: etree._Element) -> dict[str, Any]:
    quantity: dict[str, Any] = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "quantity":
            quantity["quantity"] = _number(_text(child))
        elif child.tag in ("epcClass", "uom"):
            quantity[child.tag] = _text(child)
    return quantity


def _typed(element: etree._Element, key: str) -> dict[str, str]:
    value = {key: _text(element)}
    if element.get("type"):
        value = {"type": _cbv(element.get("type")), **value}
    return value


def _error_declaration(element: etree._Element, prefixes: dict[str, str]) -> dict[str, Any]:
    declaration: dict[str, Any] = {}
    for child in _children(element):
        if etree.QName(child).namespace:
            declaration[_extension_key(child, prefixes)] = _extension_value(child, prefixes)
        elif child.tag == "correctiveEventIDs":
            declaration[child.tag] = [_text(e) for e in child if isinstance(e.tag, str)]
        elif child.tag == "reason":
            declaration[child.tag] = _cbv(_text(child))
        else:
            declaration[child.tag] = _text(child)
    return declaration


def _cbv(value: str) -> str:
    """1.2 writes CBV values as URNs; the 2.0 JSON form is the bare word (EPCIS 2.0 §9)."""
    match = CBV_URN.match(value)
    return match.group(1) if match else value
