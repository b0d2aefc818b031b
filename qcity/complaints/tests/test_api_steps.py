"""The handling steps over the API: wiring, 400 naming the field, 404 outside the scope."""

import pytest
from django.urls import reverse

from qcity.complaints.choices import ComplaintStatus, DeclineGround, MediationMode, ReportTipDecision
from qcity.complaints.deadlines import refresh
from qcity.core.choices import Role

from .factories import ComplaintFactory


@pytest.fixture
def handler(make_user, district):
    return make_user(Role.COMPLAINT_HANDLER, district)


@pytest.fixture
def complaint(district):
    complaint = ComplaintFactory(org_unit=district)
    refresh(complaint)
    complaint.save()
    return complaint


def url(step, complaint):
    return reverse(f"api-complaint-{step}", args=[complaint.pk])


def test_accept_then_mediate_answers_the_detail(api_for, handler, complaint):
    api = api_for(handler)
    response = api.post(url("accept", complaint), {}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == ComplaintStatus.ACCEPTED and response.json()["mediation_deadline"]
    response = api.post(url("mediation-start", complaint), {"mode": MediationMode.REMOTE, "mediator": handler.pk},
                        format="json")
    assert response.status_code == 200 and response.json()["status"] == ComplaintStatus.MEDIATING


def test_decline_without_ground_is_400_naming_it(api_for, handler, complaint):
    response = api_for(handler).post(url("decline", complaint), {"note": "x"}, format="json")
    assert response.status_code == 400 and "ground" in response.json()
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RECEIVED


def test_a_refused_transition_is_400_naming_the_status(api_for, handler, complaint):
    api = api_for(handler)
    api.post(url("decline", complaint), {"ground": DeclineGround.NOT_COMPETENT}, format="json")
    response = api.post(url("accept", complaint), {}, format="json")
    assert response.status_code == 400 and "status" in response.json()


def test_a_bad_extension_is_400(api_for, handler, complaint):
    api = api_for(handler)
    api.post(url("accept", complaint), {}, format="json")
    response = api.post(url("extend", complaint), {"working_days": 99, "reason": "复杂"}, format="json")
    assert response.status_code == 400 and "working_days" in response.json()


def test_a_complaint_outside_the_scope_is_404(api_for, make_user, city, complaint):
    other = make_user(Role.COMPLAINT_HANDLER, city.children.exclude(name="金水区").first())
    assert api_for(other).post(url("accept", complaint), {}, format="json").status_code == 404


def test_an_enterprise_user_is_403(api_for, make_user, district, complaint):
    user = make_user(Role.ENTERPRISE_USER, district)
    assert api_for(user).post(url("accept", complaint), {}, format="json").status_code == 403


def test_a_report_is_decided_over_the_api(api_for, handler, district):
    report = ComplaintFactory(org_unit=district, report=True)
    api = api_for(handler)
    assert api.post(url("verify-start", report), {}, format="json").status_code == 200
    response = api.post(url("decide", report), {"decision": ReportTipDecision.NOT_OPENED}, format="json")
    assert response.status_code == 200 and response.json()["status"] == ComplaintStatus.CLOSED
