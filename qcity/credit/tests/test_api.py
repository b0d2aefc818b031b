import datetime

import pytest
from django.core.files.base import ContentFile

from qcity.core.choices import Role
from qcity.core.models import OrgUnit
from qcity.credit.demo import placeholder_pdf
from qcity.credit.models import CreditEvent, CreditListEntry, CreditObjection, CreditRepair
from qcity.enterprises.tests.factories import EnterpriseFactory

from .factories import make_credit_event, repair_documents

pytestmark = pytest.mark.django_db


@pytest.fixture
def enterprise(district):
    return EnterpriseFactory(org_unit=district, established_on=datetime.date(2016, 1, 1),
                              legal_representative="张小明")


@pytest.fixture
def officer(make_user, district):
    return make_user(Role.DISTRICT_OFFICER, org_unit=district)


@pytest.fixture
def owner(make_user, enterprise):
    return make_user(Role.ENTERPRISE_USER, org_unit=enterprise.org_unit, enterprise=enterprise)


def _event(enterprise, today, **kw):
    kw.setdefault("occurred_on", today - datetime.timedelta(days=3))
    return make_credit_event(enterprise, today=today, **kw)


def test_officer_records_an_event_and_sees_the_class(api_for, officer, enterprise, today):
    api = api_for(officer)
    response = api.post("/api/credit-events/", {
        "enterprise": enterprise.pk, "kind": "heavier_penalty", "occurred_on": str(today),
        "source_authority": "金水区局", "summary": "较重处罚"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["publication_due_on"]
    file = api.get(f"/api/credit-files/{enterprise.pk}/").json()
    assert file["classification"]["risk_class"] == "c"
    assert file["classification"]["contributions"][0]["label"].startswith("较重行政处罚")
    assert api.get("/api/credit-files/", {"q": enterprise.uscc}).json()["results"][0]["risk_class"] == "c"


@pytest.mark.parametrize("body, field", [
    ({"kind": "nope"}, "kind"),
    ({"occurred_on": "2999-01-01"}, "occurred_on"),
    ({"enterprise": 999999}, "enterprise"),
    ({"source_authority": ""}, "source_authority"),
    ({"occurred_on": "not a date"}, "occurred_on"),
])
def test_event_bad_input_is_400_naming_the_field(api_for, officer, enterprise, today, body, field):
    data = {"enterprise": enterprise.pk, "kind": "administrative_penalty", "occurred_on": str(today),
            "source_authority": "局", "summary": "x", **body}
    response = api_for(officer).post("/api/credit-events/", data, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not CreditEvent.objects.exists()


def test_officer_of_another_district_cannot_see_or_write(api_for, make_user, city, enterprise, today):
    other = make_user(Role.DISTRICT_OFFICER, org_unit=city.children.exclude(pk=enterprise.org_unit_id).first())
    api = api_for(other)
    assert api.get(f"/api/credit-files/{enterprise.pk}/").status_code == 404
    response = api.post("/api/credit-events/", {"enterprise": enterprise.pk, "kind": "administrative_penalty",
                                                "occurred_on": str(today), "source_authority": "局", "summary": "x"},
                        format="json")
    assert response.status_code == 400 and "enterprise" in response.json()


def test_enterprise_user_sees_own_file_without_class_and_cannot_record(api_for, owner, enterprise, district, today):
    _event(enterprise, today, kind="heavier_penalty")
    api = api_for(owner)
    file = api.get(f"/api/credit-files/{enterprise.pk}/").json()
    assert file["classification"] is None and file["class_history"] is None
    assert file["enterprise"]["risk_class"] is None
    assert len(file["events"]) == 1
    other = EnterpriseFactory(org_unit=district)
    assert api.get(f"/api/credit-files/{other.pk}/").status_code == 404
    assert api.get("/api/credit-files/").status_code == 403
    assert api.post("/api/credit-events/", {}, format="json").status_code == 403


def test_the_enterprise_reads_its_events_public_text_never_the_officers_summary(api_for, owner, officer, enterprise,
                                                                                today):
    # given a substantiated complaint whose internal summary names and rings the complainant
    _event(enterprise, today, kind="substantiated_complaint", summary="投诉人：王大锤 电话13812345678 反映质量问题",
           public_summary="消费者投诉商品质量问题，经核查属实")
    # when the enterprise reads its file and its events
    file = api_for(owner).get(f"/api/credit-files/{enterprise.pk}/").json()
    events = api_for(owner).get("/api/credit-events/").json()["results"]
    # then it gets the public text only; the officer still reads the summary
    for event in [*file["events"], *events]:
        assert event["summary"] == event["public_summary"] == "消费者投诉商品质量问题，经核查属实"
    assert "王大锤" in api_for(officer).get("/api/credit-events/").json()["results"][0]["summary"]


def test_objection_flow_and_unpublished_item_is_400(api_for, owner, officer, enterprise, today):
    unpublished = _event(enterprise, today, kind="sampling_failure")
    api = api_for(owner)
    response = api.post("/api/credit-objections/", {"credit_event": unpublished.pk, "grounds": "错误"}, format="json")
    assert response.status_code == 400 and "credit_event" in response.json()
    published = _event(enterprise, today, kind="sampling_failure", published_on=today)
    response = api.post("/api/credit-objections/", {"credit_event": published.pk, "grounds": "错误"}, format="json")
    assert response.status_code == 201
    pk = response.json()["id"]
    assert api.post(f"/api/credit-objections/{pk}/decide/", {"upheld": True, "note": "x"},
                    format="json").status_code == 403
    response = api_for(officer).post(f"/api/credit-objections/{pk}/decide/", {"upheld": True, "note": "成立"},
                                     format="json")
    assert response.status_code == 200 and response.json()["status"] == "upheld"
    assert CreditObjection.objects.get(pk=pk).credit_event.status == "withdrawn"


def test_repair_before_minimum_period_is_400_naming_the_field(api_for, owner, officer, enterprise, today):
    penalty = _event(enterprise, today, kind="heavier_penalty")
    response = api_for(officer).post("/api/credit-list-entries/", {
        "list_kind": "serious_violation", "enterprise": enterprise.pk, "decided_on": str(today),
        "decision_authority": "金水区局", "penalty_event": penalty.pk}, format="json")
    assert response.status_code == 201, response.content
    entry = response.json()["id"]
    response = api_for(owner).post("/api/credit-repairs/", {
        "kind": "serious_list_early_removal", "list_entry": entry, "compliance_proof": "已整改",
        "commitment_letter": "承诺", **repair_documents()}, format="multipart")
    assert response.status_code == 400 and "list_entry" in response.json()
    assert not CreditRepair.objects.exists()


def test_abnormal_repair_flow_via_api(api_for, owner, officer, enterprise, today):
    office_api = api_for(officer)
    response = office_api.post("/api/credit-list-entries/", {
        "list_kind": "abnormal_operations", "enterprise": enterprise.pk, "reason": "unreachable",
        "decided_on": str(today), "decision_authority": "金水区局"}, format="json")
    assert response.status_code == 201
    entry = response.json()["id"]
    missing = api_for(owner).post("/api/credit-repairs/", {"kind": "abnormal_list_removal", "list_entry": entry,
                                                          "compliance_proof": "已变更住所", "commitment_letter": ""},
                                  format="json")
    assert missing.status_code == 400 and "commitment_letter" in missing.json()
    assert {"compliance_proof_file", "commitment_letter_file"} <= set(missing.json())
    response = api_for(owner).post("/api/credit-repairs/", {"kind": "abnormal_list_removal", "list_entry": entry,
                                                           "compliance_proof": "已变更住所", "commitment_letter": "承诺",
                                                           **repair_documents()}, format="multipart")
    assert response.status_code == 201, response.content
    assert sorted(a["kind"] for a in response.json()["attachments"]) == ["commitment_letter", "compliance_proof"]
    pk = response.json()["id"]
    assert office_api.post(f"/api/credit-repairs/{pk}/decide/", {"approve": True}, format="json").status_code == 400
    assert office_api.post(f"/api/credit-repairs/{pk}/accept/", {"accept": True}, format="json").status_code == 200
    assert office_api.post(f"/api/credit-repairs/{pk}/decide/", {"approve": True}, format="json").status_code == 200
    assert CreditListEntry.objects.get(pk=entry).status == "removed"


def test_list_entry_bad_input(api_for, officer, enterprise, today):
    api = api_for(officer)
    base = {"enterprise": enterprise.pk, "decided_on": str(today), "decision_authority": "局"}
    response = api.post("/api/credit-list-entries/", {**base, "list_kind": "abnormal_operations"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = api.post("/api/credit-list-entries/", {**base, "list_kind": "serious_violation"}, format="json")
    assert response.status_code == 400 and "penalty_event" in response.json()
    response = api.post("/api/credit-list-entries/", {**base, "list_kind": "red", "reason": "quality_award"},
                        format="json")
    assert response.status_code == 403  # the red list is the office's


def test_scoring_model_api_permissions(api_for, officer, make_user):
    assert api_for(officer).get("/api/credit-scoring-models/").status_code == 200
    assert api_for(officer).post("/api/credit-scoring-models/", {"parameters": {}, "note": "x"},
                                 format="json").status_code == 403
    office = api_for(make_user(Role.LEADERSHIP_OFFICE))
    bad = office.post("/api/credit-scoring-models/", {"parameters": {"thresholds": {"a": 99}}, "note": "x"},
                      format="json")
    assert bad.status_code == 400 and "parameters" in bad.json()
    assert office.post("/api/credit-scoring-models/", {"parameters": {}, "note": "初版"},
                       format="json").status_code == 201
    assert office.post("/api/credit-classifications/reclassify/").json()["enterprises"] >= 0


def test_public_api_shows_published_items_only_masked_and_no_class(client, enterprise, today):
    # given a published penalty whose internal summary names a person, and an old row published raw
    _event(enterprise, today, kind="administrative_penalty", summary="当事人：王大锤 销售不合格产品",
           public_summary="销售不合格产品，罚款5000元", published_on=today)
    old = _event(enterprise, today, kind="certification", summary="x", published_on=today)
    CreditEvent.objects.filter(pk=old.pk).update(public_summary="联系人：王大锤 通过认证")
    _event(enterprise, today, kind="sampling_failure", summary="未公示")
    # when the public reads the file
    response = client.get(f"/api/public/credit-files/{enterprise.uscc}/")
    body = response.json()
    # then only the public summaries, masked, and never the internal summary or the class
    assert response.status_code == 200
    assert sorted(e["kind"] for e in body["events"]) == ["administrative_penalty", "certification"]
    texts = [e["public_summary"] for e in body["events"]]
    assert "销售不合格产品，罚款5000元" in texts and "联系人：王*锤 通过认证" in texts
    assert "王大锤" not in response.content.decode() and "summary" not in body["events"][0]
    assert body["legal_representative"] == "张*明"
    assert "risk_class" not in str(body) and "score" not in body
    assert client.get("/api/public/credit-files/91410000XXXXXXXXXX/").status_code == 404
    assert client.get("/api/public/credit-list-entries/abnormal_operations/").status_code == 200


def test_objection_with_evidence_via_api_and_its_download_in_scope_only(api_for, make_user, owner, officer, enterprise,
                                                                        today):
    # given a published penalty and an officer of another district
    event = _event(enterprise, today, published_on=today)
    far = make_user(Role.DISTRICT_OFFICER, org_unit=OrgUnit.objects.exclude(pk=enterprise.org_unit_id).filter(
        kind="district")[0])
    # when the enterprise objects with an empty file, then 400 naming the field, nothing written
    empty = api_for(owner).post("/api/credit-objections/", {
        "credit_event": event.pk, "grounds": "数额有误", "evidence_file": ContentFile(b"", name="e.pdf")},
        format="multipart")
    assert empty.status_code == 400 and "evidence_file" in empty.json()
    assert not CreditObjection.objects.exists()
    # when it objects with a PDF, then the objection lists the document with its download address
    response = api_for(owner).post("/api/credit-objections/", {
        "credit_event": event.pk, "grounds": "数额有误", "evidence_file": placeholder_pdf("复议决定书.pdf")},
        format="multipart")
    assert response.status_code == 201, response.content
    [document] = response.json()["attachments"]
    assert document["kind"] == "objection_evidence" and document["original_name"] == "复议决定书.pdf"
    # and the enterprise and the officer over it download it; the other district's officer gets 404
    assert api_for(owner).get(document["download"]).status_code == 200
    assert api_for(officer).get(document["download"]).status_code == 200
    assert api_for(far).get(document["download"]).status_code == 404
