"""EPCIS 2.0 documents: schema errors with their JSON path, the GS1 event hash, and the rows of each event.
No database: the module is pure."""

import copy
import datetime
import json
import pickle
from decimal import Decimal

import pytest

from qcity.trace import epcis
from qcity.trace.choices import EpcRole
from qcity.trace.epcis import DocumentError
from qcity.trace.tests.epcis_documents import (
    aggregation_event,
    association_event,
    document,
    object_event,
    transaction_event,
    transformation_event,
)

LOT = "https://id.gs1.org/01/06901234567892/10/L1"
LOT_URN = "urn:epc:class:lgtin:6901234.056789.L1"  # the same lot as a class URN
SHOP = "https://id.gs1.org/414/6901234567892/254/7"
FARM_PARTY = "https://id.gs1.org/417/6901234000016"
SSCC = "https://id.gs1.org/00/069012340000000018"
WHEN = datetime.datetime(2026, 6, 10, 8, 30, tzinfo=datetime.UTC)


def test_json_path_names_keys_and_indexes():
    assert epcis.json_path(["epcisBody", "eventList", 3, "eventTime"]) == "$.epcisBody.eventList[3].eventTime"
    assert epcis.json_path(["a b"]) == '$["a b"]'


@pytest.mark.parametrize(("value", "word"), [
    ("shipping", "shipping"),
    ("urn:epcglobal:cbv:bizstep:shipping", "shipping"),
    ("https://ref.gs1.org/cbv/BizStep-retail_selling", "retail_selling"),
    ("https://gs1.org/voc/Disp-in_transit", "in_transit"),
    ("https://qcity.example/steps/weighing", "https://qcity.example/steps/weighing"),
])
def test_cbv_values_are_reduced_to_their_word(value, word):
    assert epcis.cbv_word(value) == word


def test_a_valid_document_has_no_errors():
    doc = document(object_event(quantities=[(LOT, 5, "KGM")], location=SHOP, when=WHEN))

    assert epcis.document_validate(doc) == []


def test_schema_error_names_the_deepest_path():
    event = object_event(quantities=[(LOT, 5)], when=WHEN)
    event["quantityList"][0]["quantity"] = "five"

    errors = epcis.document_validate(document(object_event(epcs=[SSCC], when=WHEN), event))

    assert [e.path for e in errors] == ["$.epcisBody.eventList[1].quantityList[0].quantity"]


def test_unknown_event_type_is_named_before_the_schema_runs():
    event = object_event(epcs=[SSCC], when=WHEN)
    event["type"] = "QuantityEvent"

    errors = epcis.document_validate(document(event))

    assert [e.path for e in errors] == ["$.epcisBody.eventList[0].type"]


@pytest.mark.parametrize("doc", [[], {"type": "EPCISQueryDocument"}, {"type": "EPCISDocument"},
                                 {"type": "EPCISDocument", "epcisBody": {}}])
def test_not_an_epcis_document(doc):
    with pytest.raises(DocumentError):
        epcis.document_validate(doc)


def test_hash_is_the_same_for_a_urn_and_a_digital_link_of_one_lot():
    by_link = document(object_event(quantities=[(LOT, 5, "KGM")], when=WHEN))
    by_urn = document(object_event(quantities=[(LOT_URN, 5, "KGM")], when=WHEN))

    assert epcis.event_hashes(by_link) == epcis.event_hashes(by_urn)


def test_hash_differs_with_the_event_time_and_leaves_the_document_alone():
    doc = document(object_event(quantities=[(LOT, 5)], when=WHEN),
                   object_event(quantities=[(LOT, 5)], when=WHEN + datetime.timedelta(seconds=1)))
    before = copy.deepcopy(doc)

    first, second = epcis.event_hashes(doc)

    assert first != second and len(first) == 64
    assert doc == before


def test_a_hash_given_as_event_id_is_used():
    given = "ni:///sha-256;" + "ab" * 32 + "?ver=CBV2.0"
    doc = document(object_event(quantities=[(LOT, 5)], when=WHEN, event_id=given))

    assert epcis.event_hashes(doc) == ["ab" * 32]


def test_object_event_rows():
    event = object_event(epcs=["urn:epc:id:sgtin:6901234.056789.1001"], quantities=[(LOT_URN, "12.5", "KGM")],
                         action="ADD", biz_step="urn:epcglobal:cbv:bizstep:commissioning", location=SHOP,
                         read_point=SHOP, source=FARM_PARTY, destination="6901234567892",
                         biz_transaction="urn:epcglobal:cbv:bt:6901234567892:PO1", when=WHEN)
    event["quantityList"][0]["quantity"] = 12.5

    (parsed,) = epcis.document_parse(document(event))

    row = parsed.row
    assert row["event_type"] == "ObjectEvent" and row["action"] == "ADD" and row["biz_step"] == "commissioning"
    assert row["biz_location"] == SHOP and row["read_point"] == SHOP
    assert row["source_party"] == FARM_PARTY and row["destination_party"] == "https://id.gs1.org/417/6901234567892"
    assert row["biz_transaction"] == "urn:epcglobal:cbv:bt:6901234567892:PO1"
    assert row["event_time"] == WHEN and row["event_time_zone_offset"] == "+08:00"
    assert parsed.event is event and json.loads(parsed.text()) == event
    assert {(e["epc"], e["role"], e["quantity"], e["uom"]) for e in parsed.epcs} == {
        ("https://id.gs1.org/01/06901234567892/21/1001", EpcRole.EPC, None, ""),
        (LOT, EpcRole.EPC, Decimal("12.500"), "KGM"),
    }


def test_a_parsed_event_pickled_back_from_the_helper_process_is_the_same_event():
    # given a parsed event with a quantity (a Decimal) and an event time (a datetime with its offset)
    event = object_event(action="ADD", biz_step="commissioning", epcs=["https://id.gs1.org/01/06901234567892/21/1001"],
                         lot=LOT, quantity=12.5, uom="KGM", read_point=SHOP, when=WHEN)
    (parsed,) = epcis.document_parse(document(event))
    # when it is pickled and unpickled (as the demo's helper process sends it)
    again = pickle.loads(pickle.dumps(parsed))
    # then it has the same rows, hash, time and JSON text, and its event is decoded from that text when read
    assert (again.path, again.event_hash, again.event_time, again.row, again.epcs) == (
        parsed.path, parsed.event_hash, parsed.event_time, parsed.row, parsed.epcs)
    assert again.text() == parsed.text() and "event" not in vars(again)
    assert again.event == event
    with pytest.raises(AttributeError):
        again.no_such_field  # noqa: B018


@pytest.mark.parametrize(("event", "roles"), [
    (aggregation_event(parent=SSCC, children=["urn:epc:id:sgtin:6901234.056789.1"], child_quantities=[(LOT, 3)],
                       when=WHEN), {EpcRole.PARENT, EpcRole.CHILD}),
    (association_event(parent=SSCC, children=["urn:epc:id:sgtin:6901234.056789.1"], when=WHEN),
     {EpcRole.PARENT, EpcRole.CHILD}),
    (transaction_event(biz_transaction="urn:epcglobal:cbv:bt:6901234567892:1", parent=SSCC,
                       quantities=[(LOT, 1)], when=WHEN), {EpcRole.PARENT, EpcRole.EPC}),
    (transformation_event(inputs=[(LOT, 10, "KGM"), "urn:epc:id:sgtin:6901234.056789.9"],
                          outputs=[("https://id.gs1.org/01/06901234567892/10/L2", 8, "KGM")], when=WHEN),
     {EpcRole.INPUT, EpcRole.OUTPUT}),
])
def test_roles_of_each_event_type(event, roles):
    (parsed,) = epcis.document_parse(document(event))

    assert {e["role"] for e in parsed.epcs} == roles


def test_transformation_has_no_action():
    (parsed,) = epcis.document_parse(document(transformation_event(inputs=[(LOT, 1)], outputs=[(LOT, 1)],
                                                                        when=WHEN)))

    assert parsed.row["action"] == ""


@pytest.mark.parametrize(("field", "value", "path"), [
    ("quantities", [("https://id.gs1.org/01/06901234567891/10/L1", 1)], "quantityList[0].epcClass"),
    ("location", "https://id.gs1.org/414/6901234567891", "bizLocation.id"),
    ("source", "https://id.gs1.org/417/6901234000019", "sourceList[0].source"),
])
def test_wrong_check_digits_are_named_by_their_path(field, value, path):
    kwargs = {"quantities": [(LOT, 1)], field: value}

    with pytest.raises(DocumentError) as refused:
        epcis.document_parse(document(object_event(epcs=[SSCC], when=WHEN),
                                      object_event(when=WHEN, **kwargs)))

    assert refused.value.errors[0].path == f"$.epcisBody.eventList[1].{path}"
    assert "6901234" in refused.value.errors[0].message


def test_events_keep_document_order_whatever_their_times():
    doc = document(object_event(quantities=[(LOT, 1)], when=WHEN),
                   object_event(quantities=[(LOT, 1)], when=WHEN - datetime.timedelta(days=3)))

    parsed = epcis.document_parse(doc)

    assert [p.path for p in parsed] == ["$.epcisBody.eventList[0]", "$.epcisBody.eventList[1]"]


def test_a_single_event_becomes_a_document():
    doc = epcis.document_from_event(object_event(quantities=[(LOT, 1)], when=WHEN))

    assert epcis.document_validate(doc) == []
