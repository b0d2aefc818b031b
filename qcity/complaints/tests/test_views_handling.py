"""The handling step pages: wiring, permissions, the refusal shown on the form (400), the steps partial."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from qcity.complaints import selectors
from qcity.complaints.choices import ComplaintStatus, DeclineGround
from qcity.complaints.deadlines import refresh
from qcity.complaints.views.handling import STEP_VIEWS
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
    return reverse(f"complaints:complaint-{step}", args=[complaint.pk])


def test_every_step_has_its_url():
    assert {name for name in STEP_VIEWS} >= {"accept", "decline", "mediation-start", "recusal", "suspend", "resume",
                                             "extend", "clue-record", "clue-extend", "clue-verify", "close",
                                             "terminate", "verify-start", "check-extend", "decide",
                                             "reporter-notify", "report-close", "assign"}


def test_a_step_page_shows_its_form(client_for, handler, complaint, django_assert_max_num_queries):
    client = client_for(handler)
    with django_assert_max_num_queries(12):
        response = client.get(url("decline", complaint))
    assert response.status_code == 200
    assert 'name="decline-ground"' in response.content.decode()


def test_accepting_returns_to_the_complaint(client_for, handler, complaint):
    response = client_for(handler).post(url("accept", complaint), {"accept-accepted_on": ""})
    assert response.status_code == 302 and response.url == reverse("complaints:complaint-detail", args=[complaint.pk])
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ACCEPTED and complaint.mediation_deadline is not None


def test_declining_without_a_ground_is_400_on_the_form(client_for, handler, complaint):
    response = client_for(handler).post(url("decline", complaint), {"decline-ground": "", "decline-note": "x"})
    assert response.status_code == 400
    assert response.context["form"].errors["ground"]
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RECEIVED


def test_a_refusal_of_the_service_shows_on_the_form(client_for, handler, complaint):
    complaint.status = ComplaintStatus.ACCEPTED
    complaint.save()
    response = client_for(handler).post(url("decline", complaint), {"decline-ground": DeclineGround.TIME_BARRED})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()


def test_a_button_step_runs_and_returns(client_for, handler, district):
    report = ComplaintFactory(org_unit=district, report=True)
    response = client_for(handler).post(url("verify-start", report))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ComplaintStatus.VERIFYING


def test_a_complaint_outside_the_scope_is_404(client_for, make_user, city, complaint):
    other = make_user(Role.COMPLAINT_HANDLER, city.children.exclude(name="金水区").first())
    assert client_for(other).get(url("accept", complaint)).status_code == 404
    assert client_for(other).post(url("accept", complaint)).status_code == 404


def test_an_enterprise_user_may_not_take_a_step(client_for, make_user, district, complaint):
    user = make_user(Role.ENTERPRISE_USER, district)
    assert client_for(user).post(url("accept", complaint)).status_code == 403


def test_the_steps_partial_offers_the_open_steps(handler, complaint, district):
    steps = selectors.complaint_available_steps(complaint=complaint, user=handler)
    assert steps == ["accept", "decline", "assign"]
    request = RequestFactory().get("/")
    request.user = handler
    html = render_to_string("complaints/partials/steps.html", {"complaint": complaint, "steps": steps}, request)
    assert url("accept", complaint) in html and url("decline", complaint) in html
    report = ComplaintFactory(org_unit=district, report=True)
    html = render_to_string("complaints/partials/steps.html", {
        "complaint": report, "steps": selectors.complaint_available_steps(complaint=report, user=handler)}, request)
    assert f'action="{url("verify-start", report)}"' in html


def test_no_steps_outside_the_scope(make_user, city, complaint):
    other = make_user(Role.COMPLAINT_HANDLER, city.children.exclude(name="金水区").first())
    assert selectors.complaint_available_steps(complaint=complaint, user=other) == []
