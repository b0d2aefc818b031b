"""Builders of EPCIS 2.0 JSON documents for tests (shared by every trace test).

    doc = document(object_event(quantities=[(lot, 100, "KGM")], biz_step="receiving", location=shop,
                                source=farm_party, destination=shop_party))
    job = capture(object_event(...), aggregation_event(...), by=user)

Identifiers may be given as model objects (Party, Location, Product, Lot: their `.uri`), as a bare GLN (13
digits: a location /414/ or a party /417/ by the argument), or as any URI / URN. A quantity is a tuple
(identifier, quantity) or (identifier, quantity, uom); a bare identifier in a quantity list has no quantity.
`when` defaults to now (the pinned test clock), written in Shanghai time with its offset.
"""

from __future__ import annotations

import datetime
import json
import zoneinfo
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from qcity.trace.services.capture import epcis_capture

CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
HOST = "https://id.gs1.org"


def uri(value: Any, *, ai: str = "414") -> str:
    """A model's `.uri`, a bare 13-digit GLN as /<ai>/<gln>, a bare 14-digit GTIN as /01/<gtin>, else as given."""
    if hasattr(value, "uri"):
        return value.uri
    text = str(value)
    if text.isdigit() and len(text) == 13:
        return f"{HOST}/{ai}/{text}"
    if text.isdigit() and len(text) == 14:
        return f"{HOST}/01/{text}"
    return text


def time_fields(when: datetime.datetime | None) -> dict[str, str]:
    moment = (when or timezone.now()).astimezone(SHANGHAI)
    return {"eventTime": moment.isoformat(timespec="milliseconds"), "eventTimeZoneOffset": moment.strftime("%z")[:3]
            + ":" + moment.strftime("%z")[3:]}


def quantity_list(items: Iterable[Any]) -> list[dict[str, Any]]:
    elements = []
    for item in items:
        if isinstance(item, tuple):
            element = {"epcClass": uri(item[0], ai="01"), "quantity": item[1]}
            if len(item) > 2 and item[2]:
                element["uom"] = item[2]
        else:
            element = {"epcClass": uri(item, ai="01")}
        elements.append(element)
    return elements


def _common(event_type: str, *, when, location, read_point, biz_step, disposition, source, destination,
            biz_transaction, event_id, action=None, extra=None) -> dict[str, Any]:
    event: dict[str, Any] = {"type": event_type, **time_fields(when)}
    if event_id:
        event["eventID"] = event_id
    if action:
        event["action"] = action
    if biz_step:
        event["bizStep"] = biz_step
    if disposition:
        event["disposition"] = disposition
    if read_point is not None:
        event["readPoint"] = {"id": uri(read_point)}
    if location is not None:
        event["bizLocation"] = {"id": uri(location)}
    if biz_transaction:
        event["bizTransactionList"] = [{"type": "desadv", "bizTransaction": biz_transaction}]
    if source is not None:
        event["sourceList"] = [{"type": "owning_party", "source": uri(source, ai="417")}]
    if destination is not None:
        event["destinationList"] = [{"type": "owning_party", "destination": uri(destination, ai="417")}]
    event.update(extra or {})
    return event


def object_event(*, epcs: Iterable[Any] = (), quantities: Iterable[Any] = (), action: str = "OBSERVE",
                 biz_step: str | None = "receiving", disposition: str | None = None,
                 when: datetime.datetime | None = None, location: Any = None, read_point: Any = None,
                 source: Any = None, destination: Any = None, lot: Any = None, quantity: Any = None,
                 uom: str | None = None, biz_transaction: str | None = None, event_id: str | None = None,
                 **extra: Any) -> dict[str, Any]:
    """An ObjectEvent; `lot` (+ `quantity`, `uom`) is a shortcut for one quantity element."""
    event = _common("ObjectEvent", when=when, location=location, read_point=read_point, biz_step=biz_step,
                    disposition=disposition, source=source, destination=destination,
                    biz_transaction=biz_transaction, event_id=event_id, action=action, extra=extra)
    quantities = list(quantities)
    if lot is not None:
        quantities.append((lot, quantity, uom) if quantity is not None else lot)
    event["epcList"] = [uri(e, ai="01") for e in epcs]
    if quantities:
        event["quantityList"] = quantity_list(quantities)
    return event


def aggregation_event(*, parent: Any, children: Iterable[Any] = (), child_quantities: Iterable[Any] = (),
                      action: str = "ADD", biz_step: str | None = "packing", disposition: str | None = None,
                      when: datetime.datetime | None = None, location: Any = None, read_point: Any = None,
                      source: Any = None, destination: Any = None, biz_transaction: str | None = None,
                      event_id: str | None = None, **extra: Any) -> dict[str, Any]:
    """An AggregationEvent: `parent` (an SSCC URI …) holding `children` (EPCs) and `child_quantities`."""
    event = _common("AggregationEvent", when=when, location=location, read_point=read_point, biz_step=biz_step,
                    disposition=disposition, source=source, destination=destination,
                    biz_transaction=biz_transaction, event_id=event_id, action=action, extra=extra)
    event["parentID"] = uri(parent, ai="00")
    event["childEPCs"] = [uri(e, ai="01") for e in children]
    child_quantities = list(child_quantities)
    if child_quantities:
        event["childQuantityList"] = quantity_list(child_quantities)
    return event


def association_event(*, parent: Any, children: Iterable[Any] = (), child_quantities: Iterable[Any] = (),
                      action: str = "ADD", biz_step: str | None = "assembling", **kw: Any) -> dict[str, Any]:
    """An AssociationEvent (a sensor or a returnable asset with its contents), the shape of an aggregation."""
    event = aggregation_event(parent=parent, children=children, child_quantities=child_quantities,
                              action=action, biz_step=biz_step, **kw)
    event["type"] = "AssociationEvent"
    return event


def transaction_event(*, biz_transaction: str, epcs: Iterable[Any] = (), quantities: Iterable[Any] = (),
                      parent: Any = None, action: str = "ADD", biz_step: str | None = "shipping",
                      disposition: str | None = None, when: datetime.datetime | None = None, location: Any = None,
                      read_point: Any = None, source: Any = None, destination: Any = None,
                      event_id: str | None = None, **extra: Any) -> dict[str, Any]:
    """A TransactionEvent: the objects (`epcs`, `quantities`) tied to a business transaction (an invoice, a
    despatch advice)."""
    event = _common("TransactionEvent", when=when, location=location, read_point=read_point, biz_step=biz_step,
                    disposition=disposition, source=source, destination=destination,
                    biz_transaction=biz_transaction, event_id=event_id, action=action, extra=extra)
    if parent is not None:
        event["parentID"] = uri(parent, ai="00")
    event["epcList"] = [uri(e, ai="01") for e in epcs]
    quantities = list(quantities)
    if quantities:
        event["quantityList"] = quantity_list(quantities)
    return event


def transformation_event(*, inputs: Iterable[Any] = (), outputs: Iterable[Any] = (),
                         biz_step: str | None = "commissioning", disposition: str | None = None,
                         when: datetime.datetime | None = None, location: Any = None, read_point: Any = None,
                         source: Any = None, destination: Any = None, biz_transaction: str | None = None,
                         event_id: str | None = None, transformation_id: str | None = None,
                         **extra: Any) -> dict[str, Any]:
    """A TransformationEvent: `inputs` consumed, `outputs` produced. A string is an EPC (instance), a tuple
    (class, quantity[, uom]) a quantity element."""
    event = _common("TransformationEvent", when=when, location=location, read_point=read_point, biz_step=biz_step,
                    disposition=disposition, source=source, destination=destination,
                    biz_transaction=biz_transaction, event_id=event_id, extra=extra)
    for items, epc_key, quantity_key in ((inputs, "inputEPCList", "inputQuantityList"),
                                         (outputs, "outputEPCList", "outputQuantityList")):
        items = list(items)
        instances = [uri(i, ai="01") for i in items if not isinstance(i, tuple)]
        classes = [i for i in items if isinstance(i, tuple)]
        if instances:
            event[epc_key] = instances
        if classes:
            event[quantity_key] = quantity_list(classes)
    if transformation_id:
        event["transformationID"] = transformation_id
    return event


def document(*events: dict[str, Any], creation: datetime.datetime | None = None) -> dict[str, Any]:
    return {
        "@context": [CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": time_fields(creation)["eventTime"],
        "epcisBody": {"eventList": list(events)},
    }


def as_bytes(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def capture(*events: dict[str, Any], by, media_type: str = "application/json"):
    """Capture the events as one document through the service; returns the CaptureJob."""
    return epcis_capture(body=as_bytes(document(*events)), media_type=media_type, by=by)
