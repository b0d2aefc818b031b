"""Pages of routing and direct settlement: wiring, permissions, what each user sees."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qcity.complaints.choices import ComplaintStatus, SettlementAnswer
from qcity.complaints.models import DirectSettlementMembership, GazetteerEntry
from qcity.core.choices import Role
from qcity.core.models import AuditEvent
from qcity.enterprises.tests.factories import EnterpriseFactory

from .factories import ComplaintFactory


@pytest.fixture
def units(city):
    return {u.name: u for u in city.children.all()}


@pytest.fixture
def respondent(district):
    return EnterpriseFactory(org_unit=district)


@pytest.fixture
def enterprise_user(make_user, district, respondent):
    return make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=respondent)


def test_the_enterprise_sees_only_its_own_complaints_in_settlement_never_reports(
        client_for, enterprise_user, respondent, district, today):
    mine = ComplaintFactory(org_unit=district, respondent=respondent, status=ComplaintStatus.DIRECT_SETTLEMENT,
                            settlement_started_on=today, subject="我的投诉")
    ComplaintFactory(org_unit=district, respondent=respondent, settlement_started_on=today, report=True,
                     subject="针对我的举报")
    ComplaintFactory(org_unit=district, respondent=EnterpriseFactory(org_unit=district, numbered=True),
                     status=ComplaintStatus.DIRECT_SETTLEMENT, settlement_started_on=today, subject="别家的投诉")
    page = client_for(enterprise_user).get(reverse("complaints:settlement-list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "我的投诉" in text and "针对我的举报" not in text and "别家的投诉" not in text
    assert mine.person_phone not in text  # the person is masked


def test_the_enterprise_answers_and_a_bad_answer_is_a_400_naming_the_field(
        client_for, enterprise_user, respondent, district, today):
    complaint = ComplaintFactory(org_unit=district, respondent=respondent, status=ComplaintStatus.DIRECT_SETTLEMENT,
                                 settlement_started_on=today)
    client = client_for(enterprise_user)
    url = reverse("complaints:settlement-answer", args=[complaint.pk])
    refused = client.post(url, {f"answer-{complaint.pk}-answer": "maybe", f"answer-{complaint.pk}-note": "x"})
    assert refused.status_code == 400
    done = client.post(url, {f"answer-{complaint.pk}-answer": SettlementAnswer.SETTLED,
                             f"answer-{complaint.pk}-note": "已全额退款"})
    assert done.status_code == 302
    complaint.refresh_from_db()
    assert complaint.settlement_answer == SettlementAnswer.SETTLED


def test_another_enterprises_complaint_cannot_be_answered(client_for, enterprise_user, district, today):
    other = ComplaintFactory(org_unit=district, respondent=EnterpriseFactory(org_unit=district, numbered=True),
                             status=ComplaintStatus.DIRECT_SETTLEMENT, settlement_started_on=today)
    response = client_for(enterprise_user).post(reverse("complaints:settlement-answer", args=[other.pk]),
                                                {f"answer-{other.pk}-answer": "settled", f"answer-{other.pk}-note": "x"})
    assert response.status_code == 404


def test_the_enterprise_joins_and_the_officers_see_it(client_for, enterprise_user, respondent, make_user, district):
    assert client_for(enterprise_user).post(reverse("complaints:direct-settlement-join")).status_code == 302
    assert DirectSettlementMembership.objects.get(enterprise=respondent).left_on is None
    officer = make_user(Role.DISTRICT_OFFICER, district)
    page = client_for(officer).get(reverse("complaints:direct-settlement-members"))
    assert page.status_code == 200 and respondent.name in page.content.decode()


def test_an_officer_does_not_open_the_enterprise_page(client_for, make_user, district):
    handler = make_user(Role.COMPLAINT_HANDLER, district)
    assert client_for(handler).get(reverse("complaints:settlement-list")).status_code == 403


def test_the_transfer_step_opens_on_the_detail_page_and_moves_the_complaint(client_for, make_user, district, units):
    handler = make_user(Role.COMPLAINT_HANDLER, district)
    complaint = ComplaintFactory(org_unit=district)
    client = client_for(handler)
    url = reverse("complaints:complaint-transfer", args=[complaint.pk])
    assert 'id="step-transfer"' in client.get(reverse("complaints:complaint-detail", args=[complaint.pk])).content.decode()
    assert 'id="transfer-form"' in client.get(url).content.decode()
    refused = client.post(url, {"transfer-to_unit": district.pk, "transfer-reason": "x"})
    assert refused.status_code == 400
    done = client.post(url, {"transfer-to_unit": units["二七区"].pk, "transfer-reason": "经营场所在二七区"})
    assert done.status_code == 302 and done.url == reverse("complaints:complaint-list")
    complaint.refresh_from_db()
    assert complaint.org_unit == units["二七区"]


def test_the_gazetteer_pages_are_the_city_levels(client_for, make_user, city, district, units):
    office = make_user(Role.LEADERSHIP_OFFICE, city)
    client = client_for(office)
    assert client.get(reverse("complaints:gazetteer-list")).status_code == 200
    created = client.post(reverse("complaints:gazetteer-create"),
                          {"name": "测试大道", "kind": "road", "org_unit": units["金水区"].pk, "active": "on"})
    assert created.status_code == 302
    entry = GazetteerEntry.objects.get(name="测试大道")
    edited = client.post(reverse("complaints:gazetteer-edit", args=[entry.pk]),
                         {"name": "测试大道", "kind": "road", "org_unit": units["二七区"].pk})
    assert edited.status_code == 302
    entry.refresh_from_db()
    assert (entry.org_unit, entry.active) == (units["二七区"], False)
    district_handler = make_user(Role.COMPLAINT_HANDLER, district)
    refused = client_for(district_handler).post(reverse("complaints:gazetteer-create"),
                                                {"name": "另一条路", "kind": "road", "org_unit": district.pk})
    assert refused.status_code == 403
    assert client_for(make_user(Role.INSPECTOR, district)).get(reverse("complaints:gazetteer-list")).status_code == 403



def test_the_gazetteer_list_sorts_filters_counts_and_exports(client_for, make_user, city, units):
    # given two entries in two districts, one switched off
    GazetteerEntry.objects.create(name="测试甲路", kind="road", org_unit=units["金水区"], note="东段")
    GazetteerEntry.objects.create(name="测试乙片区", kind="area", org_unit=units["二七区"], active=False)
    client = client_for(make_user(Role.LEADERSHIP_OFFICE, city))
    url = reverse("complaints:gazetteer-list")
    # when the office filters by unit and by name
    page = client.get(url, {"org_unit": units["金水区"].pk, "q": "测试"}).content.decode()
    # then only the district's entry is listed, with the count
    assert "测试甲路" in page and "测试乙片区" not in page and 'id="result-count"' in page and "共 1 条" in page
    # and the list sorts by its columns (an unknown sort is ignored), greying the switched-off entry
    up, down = (client.get(url, {"q": "测试", "sort": sort}).content.decode() for sort in ("name", "-name"))
    assert up.index("测试乙片区") < up.index("测试甲路") and down.index("测试甲路") < down.index("测试乙片区")
    assert "gazetteer-entry qc-muted" in up
    assert client.get(url, {"sort": "password", "active": "maybe"}).status_code == 200
    # and the export holds the filtered rows, audited
    response = client.get(url, {"q": "测试", "kind": "area", "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[1:] == [("测试乙片区", "片区", "二七区", None, "否")]
    assert AuditEvent.objects.filter(action="export", object_type="complaints.gazetteerentry").exists()
