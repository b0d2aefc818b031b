"""The public complaint disclosure: the figures, the page, the API, and that no personal data gets out."""

import datetime
import json
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from qcity.complaints.choices import ComplaintStatus, DeclineGround, MediationOutcome
from qcity.complaints.disclosure import complaint_disclosure
from qcity.enterprises.tests.factories import EnterpriseFactory

from .factories import ComplaintCategoryFactory, ComplaintEventFactory, ComplaintFactory, ProblemTypeFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)
SECRET_PHONE = "13987654321"
SECRET_ID = "410105198801012341"
SECRET_NAME = "欧阳秘密"
TYPED = f"投诉人{SECRET_NAME}，电话{SECRET_PHONE}，身份证{SECRET_ID}，要求退款。"


def received(day: datetime.date) -> dict:
    return {"received_at": datetime.datetime(day.year, day.month, day.day, 10, tzinfo=datetime.UTC),
            "received_on": day}


@pytest.fixture
def enterprise(district):
    return EnterpriseFactory(org_unit=district, name="郑州公示测试超市有限公司")


@pytest.fixture
def published(enterprise, district):
    """Six complaints in the last 12 months (three finished), plus what must not count."""
    food, service = ComplaintCategoryFactory(name="食品"), ComplaintCategoryFactory(name="餐饮服务")
    quality = ProblemTypeFactory(name="质量")
    common = {"respondent": enterprise, "org_unit": district, "person_name": SECRET_NAME,
              "person_phone": SECRET_PHONE, "person_id_number": SECRET_ID, "facts": TYPED, "request": TYPED}
    agreed = ComplaintFactory(**common, **received(datetime.date(2026, 3, 2)), category=food, problem_type=quality,
                              status=ComplaintStatus.CLOSED, outcome=MediationOutcome.AGREEMENT,
                              closed_on=datetime.date(2026, 4, 1))
    ComplaintEventFactory(complaint=agreed, note=TYPED)
    ComplaintFactory(**common, **received(datetime.date(2026, 5, 6)), category=food, status=ComplaintStatus.SETTLED,
                     settlement_started_on=datetime.date(2026, 5, 6), closed_on=datetime.date(2026, 5, 12),
                     settlement_note=TYPED)
    ComplaintFactory(**common, **received(datetime.date(2025, 8, 1)), category=service,
                     status=ComplaintStatus.DECLINED, decline_ground=DeclineGround.NOT_DAILY_CONSUMPTION,
                     decision_note=TYPED, closed_on=datetime.date(2025, 8, 20), closed_late=True)
    ComplaintFactory(**common, **received(datetime.date(2026, 6, 10)))  # being handled, unclassified
    ComplaintFactory(**common, **received(datetime.date(2026, 6, 12)), status=ComplaintStatus.DIRECT_SETTLEMENT,
                     settlement_started_on=datetime.date(2026, 6, 12))  # window still open: not in the rate
    ComplaintFactory(**common, **received(datetime.date(2026, 1, 5)), status=ComplaintStatus.MEDIATING,
                     settlement_started_on=datetime.date(2026, 1, 5), accepted_on=datetime.date(2026, 1, 20))
    # not counted: a report, another enterprise's complaint, one older than 12 months
    ComplaintFactory(**common, **received(datetime.date(2026, 2, 2)), report=True)
    ComplaintFactory(**{**common, "respondent": EnterpriseFactory(org_unit=district, numbered=True)},
                     **received(datetime.date(2026, 2, 2)))
    ComplaintFactory(**common, **received(datetime.date(2025, 3, 1)), status=ComplaintStatus.CLOSED,
                     closed_on=datetime.date(2025, 4, 1))
    return enterprise


def test_the_disclosure_counts_complaints_of_the_last_12_months(published):
    disclosure = complaint_disclosure(enterprise=published, today=TODAY)

    assert (disclosure.period_from, disclosure.period_to) == (datetime.date(2025, 7, 1), TODAY)
    assert disclosure.received == 6 and disclosure.finished == 3
    assert {(r.label, r.count) for r in disclosure.outcomes} == {("达成调解协议", 1), ("和解结案", 1), ("不予受理", 1)}
    assert [(r.label, r.count) for r in disclosure.categories] == [("未分类", 3), ("食品", 2), ("餐饮服务", 1)]
    assert [(r.label, r.count) for r in disclosure.problem_types] == [("未分类", 5), ("质量", 1)]
    assert disclosure.on_time_rate == Decimal("66.67")  # 2 of the 3 finished
    assert disclosure.direct_settlement_rate == Decimal("50.0")  # 1 settled of the 2 whose window is over
    assert len(disclosure.months) == 12 and disclosure.months[0].label == "2025-07"
    assert sum(m.count for m in disclosure.months) == 6


def test_a_calendar_year_counts_by_received_day(published):
    disclosure = complaint_disclosure(enterprise=published, today=TODAY, year=2025)
    assert disclosure.received == 2 and disclosure.finished == 2  # 2025-03-01 and 2025-08-01
    assert [m.label for m in disclosure.months][:1] == ["2025-01"]


@time_machine.travel("2026-06-15 10:00:00+08:00", tick=False)  # the data above is dated around that day
def test_the_page_and_the_api_show_no_personal_data(client, published):
    page = client.get(reverse("complaints-public:complaint-disclosure", args=[published.uscc]))
    api = client.get(f"/api/public/complaint-disclosures/{published.uscc}/")

    assert page.status_code == 200 and api.status_code == 200
    html, body = page.content.decode(), json.dumps(api.json(), ensure_ascii=False)
    assert api.json()["received"] == 6 and 'id="disclosure-received">6' in html
    for text in (html, body):
        for secret in (SECRET_PHONE, SECRET_ID, SECRET_NAME, "要求退款", "TS0"):
            assert secret not in text


def test_an_enterprise_without_complaints_shows_none(client, district):
    enterprise = EnterpriseFactory(org_unit=district)
    page = client.get(reverse("complaints-public:complaint-disclosure", args=[enterprise.uscc]))
    assert page.status_code == 200 and "暂无投诉" in page.content.decode()


def test_an_unknown_credit_code_is_not_found(client):
    assert client.get(reverse("complaints-public:complaint-disclosure", args=["91410100MA00000000"])).status_code == 404
    assert client.get("/api/public/complaint-disclosures/91410100MA00000000/").status_code == 404


def test_a_bad_year_is_ignored_by_the_page_and_named_by_the_api(client, published):
    url = reverse("complaints-public:complaint-disclosure", args=[published.uscc])
    assert client.get(url, {"year": "abc"}).status_code == 200
    response = client.get(f"/api/public/complaint-disclosures/{published.uscc}/", {"year": "abc"})
    assert response.status_code == 400 and "year" in response.json()
    assert client.get(url, {"year": "2025"}).context["disclosure"].received == 2


@time_machine.travel("2026-06-15 10:00:00+08:00", tick=False)  # the data above is dated around that day
def test_the_public_credit_file_links_to_the_disclosure(client, published):
    page = client.get(reverse("portal:credit-file", args=[published.uscc])).content.decode()
    assert reverse("complaints-public:complaint-disclosure", args=[published.uscc]) in page
    assert "近12个月收到投诉 6 件" in page


def test_the_page_runs_a_fixed_number_of_queries(client, published, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get(reverse("complaints-public:complaint-disclosure", args=[published.uscc]))


def test_the_city_statistics_rank_the_categories_of_the_year(client, published):
    page = client.get(reverse("complaints-public:complaint-statistics"), {"year": "2026"})
    statistics = page.context["statistics"]
    assert page.status_code == 200 and statistics.received == 6  # the other enterprise's complaint counts here
    assert [(r.label, r.count) for r in statistics.categories] == [("食品", 2)]
    html = page.content.decode()
    assert SECRET_NAME not in html and SECRET_PHONE not in html
