"""The EPCIS capture binding: POST /api/epcis/capture and /events, GET of the capture jobs."""

import json

import pytest

from qcity.core.choices import Role
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.trace.models import Event
from qcity.trace.tests.epcis_documents import as_bytes, document, object_event
from qcity.trace.tests.factories import LocationFactory, LotFactory, PartyFactory

pytestmark = pytest.mark.django_db

CAPTURE = "/api/epcis/capture"


@pytest.fixture
def officer(make_user):
    return make_user(Role.INSPECTOR)


@pytest.fixture
def supplier(make_user, district):
    enterprise = EnterpriseFactory(org_unit=district)
    user = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=enterprise)
    user.location = LocationFactory(party=PartyFactory(enterprise=enterprise))
    return user


def _post(api, doc, *, path=CAPTURE, content_type="application/json"):
    body = as_bytes(doc) if isinstance(doc, dict) else doc
    return api.generic("POST", path, body, content_type=content_type)


def test_capture_answers_202_with_the_job_location(api_for, officer):
    api = api_for(officer)

    response = _post(api, document(object_event(lot=LotFactory(), quantity=5, location=LocationFactory())))

    assert response.status_code == 202
    capture_id = response.json()["captureID"]
    assert response["Location"] == f"{CAPTURE}/{capture_id}"
    job = api.get(response["Location"]).json()
    assert job["success"] is True and job["running"] is False and job["captureErrorBehaviour"] == "rollback"
    assert job["capturedCount"] == 1


def test_json_ld_media_type_is_accepted(api_for, officer):
    response = _post(api_for(officer), document(object_event(lot=LotFactory(), quantity=5)),
                     content_type="application/ld+json")

    assert response.status_code == 202


def test_malformed_json_is_400_naming_the_line(api_for, officer):
    response = _post(api_for(officer), b'{\n "type": "EPCISDocument",\n oops}')

    assert response.status_code == 400
    assert "第 3 行" in response.json()["detail"]


def test_schema_violation_is_400_naming_the_path(api_for, officer):
    event = object_event(lot=LotFactory(), quantity=5)
    event["action"] = "SHOUT"

    response = _post(api_for(officer), document(object_event(lot=LotFactory(), quantity=1), event))

    assert response.status_code == 400
    assert response.json()["path"] == "$.epcisBody.eventList[1].action"
    assert Event.objects.count() == 0


def test_empty_body_is_400(api_for, officer):
    response = _post(api_for(officer), b"")

    assert response.status_code == 400


def test_document_over_the_size_limit_is_413(api_for, officer, settings):
    settings.QCITY_MAX_UPLOAD_BYTES = 100

    response = _post(api_for(officer), document(object_event(lot=LotFactory(), quantity=5)))

    assert response.status_code == 413


def test_enterprise_account_at_a_foreign_location_is_403(api_for, supplier):
    response = _post(api_for(supplier), document(object_event(lot=LotFactory(), quantity=5,
                                                              location=LocationFactory())))

    assert response.status_code == 403
    assert "eventList[0]" in response.json()["detail"]


def test_a_single_event_is_captured_at_the_events_resource(api_for, supplier):
    event = {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
             **object_event(lot=LotFactory(), quantity=5, location=supplier.location)}

    response = _post(api_for(supplier), json.dumps(event).encode(), path="/api/epcis/events")

    assert response.status_code == 202
    assert Event.objects.get().biz_location == supplier.location.uri


def test_capture_job_is_visible_to_its_submitter_and_officers_only(api_for, supplier, officer, make_user, district):
    # given a job of the supplier
    response = _post(api_for(supplier), document(object_event(lot=LotFactory(), quantity=5,
                                                              location=supplier.location)))
    location = response["Location"]
    other = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=EnterpriseFactory(org_unit=district))

    # then the submitter and an officer see it, another enterprise does not
    assert api_for(supplier).get(location).status_code == 200
    assert api_for(officer).get(location).status_code == 200
    assert api_for(other).get(location).status_code == 404
    assert api_for(supplier).get(CAPTURE).json()["count"] == 1
    assert api_for(other).get(CAPTURE).json()["count"] == 0
    assert api_for(officer).get(CAPTURE).json()["count"] == 0  # the list is the caller's own jobs


def test_staff_without_a_trace_role_is_refused(api_for, make_user):
    response = _post(api_for(make_user(Role.COMPLAINT_HANDLER)), document(object_event(lot=LotFactory())))

    assert response.status_code == 403


def test_an_epcis_1_2_xml_document_is_accepted_and_its_errors_name_the_line(api_for, officer):
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1" schemaVersion="1.2" '
           'creationDate="2026-06-10T08:00:00Z"><EPCISBody><EventList>\n<ObjectEvent>'
           "<eventTime>2026-06-10T08:00:00Z</eventTime><eventTimeZoneOffset>+08:00</eventTimeZoneOffset>"
           "<epcList><epc>urn:epc:id:sgtin:6901234.056789.1</epc></epcList><action>{action}</action>"
           "</ObjectEvent>\n</EventList></EPCISBody></epcis:EPCISDocument>")
    api = api_for(officer)

    accepted = _post(api, xml.format(action="OBSERVE").encode(), content_type="application/xml")
    refused = _post(api, xml.format(action="LOOK").encode(), content_type="application/xml")

    assert accepted.status_code == 202 and Event.objects.count() == 1
    assert refused.status_code == 400 and refused.json()["path"] == "line 3"
