import datetime
import io

import pytest
from django.core.files.base import ContentFile
from openpyxl import load_workbook

from qcity.core.choices import Role
from qcity.core.models import AuditEvent, OrgUnit
from qcity.credit.models import (
    CreditAttachment,
    CreditEvent,
    CreditListEntry,
    CreditObjection,
    CreditRepair,
    ScoringModel,
)
from qcity.credit.services import (
    abnormal_list_enter,
    credit_objection_file,
    credit_repair_apply,
    serious_list_enter,
)
from qcity.enterprises.tests.factories import EnterpriseFactory

from .factories import make_credit_event, repair_documents

pytestmark = pytest.mark.django_db


@pytest.fixture
def enterprise(district):
    return EnterpriseFactory(org_unit=district, established_on=datetime.date(2016, 1, 1))


@pytest.fixture
def officer(make_user, district):
    return make_user(Role.INSPECTOR, org_unit=district)


def test_search_and_file_show_the_class_and_its_reasons(client_for, officer, enterprise, today):
    make_credit_event(enterprise, kind="heavier_penalty", today=today, occurred_on=today)
    client = client_for(officer)
    page = client.get("/credit/", {"q": enterprise.uscc})
    assert page.status_code == 200 and enterprise.name in page.content.decode()
    file = client.get(f"/credit/files/{enterprise.pk}/").content.decode()
    assert 'id="risk-class"' in file and "较重行政处罚 1 次" in file
    panel = client.get(f"/credit/files/{enterprise.pk}/panel/").content.decode()
    assert 'id="credit-panel"' in panel and "+40" in panel


def test_enterprise_user_file_has_no_class(client_for, make_user, enterprise, today):
    owner = make_user(Role.ENTERPRISE_USER, org_unit=enterprise.org_unit, enterprise=enterprise)
    make_credit_event(enterprise, kind="heavier_penalty", today=today, occurred_on=today)
    client = client_for(owner)
    assert client.get("/credit/").url == f"/credit/files/{enterprise.pk}/"
    html = client.get(f"/credit/files/{enterprise.pk}/").content.decode()
    assert "较重行政处罚" in html and 'id="risk-class"' not in html and "风险分值" not in html
    assert client.get(f"/credit/files/{enterprise.pk}/panel/").status_code == 403
    assert client.get("/credit/objections/").status_code == 403


def test_the_enterprise_file_page_shows_the_public_text_not_the_officers_summary(client_for, make_user, enterprise,
                                                                                  today):
    # given a complaint whose internal summary names the complainant
    owner = make_user(Role.ENTERPRISE_USER, org_unit=enterprise.org_unit, enterprise=enterprise)
    make_credit_event(enterprise, kind="substantiated_complaint", today=today, occurred_on=today,
                  summary="投诉人：王大锤 反映质量问题", public_summary="消费者投诉商品质量问题，经核查属实")
    # when the enterprise opens its credit file
    html = client_for(owner).get(f"/credit/files/{enterprise.pk}/").content.decode()
    # then it reads the public text, never the complainant's name
    assert "消费者投诉商品质量问题" in html and "王大锤" not in html


def test_event_form_records_and_shows_errors(client_for, officer, enterprise, today):
    client = client_for(officer)
    url = f"/credit/files/{enterprise.pk}/events/new/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"kind": "administrative_penalty", "occurred_on": str(today + datetime.timedelta(days=2)),
                            "source_authority": "局", "summary": "x"})
    assert bad.status_code == 400 and "形成日期不能晚于今天" in bad.content.decode()
    ok = client.post(url, {"kind": "administrative_penalty", "occurred_on": str(today), "source_authority": "局",
                           "summary": "罚款"})
    assert ok.status_code == 302 and CreditEvent.objects.filter(enterprise=enterprise).count() == 1
    event = CreditEvent.objects.get()
    assert client.post(f"/credit/events/{event.pk}/publish/", {"published_on": str(today)}).status_code == 302
    assert client.post(f"/credit/events/{event.pk}/withdraw/", {"reason": ""}).status_code == 400


def test_list_page_entry_and_xlsx_export(client_for, officer, enterprise, today):
    client = client_for(officer)
    response = client.post("/credit/lists/abnormal_operations/new/", {
        "uscc": enterprise.uscc, "reason": "unreachable", "decided_on": str(today), "decision_authority": "局"})
    assert response.status_code == 302
    bad = client.post("/credit/lists/abnormal_operations/new/", {
        "uscc": enterprise.uscc, "reason": "unreachable", "decided_on": str(today), "decision_authority": "局"})
    assert bad.status_code == 400 and "该企业已在经营异常名录中" in bad.content.decode()
    page = client.get("/credit/lists/abnormal_operations/")
    assert enterprise.uscc in page.content.decode()
    export = client.get("/credit/lists/abnormal_operations/", {"export": "xlsx"})
    sheet = load_workbook(filename=io.BytesIO(export.getvalue())).active
    rows = list(sheet.values)
    assert rows[0][0] == "统一社会信用代码" and rows[1][0] == enterprise.uscc
    assert client.get("/credit/lists/nonsense/").status_code == 404
    assert client.get("/credit/lists/red/").status_code == 200


def test_row_steps_publish_a_listing_and_name_the_missing_field_in_the_banner(client_for, officer, enterprise,
                                                                              today):
    # given a serious-violation listing and a recorded event
    penalty = make_credit_event(enterprise, kind="heavier_penalty", today=today, occurred_on=today)
    entry = serious_list_enter(enterprise=enterprise, penalty_event=penalty, decided_on=today,
                               decision_authority="局", by=None, today=today)
    client = client_for(officer)
    # when the officer publishes the listing from its row without a date, then the list says which field
    bad = client.post(f"/credit/list-entries/{entry.pk}/publish/", {"published_on": ""})
    assert bad.status_code == 400 and 'id="list-error"' in bad.content.decode() and "公示日期：" in bad.content.decode()
    # and with the date, the listing is published (the row form carries the date only)
    done = client.post(f"/credit/list-entries/{entry.pk}/publish/", {"published_on": str(today)})
    assert done.status_code == 302 and CreditListEntry.objects.get(pk=entry.pk).published_on == today
    # and a withdrawal without a reason names the reason
    refused = client.post(f"/credit/events/{penalty.pk}/withdraw/", {"reason": ""})
    assert refused.status_code == 400 and "撤销原因：" in refused.content.decode()


def test_objection_and_repair_queues(client_for, make_user, officer, enterprise, today):
    owner = make_user(Role.ENTERPRISE_USER, org_unit=enterprise.org_unit, enterprise=enterprise)
    event = make_credit_event(enterprise, today=today, occurred_on=today, published_on=today)
    entry = abnormal_list_enter(enterprise=enterprise, reason="unreachable", decided_on=today,
                                decision_authority="局", by=None, today=today)
    own = client_for(owner)
    assert own.post(f"/credit/files/{enterprise.pk}/objections/new/", {"target": f"event:{event.pk}",
                                                                      "grounds": "有误"}).status_code == 302
    unpublished = make_credit_event(enterprise, today=today, occurred_on=today)
    bad = own.post(f"/credit/files/{enterprise.pk}/objections/new/", {"target": f"event:{unpublished.pk}",
                                                                     "grounds": "有误"})
    assert bad.status_code == 400
    assert own.post(f"/credit/files/{enterprise.pk}/repairs/new/", {
        "kind": "abnormal_list_removal", "target": f"entry:{entry.pk}", "compliance_proof": "已变更住所",
        "commitment_letter": "承诺", **repair_documents()}).status_code == 302
    client = client_for(officer)
    assert "有误" in client.get("/credit/objections/").content.decode()
    objection = CreditObjection.objects.get()
    assert client.post(f"/credit/objections/{objection.pk}/decide/", {"decision": "no", "note": ""}).status_code == 400
    assert client.post(f"/credit/objections/{objection.pk}/decide/",
                       {"decision": "no", "note": "合法"}).status_code == 302
    assert "已变更住所" in client.get("/credit/repairs/").content.decode()
    repair = entry.repairs.get()
    assert client.post(f"/credit/repairs/{repair.pk}/accept/", {"decision": "yes"}).status_code == 302
    assert client.post(f"/credit/repairs/{repair.pk}/decide/", {"decision": "yes"}).status_code == 302
    assert CreditListEntry.objects.get(pk=entry.pk).status == "removed"


def test_scoring_model_page(client_for, officer, make_user):
    assert 'id="parameters"' in client_for(officer).get("/credit/scoring-model/").content.decode()
    assert client_for(officer).post("/credit/scoring-model/", {"parameters": "{}", "note": "x"}).status_code == 403
    office = client_for(make_user(Role.LEADERSHIP_OFFICE))
    bad = office.post("/credit/scoring-model/", {"parameters": "{not json", "note": "x"})
    assert bad.status_code == 400 and "不是有效的JSON" in bad.content.decode()
    bad = office.post("/credit/scoring-model/", {"parameters": '{"thresholds": {"a": 100}}', "note": "x"})
    assert bad.status_code == 400 and "thresholds" in bad.content.decode()
    assert office.post("/credit/scoring-model/", {"parameters": "{}", "note": "初版"}).status_code == 302
    assert ScoringModel.objects.get().version == 1
    assert office.post("/credit/scoring-model/reclassify/").status_code == 302


def test_public_pages(client, enterprise, today):
    event = make_credit_event(enterprise, today=today, occurred_on=today, published_on=today, summary="罚款")
    CreditEvent.objects.filter(pk=event.pk).update(public_summary="法定代表人：李四光 罚款")  # an old row, raw
    make_credit_event(enterprise, kind="sampling_failure", today=today, occurred_on=today, summary="未公示的抽检")
    abnormal_list_enter(enterprise=enterprise, reason="unreachable", decided_on=today, decision_authority="局",
                        by=None, today=today)
    assert client.get("/public/credit/", {"q": enterprise.uscc}).url == f"/public/credit/{enterprise.uscc}/"
    found = client.get("/public/credit/", {"q": "测试"}).content.decode()
    assert enterprise.name in found
    html = client.get(f"/public/credit/{enterprise.uscc}/").content.decode()
    assert "李*光" in html and "李四光" not in html and "未公示的抽检" not in html
    assert "经营异常名录" in html and "风险" not in html
    assert enterprise.name in client.get("/public/credit/lists/abnormal_operations/").content.decode()
    assert client.get("/public/credit/lists/nope/").status_code == 404
    assert client.get("/public/credit/91410000MA0000000X/").status_code == 404


def _sheet_rows(response) -> list[tuple]:
    assert response.status_code == 200
    return list(load_workbook(filename=io.BytesIO(response.getvalue())).active.values)


def test_file_search_and_queues_export_xlsx_in_scope_and_audited(client_for, make_user, officer, enterprise, today):
    # given an enterprise of the officer's district with an objection and a repair, and one of another district
    outsider = EnterpriseFactory(org_unit=OrgUnit.objects.exclude(pk=enterprise.org_unit_id).filter(kind="district")[0])
    owner = make_user(Role.ENTERPRISE_USER, org_unit=enterprise.org_unit, enterprise=enterprise)
    event = make_credit_event(enterprise, today=today, occurred_on=today, published_on=today)
    credit_objection_file(credit_event=event, grounds="数额有误", by=owner, today=today)
    entry = abnormal_list_enter(enterprise=enterprise, reason="unreachable", decided_on=today,
                                decision_authority="局", by=None, today=today)
    credit_repair_apply(enterprise=enterprise, kind="abnormal_list_removal", list_entry=entry, compliance_proof="已变更住所",
                 commitment_letter="承诺", by=owner, today=today, **repair_documents())
    client = client_for(officer)
    exports = AuditEvent.objects.filter(action="export").count()

    # when the officer exports the credit files, the objection queue and the repair queue
    files = _sheet_rows(client.get("/credit/", {"export": "xlsx"}))
    objections = _sheet_rows(client.get("/credit/objections/", {"export": "xlsx"}))
    repairs = _sheet_rows(client.get("/credit/repairs/", {"export": "xlsx", "status": "all"}))

    # then each has its headings and only the district's rows, and each export is audited
    codes = {row[0] for row in files[1:]}
    assert files[0][0] == "统一社会信用代码" and enterprise.uscc in codes and outsider.uscc not in codes
    assert [row[4] for row in objections[1:]] == ["数额有误"]
    assert [(row[0], row[3]) for row in repairs[1:]] == [(enterprise.uscc, "移出经营异常名录")]
    assert AuditEvent.objects.filter(action="export").count() == exports + 3


def test_overdue_publications_page_lists_items_past_their_deadline(client_for, officer, enterprise, today):
    # given a penalty decided two months ago and never published, and one published in time
    late = make_credit_event(enterprise, occurred_on=today - datetime.timedelta(days=60), summary="逾期未公示的处罚",
                         today=today)
    make_credit_event(enterprise, occurred_on=today - datetime.timedelta(days=60), published_on=today, summary="已公示",
                  today=today)
    client = client_for(officer)
    # when the officer opens the overdue list (linked from the credit files page) and exports it
    assert "/credit/events/overdue/" in client.get("/credit/").content.decode()
    page = client.get("/credit/events/overdue/").content.decode()
    rows = _sheet_rows(client.get("/credit/events/overdue/", {"export": "xlsx"}))
    # then only the late one is there, with its deadline
    assert late.summary not in page and enterprise.name in page and str(late.publication_due_on) in page
    assert [(row[0], row[6]) for row in rows[1:]] == [(enterprise.uscc, "逾期未公示的处罚")]


def test_repair_page_upload_and_document_download_in_scope_only(client_for, make_user, officer, enterprise, today):
    # given an abnormal listing of the enterprise, its account, an officer of another district, another
    # enterprise's account and a department reporter
    entry = abnormal_list_enter(enterprise=enterprise, reason="unreachable", decided_on=today,
                                decision_authority="局", by=None, today=today)
    owner = make_user(Role.ENTERPRISE_USER, org_unit=enterprise.org_unit, enterprise=enterprise)
    elsewhere = OrgUnit.objects.exclude(pk=enterprise.org_unit_id).filter(kind="district")[0]
    far_officer = make_user(Role.DISTRICT_OFFICER, org_unit=elsewhere)
    other = EnterpriseFactory(org_unit=enterprise.org_unit)
    stranger = make_user(Role.ENTERPRISE_USER, org_unit=enterprise.org_unit, enterprise=other)
    reporter = make_user(Role.DEPARTMENT_REPORTER)
    form = {"kind": "abnormal_list_removal", "target": f"entry:{entry.pk}", "compliance_proof": "已变更住所",
            "commitment_letter": "承诺"}
    own = client_for(owner)
    # when the enterprise sends an executable renamed .pdf as its letter
    bad = own.post(f"/credit/files/{enterprise.pk}/repairs/new/", {
        **form, **repair_documents(), "commitment_letter_file": ContentFile(b"MZ\x90\x00" * 40, name="承诺书.pdf")})
    # then the page answers 400 naming the document, and nothing is written
    assert bad.status_code == 400 and "信用承诺书：" in bad.content.decode()
    assert not CreditRepair.objects.exists()
    # when it sends both documents, then the application is made and the file page links them
    assert own.post(f"/credit/files/{enterprise.pk}/repairs/new/", {**form, **repair_documents()}).status_code == 302
    document = CreditAttachment.objects.get(kind="commitment_letter")
    url = f"/credit/attachments/{document.pk}/"
    assert url in own.get(f"/credit/files/{enterprise.pk}/").content.decode()
    assert url in client_for(officer).get("/credit/repairs/").content.decode()  # beside the decision
    # and the enterprise and the officer in scope download it as an attachment; others cannot
    for user in (owner, officer):
        response = client_for(user).get(url)
        assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_for(far_officer).get(url).status_code == 404
    assert client_for(stranger).get(url).status_code == 404
    assert client_for(reporter).get(url).status_code == 403
