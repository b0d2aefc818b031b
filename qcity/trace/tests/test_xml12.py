"""EPCIS 1.2 XML documents: validated against the XSD, converted to the 2.0 JSON shape."""

import pytest

from qcity.trace import epcis, xml12
from qcity.trace.epcis import DocumentError

HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
          '<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1" xmlns:qc="https://qcity.example/epcis" '
          'schemaVersion="1.2" creationDate="2026-06-10T08:00:00Z">\n<EPCISBody>\n<EventList>\n')
FOOTER = "</EventList>\n</EPCISBody>\n</epcis:EPCISDocument>\n"

OBJECT_EVENT = """<ObjectEvent>
  <eventTime>2026-06-10T08:00:00.000+08:00</eventTime>
  <eventTimeZoneOffset>+08:00</eventTimeZoneOffset>
  <epcList><epc>urn:epc:id:sgtin:0614141.107346.2017</epc></epcList>
  <action>OBSERVE</action>
  <bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep>
  <disposition>urn:epcglobal:cbv:disp:in_transit</disposition>
  <readPoint><id>urn:epc:id:sgln:0614141.07346.1234</id></readPoint>
  <bizLocation><id>https://id.gs1.org/414/6901234567892</id></bizLocation>
  <bizTransactionList>
    <bizTransaction type="urn:epcglobal:cbv:btt:po">urn:epcglobal:cbv:bt:0614141000005:1152</bizTransaction>
  </bizTransactionList>
  <extension>
    <quantityList>
      <quantityElement><epcClass>urn:epc:class:lgtin:0614141.107346.L88</epcClass><quantity>200.5</quantity>
        <uom>KGM</uom></quantityElement>
    </quantityList>
    <sourceList><source type="urn:epcglobal:cbv:sdt:owning_party">urn:epc:id:pgln:0614141.00001</source></sourceList>
  </extension>
  <qc:temperature>4</qc:temperature>
</ObjectEvent>
"""

TRANSFORMATION_EVENT = """<extension><TransformationEvent>
  <eventTime>2026-06-09T08:00:00Z</eventTime>
  <eventTimeZoneOffset>+08:00</eventTimeZoneOffset>
  <inputQuantityList><quantityElement><epcClass>urn:epc:class:lgtin:0614141.107346.L1</epcClass>
    <quantity>500</quantity><uom>KGM</uom></quantityElement></inputQuantityList>
  <outputQuantityList><quantityElement><epcClass>urn:epc:class:lgtin:0614141.107346.L88</epcClass>
    <quantity>480</quantity><uom>KGM</uom></quantityElement></outputQuantityList>
  <bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep>
</TransformationEvent></extension>
"""

QUANTITY_EVENT = """<QuantityEvent>
  <eventTime>2026-06-08T08:00:00Z</eventTime>
  <eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
  <epcClass>urn:epc:class:lgtin:0614141.107346.L1</epcClass>
  <quantity>7</quantity>
</QuantityEvent>
"""


def xml(*events: str) -> bytes:
    return (HEADER + "".join(events) + FOOTER).encode()


def test_a_1_2_document_becomes_a_valid_2_0_document():
    # when a 1.2 document with an object, a transformation and a quantity event is read
    document = xml12.document_from_xml(xml(OBJECT_EVENT, TRANSFORMATION_EVENT, QUANTITY_EVENT))

    # then it is a valid 2.0 document whose events keep their content
    assert epcis.document_validate(document) == []
    first, transformation, quantity = document["epcisBody"]["eventList"]
    assert first["quantityList"] == [{"epcClass": "urn:epc:class:lgtin:0614141.107346.L88", "quantity": 200.5,
                                      "uom": "KGM"}]
    assert first["sourceList"][0]["source"] == "urn:epc:id:pgln:0614141.00001"
    assert first["qc:temperature"] == "4"
    assert {"qc": "https://qcity.example/epcis"} in document["@context"]
    assert transformation["type"] == "TransformationEvent" and transformation["inputQuantityList"][0]["quantity"] == 500
    assert quantity["type"] == "ObjectEvent" and quantity["quantityList"][0]["quantity"] == 7
    assert document.event_lines[0] == 5


def test_rows_of_a_converted_event_are_canonical():
    document = xml12.document_from_xml(xml(OBJECT_EVENT))

    (event,) = epcis.document_parse(document)

    assert event.row["biz_step"] == "shipping" and event.row["disposition"] == "in_transit"
    assert event.row["read_point"] == "https://id.gs1.org/414/0614141073467/254/1234"
    assert event.row["source_party"] == "https://id.gs1.org/417/0614141000012"
    assert {e["epc"] for e in event.epcs} == {"https://id.gs1.org/01/10614141073464/21/2017",
                                             "https://id.gs1.org/01/10614141073464/10/L88"}


def test_xsd_violation_names_the_line():
    broken = OBJECT_EVENT.replace("<action>OBSERVE</action>", "<action>LOOK</action>")

    with pytest.raises(DocumentError) as refused:
        xml12.document_from_xml(xml(broken))

    assert refused.value.errors[0].path == "line 9"


def test_malformed_xml_names_the_line():
    with pytest.raises(DocumentError) as refused:
        xml12.document_from_xml(xml("<ObjectEvent>\n<eventTime>"))

    assert refused.value.errors[0].path.startswith("line ")


def test_entities_and_doctypes_are_refused():
    bomb = (b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">]>\n'
            b'<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1">&a;</epcis:EPCISDocument>')

    with pytest.raises(DocumentError) as refused:
        xml12.document_from_xml(bomb)

    assert "DOCTYPE" in refused.value.errors[0].message


def test_another_root_element_is_refused():
    with pytest.raises(DocumentError) as refused:
        xml12.document_from_xml(b"<html><body/></html>")

    assert "EPCISDocument" in refused.value.errors[0].message
