"""The fast GS1 event hash equals GS1's reference library on its published test vectors, on every document the
shared builders can produce (a property test), and falls back to the library for what it does not model.
No database: the module is pure."""

import copy
import datetime
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qcity.trace import event_hash
from qcity.trace.tests.epcis_documents import (
    aggregation_event,
    association_event,
    document,
    object_event,
    transaction_event,
    transformation_event,
)

DATA = Path(__file__).parent / "data" / "event_hash"  # from RalphTro/epcis-event-hash-generator, see SOURCE.md
EXAMPLES = sorted(path.stem for path in DATA.glob("*.jsonld"))
WHEN = datetime.datetime(2026, 6, 10, 8, 30, 15, 123456, tzinfo=datetime.UTC)
LOT = "https://id.gs1.org/01/06901234567892/10/L1"


def _example(name: str) -> tuple[dict, list[str]]:
    doc = json.loads((DATA / f"{name}.jsonld").read_text(encoding="utf-8"))
    expected = [line.split(";", 1)[1].split("?", 1)[0]
                for line in (DATA / f"{name}.hashes").read_text(encoding="utf-8").splitlines() if line.strip()]
    return doc, expected


def _same_as_library(doc: dict) -> bool:
    """True when the fast path took the document (and then asserts it equals the library); False on fallback."""
    before = copy.deepcopy(doc)
    library = event_hash.library_hashes(doc)
    try:
        fast = event_hash.fast_hashes(doc)
    except event_hash.Unsupported:
        assert event_hash.document_hashes(doc) == library
        return False
    assert fast == library
    assert event_hash.document_hashes(doc) == library
    assert doc == before  # the document is not changed
    return True


@pytest.mark.parametrize("name", EXAMPLES)
def test_published_vectors_are_reproduced(name):
    # given a GS1 example document and its published hashes
    doc, expected = _example(name)
    # when it is hashed (fast path or fallback) then the hashes are the published ones
    assert event_hash.document_hashes(doc) == expected
    assert event_hash.library_hashes(doc) == expected


@pytest.mark.parametrize("name", EXAMPLES)
def test_published_vectors_without_extensions_take_the_fast_path(name):
    # given a GS1 example reduced to what the fast path models: the standard context, no user extensions,
    # no ilmd / sensor / certification / error declaration
    doc, _expected = _example(name)
    doc = {"@context": "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
           "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": doc.get("creationDate", ""),
           "epcisBody": {"eventList": [
               {key: value for key, value in event.items() if key in event_hash.EVENT_KEYS}
               for event in doc["epcisBody"].get("eventList", [])]}}
    # when it is hashed then the fast path equals the library
    assert _same_as_library(doc)


def test_builder_documents_take_the_fast_path():
    # given one document with every kind of event the builders make
    doc = document(
        object_event(epcs=[LOT + "/21/1"], quantities=[(LOT, 12.5, "KGM"), ("urn:epc:class:lgtin:6901234.056789.L2", 3)],
                     biz_step="receiving", disposition="in_progress", when=WHEN, location="6901234567892",
                     read_point="urn:epc:id:sgln:6901234.56789.0", source="6901234000016",
                     destination="6901234000016", biz_transaction="urn:epcglobal:cbv:bt:6901234000016:42"),
        aggregation_event(parent="urn:epc:id:sscc:6901234.0000000001", children=[LOT + "/21/2"],
                          child_quantities=[(LOT, 2)], when=WHEN),
        association_event(parent="https://id.gs1.org/8004/6901234ABC", children=[LOT + "/21/3"], when=WHEN),
        transaction_event(biz_transaction="urn:x:po:1", epcs=[LOT + "/21/4"], parent="urn:epc:id:sscc:6901234.0000000001",
                          when=WHEN, biz_step="urn:epcglobal:cbv:bizstep:shipping", disposition="in_transit"),
        transformation_event(inputs=[(LOT, 100, "KGM"), LOT + "/21/5"], outputs=[("6901234567892", 40)],
                             when=WHEN, transformation_id="urn:x:t:1",
                             persistentDisposition={"set": ["completeness_verified"], "unset": ["needs_replacement"]}),
    )
    # when it is hashed then the fast path took it and equals the library
    assert _same_as_library(doc)


def test_documents_outside_the_fast_path_fall_back_to_the_library():
    # given documents with user extensions, ilmd, sensor data, a namespace context, an error declaration
    ilmd = object_event(epcs=[LOT + "/21/1"], action="ADD", biz_step="commissioning", when=WHEN,
                        ilmd={"cbvmda:lotNumber": "L1", "cbvmda:bestBeforeDate": "2026-09-01"})
    sensors = object_event(epcs=[LOT + "/21/1"], when=WHEN, sensorElementList=[{
        "sensorMetadata": {"time": "2026-06-10T08:30:00+08:00", "deviceID": "urn:x:dev:1"},
        "sensorReport": [{"type": "Temperature", "value": 4.5, "uom": "CEL"}]}])
    extended = object_event(epcs=[LOT + "/21/1"], when=WHEN, **{"example:field": "x"})
    error = object_event(epcs=[LOT + "/21/1"], when=WHEN, errorDeclaration={
        "declarationTime": "2026-06-11T08:30:00Z", "reason": "incorrect_data"})
    namespaced = document(extended)
    namespaced["@context"] = [namespaced["@context"][0], {"example": "https://ns.example.com/epcis/"}]
    for doc in (document(ilmd), document(sensors), document(error), namespaced):
        # when it is hashed then the fast path declines and the result is the library's
        with pytest.raises(event_hash.Unsupported):
            event_hash.fast_hashes(doc)
        assert not _same_as_library(doc)


def test_a_value_the_library_cannot_read_falls_back_and_the_event_is_skipped_as_it_does():
    # given an event with a unit "Infinity" (the library's number normalisation overflows on it)
    doc = document(object_event(quantities=[(LOT, 1, "Infinity")], when=WHEN), object_event(epcs=[LOT], when=WHEN))
    # when it is hashed then the fast path declines and the result is the library's: that event has no hash
    with pytest.raises(event_hash.Unsupported):
        event_hash.fast_hashes(doc)
    assert len(event_hash.document_hashes(doc)) == 1


def test_a_time_rounding_up_to_the_next_second_falls_back():
    # given an event time whose microseconds round up to a whole second (the library fails on it)
    doc = document(object_event(epcs=[LOT + "/21/1"], when=WHEN, eventTime="2026-06-10T08:30:15.9996+08:00"))
    # when it is hashed then the fast path declines
    with pytest.raises(event_hash.Unsupported):
        event_hash.fast_hashes(doc)


# --- property test over the builders ---------------------------------------------------------------------------

CBV_WORDS = ["receiving", "shipping", "commissioning", "packing", "transforming", "retail_selling", "departing",
             "in_progress", "in_transit", "active", "sold", "owning_party", "possessing_party", "desadv", "po"]
identifiers = st.sampled_from([
    LOT, LOT + "/21/7", "https://id.gs1.org/01/06901234567892/21/A%2FB", "https://example.com/01/06901234567892/10/X",
    "urn:epc:id:sgtin:6901234.056789.77", "urn:epc:class:lgtin:6901234.056789.L1", "urn:epc:idpat:sgtin:6901234.056789.*",
    "urn:epc:id:sscc:6901234.0000000001", "https://id.gs1.org/00/069012340000000018", "6901234567892",
    "06901234567892", "urn:qcity:asset:1", "urn:epc:id:sgln:6901234.56789.0", "https://id.gs1.org/414/6901234567892",
    "https://id.gs1.org/417/6901234000016", "receiving", "12", " padded ", "gs1:x", "1e3", "+0012.50",
]) | st.text(alphabet="abcXYZ019:/-._ ", min_size=1, max_size=12)
vocabulary = st.sampled_from(CBV_WORDS) | st.builds(
    lambda prefix, word: prefix + word, st.sampled_from([
        "urn:epcglobal:cbv:bizstep:", "urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/BizStep-",
        "https://ref.gs1.org/cbv/Disp-", "https://qcity.example/voc/", "urn:epcglobal:cbv:btt:", "cbv:BizStep-",
        "gs1:Disp-", "https://gs1.org/voc/BTT-", ""]),
    st.sampled_from(CBV_WORDS)) | st.text(alphabet="abz_", min_size=1, max_size=6)
amounts = st.integers(min_value=-10**6, max_value=10**6) | st.floats(
    min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False) | st.sampled_from([0, 1.0, 12.50, 1e-7])
quantities = st.lists(identifiers | st.tuples(identifiers, amounts) | st.tuples(
    identifiers, amounts, st.sampled_from(["KGM", "LTR", "EA", "", "1", "kg"])), max_size=3)
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: datetime.timezone(datetime.timedelta(minutes=m)))
times = st.builds(lambda moment, tz, spec: moment.replace(tzinfo=datetime.UTC).astimezone(tz).isoformat(timespec=spec),
                  st.datetimes(min_value=datetime.datetime(2000, 1, 1), max_value=datetime.datetime(2040, 1, 1))
                  .filter(lambda m: m.microsecond < 999_500),  # rounding up to the next second: its own test
                  offsets, st.sampled_from(["seconds", "milliseconds", "microseconds"]))
optional = st.none() | identifiers


@st.composite
def events(draw):
    kind = draw(st.sampled_from(["object", "aggregation", "association", "transaction", "transformation"]))
    common = {
        "biz_step": draw(st.none() | vocabulary), "disposition": draw(st.none() | vocabulary),
        "when": WHEN, "location": draw(optional), "read_point": draw(optional), "source": draw(optional),
        "destination": draw(optional), "event_id": draw(st.none() | st.just("urn:uuid:1") | st.just(
            "ni:///sha-256;" + "0" * 64 + "?ver=CBV2.0")),
        "eventTime": draw(times), "eventTimeZoneOffset": draw(st.sampled_from(["+08:00", "-05:30", "+00:00"])),
    }
    if draw(st.booleans()):
        common["sourceList"] = [{"type": draw(vocabulary), "source": draw(identifiers)}
                                for _ in range(draw(st.integers(0, 2)))]
    if draw(st.booleans()):
        common["bizTransactionList"] = [{"type": draw(vocabulary), "bizTransaction": draw(identifiers)}
                                        for _ in range(draw(st.integers(0, 2)))]
    if kind == "object":
        return object_event(epcs=draw(st.lists(identifiers, max_size=3)), quantities=draw(quantities),
                            action=draw(st.sampled_from(["ADD", "OBSERVE", "DELETE"])),
                            biz_transaction=draw(st.none() | identifiers), **common)
    if kind in ("aggregation", "association"):
        build = aggregation_event if kind == "aggregation" else association_event
        return build(parent=draw(identifiers), children=draw(st.lists(identifiers, max_size=3)),
                     child_quantities=draw(quantities), action=draw(st.sampled_from(["ADD", "OBSERVE", "DELETE"])),
                     **common)
    if kind == "transaction":
        return transaction_event(biz_transaction=draw(identifiers), epcs=draw(st.lists(identifiers, max_size=3)),
                                 quantities=draw(quantities), parent=draw(optional), **common)
    return transformation_event(inputs=draw(quantities), outputs=draw(quantities),
                                transformation_id=draw(st.none() | identifiers), **common)


@given(st.lists(events(), min_size=1, max_size=4))
def test_builder_documents_hash_as_the_library_does(event_list):
    # given any document the builders can make when it is hashed then the fast path equals the library (it may
    # decline "gs1:…" values once the library has learnt the gs1 namespace from another document's @context)
    doc = document(*event_list, creation=WHEN)
    assert _same_as_library(doc) or "gs1:" in json.dumps(doc)
