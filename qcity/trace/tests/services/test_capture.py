"""Capture of EPCIS documents: whole or nothing, duplicates skipped, the submitter's scope enforced."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied

from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.trace.choices import CaptureJobStatus, EpcRole
from qcity.trace.models import CaptureJob, Event, EventEpc, Lot
from qcity.trace.services.capture import CaptureError, document_load, epcis_capture
from qcity.trace.tests.epcis_documents import (
    aggregation_event,
    as_bytes,
    association_event,
    capture,
    document,
    object_event,
    transaction_event,
    transformation_event,
)
from qcity.trace.tests.factories import LocationFactory, LotFactory, PartyFactory, ProductFactory

pytestmark = pytest.mark.django_db

SSCC = "https://id.gs1.org/00/069012340000000018"


@pytest.fixture
def officer(make_user):
    return make_user(Role.INSPECTOR)


@pytest.fixture
def supplier(make_user, district):
    """A supplier's service account: an enterprise user of an enterprise with a trace party and a location."""
    enterprise = EnterpriseFactory(org_unit=district)
    party = PartyFactory(enterprise=enterprise)
    user = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=enterprise)
    user.location = LocationFactory(party=party)
    return user


def test_captures_each_of_the_five_event_types_with_its_trace_index(officer):
    # given a farm, a plant, a lot of raw milk and one of each event type
    farm, plant = LocationFactory(), LocationFactory()
    milk, yoghurt = LotFactory(), LotFactory()
    events = [
        object_event(lot=milk, quantity=500, uom="KGM", action="ADD", biz_step="commissioning", location=farm),
        transformation_event(inputs=[(milk, 500, "KGM")], outputs=[(yoghurt, 480, "KGM")], location=plant),
        aggregation_event(parent=SSCC, child_quantities=[(yoghurt, 480, "KGM")], location=plant),
        transaction_event(biz_transaction="urn:epcglobal:cbv:bt:0614141000005:1152", parent=SSCC,
                          location=plant, source=plant.party, destination=farm.party),
        association_event(parent="urn:epc:id:giai:0614141.12345", children=[SSCC], location=plant),
    ]

    # when an officer captures them
    job = capture(*events, by=officer)

    # then every event is stored with its identifiers, canonical, in their roles
    assert job.status == CaptureJobStatus.SUCCESS
    assert (job.event_count, job.captured_count, job.duplicate_count) == (5, 5, 0)
    assert Event.objects.count() == 5
    transformation = Event.objects.get(event_type="TransformationEvent")
    rows = {(r.epc, r.role, r.quantity) for r in EventEpc.objects.filter(event_id=transformation.pk)}
    assert rows == {(milk.uri, EpcRole.INPUT, 500), (yoghurt.uri, EpcRole.OUTPUT, 480)}
    shipping = Event.objects.get(event_type="TransactionEvent")
    assert shipping.biz_step == "shipping"
    assert shipping.source_party == plant.party.uri and shipping.destination_party == farm.party.uri
    assert shipping.biz_transaction == "urn:epcglobal:cbv:bt:0614141000005:1152"
    assert EventEpc.objects.get(event_id=shipping.pk).role == EpcRole.PARENT
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT, object_id=str(job.pk)).count() == 1


def test_resending_the_same_document_stores_no_duplicate(officer):
    # given a document already captured
    doc = document(object_event(lot=LotFactory(), quantity=10, location=LocationFactory()))
    epcis_capture(body=as_bytes(doc), media_type="application/json", by=officer)

    # when it is sent again
    job = epcis_capture(body=as_bytes(doc), media_type="application/json", by=officer)

    # then nothing new is stored and the event is counted as a duplicate
    assert (job.captured_count, job.duplicate_count) == (0, 1)
    assert Event.objects.count() == 1


def test_a_document_with_stored_and_new_events_stores_only_the_new_ones(officer):
    # given one event already captured
    location, when = LocationFactory(), datetime.datetime(2026, 6, 10, 8, tzinfo=datetime.UTC)
    stored = object_event(lot=LotFactory(), quantity=10, location=location, when=when)
    capture(stored, by=officer)
    new = [object_event(lot=LotFactory(), quantity=n, location=location, when=when) for n in (1, 2)]

    # when a document holds it between two new ones
    job = capture(new[0], stored, new[1], by=officer)

    # then the new ones are stored, each once, with their trace index, and the stored one is a duplicate
    assert (job.event_count, job.captured_count, job.duplicate_count) == (3, 2, 1)
    assert Event.objects.count() == 3
    assert EventEpc.objects.count() == 3
    assert Event.objects.filter(capture_job=job).count() == 2
    rows = EventEpc.objects.filter(event_id__in=Event.objects.filter(capture_job=job).values("id"))
    assert {(r.quantity, r.biz_location, r.event_time, r.biz_step) for r in rows} == {
        (1, location.uri, when, "receiving"), (2, location.uri, when, "receiving")}


def test_an_event_twice_in_a_document_is_stored_once(officer):
    event = object_event(lot=LotFactory(), quantity=10, location=LocationFactory())

    job = capture(event, dict(event), by=officer)

    assert (job.event_count, job.captured_count, job.duplicate_count) == (2, 1, 1)


def test_events_out_of_time_order_are_captured(officer):
    # given a receipt earlier in the document than the shipping it follows
    lot, when = LotFactory(), datetime.datetime(2026, 6, 10, 8, tzinfo=datetime.UTC)
    later = object_event(lot=lot, quantity=1, biz_step="receiving", when=when + datetime.timedelta(hours=5))
    earlier = object_event(lot=lot, quantity=1, biz_step="shipping", when=when)

    job = capture(later, earlier, by=officer)

    assert job.captured_count == 2
    assert list(Event.objects.values_list("biz_step", flat=True)) == ["shipping", "receiving"]


def test_a_document_with_one_bad_event_stores_nothing(officer):
    # given a good event and one whose GTIN has a wrong check digit
    good = object_event(lot=LotFactory(), quantity=1, location=LocationFactory())
    bad = object_event(quantities=[("https://id.gs1.org/01/06901234567891/10/L1", 1)])

    # when the document is captured
    with pytest.raises(CaptureError) as refused:
        capture(good, bad, by=officer)

    # then it is refused naming the identifier's path, and nothing is stored
    assert refused.value.path == "$.epcisBody.eventList[1].quantityList[0].epcClass"
    assert Event.objects.count() == 0 and CaptureJob.objects.count() == 0


@pytest.mark.parametrize(("body", "media_type", "words"), [
    (b"", "application/json", "为空"),
    (b"{\"type\": ", "application/json", "第 1 行"),
    ("{\"type\": \"EPCISDocument\"}".encode("utf-16"), "application/json", "UTF-8"),
    (b"[1, 2]", "application/ld+json", "EPCISDocument"),
    (b"{}", "text/csv", "不支持"),
])
def test_unreadable_bodies_are_refused(officer, body, media_type, words):
    with pytest.raises(CaptureError) as refused:
        epcis_capture(body=body, media_type=media_type, by=officer)

    assert words in refused.value.message


def test_schema_violation_is_named_by_its_path(officer):
    # given an event whose time is not a date-time
    event = object_event(lot=LotFactory(), quantity=1)
    event["eventTime"] = "yesterday"

    with pytest.raises(CaptureError) as refused:
        capture(object_event(lot=LotFactory(), quantity=1), event, by=officer)

    assert refused.value.path == "$.epcisBody.eventList[1].eventTime"


def test_unknown_event_type_is_refused_with_its_path(officer):
    event = object_event(lot=LotFactory(), quantity=1)
    event["type"] = "TeleportEvent"

    with pytest.raises(CaptureError) as refused:
        capture(event, by=officer)

    assert refused.value.path == "$.epcisBody.eventList[0].type"


def test_enterprise_account_captures_at_its_own_locations(supplier):
    job = capture(object_event(lot=LotFactory(), quantity=3, location=supplier.location), by=supplier)

    assert job.status == CaptureJobStatus.SUCCESS
    assert Event.objects.get().enterprise == supplier.enterprise


def test_enterprise_account_is_refused_at_a_foreign_location(supplier):
    # given an event at another enterprise's shop
    foreign = LocationFactory()
    own = object_event(lot=LotFactory(), quantity=3, location=supplier.location)
    other = object_event(lot=LotFactory(), quantity=3, location=foreign)

    # when the supplier captures it
    with pytest.raises(PermissionDenied) as refused:
        capture(own, other, by=supplier)

    # then the refusal names the event and the location, is audited, and nothing is stored
    assert "eventList[1]" in str(refused.value) and foreign.uri in str(refused.value)
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=supplier).exists()
    assert Event.objects.count() == 0


def test_read_point_counts_when_there_is_no_business_location(supplier):
    job = capture(object_event(lot=LotFactory(), quantity=3, read_point=supplier.location), by=supplier)

    assert job.captured_count == 1


def test_big_document_is_captured_by_the_background_job(officer, settings, django_capture_on_commit_callbacks):
    # given a limit of two events inline and a document of three
    settings.TRACE_CAPTURE_INLINE_EVENTS = 2
    location = LocationFactory()
    events = [object_event(lot=LotFactory(), quantity=n + 1, location=location) for n in range(3)]

    # when it is captured (the job runs eagerly when the transaction commits)
    with django_capture_on_commit_callbacks(execute=True):
        job = capture(*events, by=officer)

    # then the job ran and stored the events
    job.refresh_from_db()
    assert job.status == CaptureJobStatus.SUCCESS
    assert (job.event_count, job.captured_count) == (3, 3)
    assert not job.document
    assert Event.objects.filter(capture_job=job).count() == 3
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT, object_id=str(job.pk)).count() == 1


def test_big_document_with_an_error_fails_its_job(officer, settings, django_capture_on_commit_callbacks):
    settings.TRACE_CAPTURE_INLINE_EVENTS = 1
    bad = object_event(quantities=[("https://id.gs1.org/01/06901234567891/10/L1", 1)])

    with django_capture_on_commit_callbacks(execute=True):
        job = capture(object_event(lot=LotFactory(), quantity=1), bad, by=officer)

    job.refresh_from_db()
    assert job.status == CaptureJobStatus.FAILED
    assert job.errors[0]["path"] == "$.epcisBody.eventList[1].quantityList[0].epcClass"
    assert Event.objects.count() == 0


XML_DOCUMENT = """<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1" schemaVersion="1.2"
    creationDate="2026-06-10T08:00:00Z">
  <EPCISBody>
    <EventList>
      <ObjectEvent>
        <eventTime>2026-06-10T08:00:00Z</eventTime>
        <eventTimeZoneOffset>+08:00</eventTimeZoneOffset>
        <epcList/>
        <action>OBSERVE</action>
        <bizStep>urn:epcglobal:cbv:bizstep:receiving</bizStep>
        <bizLocation><id>{location}</id></bizLocation>
        <extension>
          <quantityList>
            <quantityElement><epcClass>{lot}</epcClass><quantity>40</quantity><uom>KGM</uom></quantityElement>
          </quantityList>
        </extension>
      </ObjectEvent>
    </EventList>
  </EPCISBody>
</epcis:EPCISDocument>
"""


def test_an_epcis_1_2_xml_document_is_captured(supplier):
    # given a 1.2 XML document of a receipt at the supplier's own warehouse
    lot = LotFactory()
    body = XML_DOCUMENT.format(location=supplier.location.uri, lot=lot.uri).encode()

    # when it is captured, and then sent again
    job = epcis_capture(body=body, media_type="application/xml", by=supplier)
    again = epcis_capture(body=body, media_type="application/xml; charset=utf-8", by=supplier)

    # then its event is stored once, in the 2.0 shape
    event = Event.objects.get()
    assert job.captured_count == 1 and again.duplicate_count == 1
    assert event.biz_step == "receiving" and event.biz_location == supplier.location.uri
    assert EventEpc.objects.get().quantity == 40


def test_xml_with_a_wrong_check_digit_names_the_line_of_its_event(officer):
    body = XML_DOCUMENT.format(location="https://id.gs1.org/414/6901234567891", lot=LotFactory().uri).encode()

    with pytest.raises(CaptureError) as refused:
        epcis_capture(body=body, media_type="text/xml", by=officer)

    assert refused.value.path == "$.epcisBody.eventList[0].bizLocation.id"
    assert "第 6 行" in refused.value.message


def test_xml_that_breaks_the_xsd_is_refused_with_its_line(officer):
    body = XML_DOCUMENT.format(location="https://id.gs1.org/414/6901234567892", lot=LotFactory().uri)
    body = body.replace("<action>OBSERVE</action>", "").encode()

    with pytest.raises(CaptureError) as refused:
        epcis_capture(body=body, media_type="application/xml", by=officer)

    assert refused.value.path.startswith("line ")


def test_a_big_document_resent_while_its_job_runs_gets_that_job(officer, settings):
    # given a big document queued (its job not run: no commit in this test)
    settings.TRACE_CAPTURE_INLINE_EVENTS = 1
    body = as_bytes(document(*[object_event(lot=LotFactory(), quantity=n + 1) for n in range(2)]))
    first = epcis_capture(body=body, media_type="application/json", by=officer)

    # when the client sends it again
    again = epcis_capture(body=body, media_type="application/json", by=officer)

    # then it is answered with the running job
    assert first.status == CaptureJobStatus.RUNNING and again.pk == first.pk


@pytest.mark.parametrize(("body", "words"), [
    (b'{"type": "EPCISDocument", "x": NaN}', "NaN"),
    (b"[" * 5000 + b"]" * 5000, "嵌套"),
])
def test_json_python_accepts_but_json_does_not_is_refused(officer, body, words):
    with pytest.raises(CaptureError) as refused:
        epcis_capture(body=body, media_type="application/json", by=officer)

    assert words in refused.value.message


def test_a_nul_character_is_refused_with_its_path(officer):
    event = object_event(lot=LotFactory(), quantity=1)
    event["bizTransactionList"] = [{"type": "po", "bizTransaction": "urn:x:po:1\u0000"}]

    with pytest.raises(CaptureError) as refused:
        capture(event, by=officer)

    assert refused.value.path == "$.epcisBody.eventList[0].bizTransactionList[0].bizTransaction"


def test_a_lone_surrogate_is_refused_with_its_path_and_a_pair_is_text(officer):
    # given an event whose business transaction holds half of a surrogate pair, escaped as JSON allows
    event = object_event(lot=LotFactory(), quantity=1)
    event["bizTransactionList"] = [{"type": "po", "bizTransaction": "urn:x:po:\ud800"}]

    # when it is captured, then it is refused naming the value (the database cannot store it)
    with pytest.raises(CaptureError) as refused:
        epcis_capture(body=json.dumps(document(event)).encode(), media_type="application/json", by=officer)
    assert refused.value.path == "$.epcisBody.eventList[0].bizTransactionList[0].bizTransaction"
    assert "\\ud800" in refused.value.message

    # and an escaped pair (an emoji) is an ordinary character
    loaded = document_load(json.dumps({"type": "EPCISDocument", "note": "\U0001F600"}).encode(), "application/json")
    assert loaded["note"] == "\U0001F600"


def test_an_integer_beyond_64_bits_in_a_user_extension_is_kept_as_sent(officer):
    # given an event with a user extension holding a 30-digit integer (JSON has no limit; orjson has)
    doc = document(object_event(lot=LotFactory(), quantity=1))
    doc["@context"] = [*doc["@context"], {"ex": "https://example.com/ns/"}]
    doc["epcisBody"]["eventList"][0]["ex:serialCount"] = 123456789012345678901234567890

    job = epcis_capture(body=json.dumps(doc).encode(), media_type="application/json", by=officer)

    assert job.captured_count == 1
    assert Event.objects.get().document["ex:serialCount"] == 123456789012345678901234567890


def test_a_lot_of_a_registered_product_named_by_an_event_becomes_a_lot(officer):
    # given a registered product and a GTIN nobody registered
    product = ProductFactory()
    unregistered = "https://id.gs1.org/01/06920000000012/10/X1"

    # when events name a new lot of each, twice
    for _ in range(2):
        capture(object_event(quantities=[(f"{product.uri}/10/B77", 5), (unregistered, 1)],
                             location=LocationFactory()), by=officer)

    # then the registered product's lot is registered once; the unknown product's is not
    assert list(Lot.objects.values_list("product__gtin", "lot_number")) == [(product.gtin, "B77")]
