"""The reward pages and GET /api/rewards/: scope per role, the steps' wiring and refusals, the export, the
reward table's edit page, and the reward panel of a report's detail page."""

import io
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import load_workbook

from qcity.complaints.choices import ComplaintStatus, ReportTipDecision, RewardStatus
from qcity.complaints.models import Reward, RewardRule
from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent

from .factories import ComplaintFactory, RewardFactory

pytestmark = pytest.mark.django_db
LIST = reverse("complaints:reward-list")


@pytest.fixture
def other_district(city):
    return city.children.exclude(name="金水区").order_by("pk").first()


@pytest.fixture
def handler(make_user, district):
    return make_user(Role.COMPLAINT_HANDLER, org_unit=district)


@pytest.fixture
def office(make_user):
    return make_user(Role.LEADERSHIP_OFFICE)


@pytest.fixture
def report(district, today):
    return ComplaintFactory(report=True, org_unit=district, status=ComplaintStatus.CASE_OPENED,
                            tip_decision=ReportTipDecision.CASE_OPENED, tip_decided_on=today)


@pytest.fixture
def rewards(report, other_district):
    return {"mine": RewardFactory(complaint=report),
            "elsewhere": RewardFactory(complaint=ComplaintFactory(report=True, org_unit=other_district))}


def test_the_list_shows_the_rewards_in_scope(client_for, handler, office, rewards):
    page = client_for(handler).get(LIST)
    assert page.status_code == 200
    assert rewards["mine"].complaint.tracking_number in page.text
    assert rewards["elsewhere"].complaint.tracking_number not in page.text
    assert rewards["elsewhere"].complaint.tracking_number in client_for(office).get(LIST).text


def test_the_list_filters_and_exports_audited(client_for, office, rewards):
    client = client_for(office)
    response = client.get(LIST, {"status": "proposed", "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert len(rows) == 3  # headings + two rewards
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="complaints.reward").exists()
    assert rewards["mine"].complaint.person_name not in str(rows)  # no reporter's identity


def test_an_inspector_cannot_open_the_list(client_for, make_user, district):
    assert client_for(make_user(Role.INSPECTOR, org_unit=district)).get(LIST).status_code == 403


def test_the_api_lists_the_rewards_in_scope_and_names_a_bad_filter(api_for, handler, rewards):
    api = api_for(handler)
    response = api.get("/api/rewards/")
    assert response.status_code == 200
    assert [r["tracking_number"] for r in response.json()["results"]] == [rewards["mine"].complaint.tracking_number]
    assert "status" in api.get("/api/rewards/", {"status": "bogus"}).json()


def test_a_handler_proposes_from_the_report(client_for, handler, report):
    client = client_for(handler)
    url = reverse("complaints:complaint-reward", args=[report.pk])
    response = client.post(url, {"reward-grade": "grade_1", "reward-fine_amount": "100000",
                                 "reward-penalty_decision_number": "郑金市监罚〔2026〕9号"})
    reward = Reward.objects.get(complaint=report)
    assert response.status_code == 302 and response.url == reverse("complaints:reward-detail", args=[reward.pk])
    assert reward.amount == Decimal("5000")
    # a second proposal is refused with the page, 400
    again = client.post(url, {"reward-grade": "grade_1", "reward-fine_amount": "1",
                              "reward-penalty_decision_number": "x"})
    assert again.status_code == 400


def test_only_the_office_decides_and_pays(client_for, handler, office, rewards, today):
    reward = rewards["mine"]
    decide = reverse("complaints:reward-decide", args=[reward.pk])
    assert client_for(handler).post(decide, {"decide-approve": "yes"}).status_code == 403
    client = client_for(office)
    assert client.get(reverse("complaints:reward-detail", args=[reward.pk])).status_code == 200
    assert client.post(decide, {"decide-approve": "yes", "decide-amount": "999999"}).status_code == 400
    assert client.post(decide, {"decide-approve": "yes", "decide-note": "同意"}).status_code == 302
    pay = client.post(reverse("complaints:reward-pay", args=[reward.pk]),
                      {"pay-paid_on": today.isoformat(), "pay-payment_ref": "ZF-9"})
    assert pay.status_code == 302
    reward.refresh_from_db()
    assert reward.status == RewardStatus.PAID


def test_the_reward_table_is_read_by_handlers_and_edited_by_the_office(client_for, handler, office):
    rule = RewardRule.objects.get(grade="grade_1", fine_from=0)
    edit = reverse("complaints:reward-rule-edit", args=[rule.pk])
    page = client_for(handler).get(reverse("complaints:reward-rule-list"))
    assert page.status_code == 200 and edit not in page.text
    assert client_for(handler).get(edit).status_code == 403
    client = client_for(office)
    assert edit in client.get(reverse("complaints:reward-rule-list")).text
    assert client.post(edit, {"fine_to": "1000000", "rate_percent": "5", "minimum": "9",
                              "cap": "1"}).status_code == 400
    assert client.post(edit, {"fine_to": "1000000", "rate_percent": "6", "minimum": "5000",
                              "cap": "60000"}).status_code == 302
    rule.refresh_from_db()
    assert rule.rate_percent == Decimal(6)


def _panel(user, complaint) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load complaint_rewards %}{% reward_panel %}").render(
        Context({"complaint": complaint, "forms": {}, "request": request}))


def test_the_detail_panel_offers_the_proposal_then_shows_the_reward(handler, report, make_user, other_district):
    assert "reward-propose-form" in _panel(handler, report)
    outsider = make_user(Role.COMPLAINT_HANDLER, org_unit=other_district)
    assert "reward-propose-form" not in _panel(outsider, report)
    RewardFactory(complaint=report)
    html = _panel(handler, report)
    assert "reward-propose-form" not in html and "reward-summary" in html
