"""The officer's transcription page (hotline, counter): who may open it, the channel, the landing page."""

import pytest
from django.urls import reverse

from qcity.complaints.models import Complaint
from qcity.core.choices import Role

pytestmark = pytest.mark.django_db

URL = reverse("complaints:complaint-create")


def form_data(**overrides):
    data = {"channel": "hotline", "kind": "both", "person_name": "李四", "person_phone": "0371-67891234",
            "respondent_name": "郑州某某餐饮有限公司", "subject": "饭菜不洁", "facts": "就餐后腹泻。",
            "reporter_channel": "phone", "form_token": "officer-tok-1"}
    data.update(overrides)
    return data


def test_only_complaint_handlers_open_the_page(client_for, make_user, district):
    assert client_for(make_user(Role.ENTERPRISE_USER, district)).get(URL).status_code == 403
    assert client_for(make_user(Role.COMPLAINT_HANDLER)).get(URL).status_code == 200


def test_a_hotline_call_is_registered_and_the_officer_lands_on_the_complaint(client_for, make_user):
    handler = make_user(Role.COMPLAINT_HANDLER)
    response = client_for(handler).post(URL, form_data())
    complaint, report = Complaint.objects.order_by("id")
    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:complaint-detail", args=[complaint.pk])
    assert complaint.channel == report.channel == "hotline" and complaint.registered_by == handler
    assert report.split_from == complaint and complaint.person_phone == "0371-67891234"


def test_the_same_form_sent_twice_is_registered_once(client_for, make_user):
    client = client_for(make_user(Role.COMPLAINT_HANDLER))
    client.post(URL, form_data(kind="complaint"))
    client.post(URL, form_data(kind="complaint"))
    assert Complaint.objects.count() == 1


def test_bad_input_is_a_400_naming_the_field(client_for, make_user):
    response = client_for(make_user(Role.COMPLAINT_HANDLER)).post(URL, form_data(channel="portal",
                                                                                 person_id_number="123"))
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-field="channel"' in body
    assert not Complaint.objects.exists()
