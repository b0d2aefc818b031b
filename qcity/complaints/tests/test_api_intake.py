"""POST /api/complaints/intake/: the national 12315 platform's hand-over, checked against the shipped JSON
schema; a repeated work order answers with the rows it created; errors name the field."""

import pytest
from django.urls import reverse

from qcity.complaints.api.intake import intake_schema
from qcity.complaints.models import Complaint
from qcity.complaints.services import intake
from qcity.core.choices import Role

pytestmark = pytest.mark.django_db

URL = reverse("api-complaint-intake")


def work_order(**overrides):
    body = {"source_ref": "GD202606150001", "kind": "complaint", "person_name": "王小明",
            "person_phone": "13812345678", "respondent_name": "郑州某某超市有限公司",
            "respondent_address": "郑州市金水区花园路100号", "subject": "买到过期牛奶",
            "facts": "在超市购买的牛奶已过保质期。", "amount": 12.5, "harm_known_on": "2026-06-01"}
    body.update(overrides)
    return body


@pytest.fixture
def api(api_for, make_user):
    return api_for(make_user(Role.COMPLAINT_HANDLER))


def test_a_work_order_is_registered_201_and_the_same_one_again_is_200_with_the_same_rows(api):
    first = api.post(URL, work_order(kind="both"), format="json")
    assert first.status_code == 201, first.content
    assert first.data["created"] is True and len(first.data["complaints"]) == 2
    again = api.post(URL, work_order(kind="both"), format="json")
    assert again.status_code == 200 and again.data["created"] is False
    assert again.data["complaints"] == first.data["complaints"]
    complaint = Complaint.objects.get(source_ref="GD202606150001")
    assert complaint.channel == "national_platform" and str(complaint.amount) == "12.50"
    assert Complaint.objects.count() == 2


@pytest.mark.parametrize(("body", "field"), [
    (work_order(kind="petition"), "kind"),
    ({k: v for k, v in work_order().items() if k != "subject"}, "subject"),
    (work_order(colour="red"), "colour"),
    (work_order(harm_known_on="01/06/2026"), "harm_known_on"),
    (work_order(person_phone=13812345678), "person_phone"),
    (work_order(source_ref="x" * 65), "source_ref"),
    (work_order(person_phone="123"), "person_phone"),  # the service's rule, after the schema
    (work_order(harm_known_on="2099-01-01"), "harm_known_on"),
    (work_order(amount=-3), "amount"),
    (work_order(amount="1e100"), "amount"),
    (work_order(amount=1e100), "amount"),
])
def test_bad_input_is_a_400_naming_the_field(api, body, field):
    response = api.post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Complaint.objects.exists()


def test_a_body_that_is_not_an_object_is_a_400(api):
    assert api.post(URL, [1, 2], format="json").status_code == 400


def test_an_idempotency_key_replays_the_first_answer(api):
    first = api.post(URL, work_order(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post(URL, work_order(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and Complaint.objects.count() == 1


def test_only_complaint_handlers_hand_over(api_for, make_user, district):
    response = api_for(make_user(Role.ENTERPRISE_USER, district)).post(URL, work_order(), format="json")
    assert response.status_code == 403


def test_the_shipped_schema_names_every_field_the_service_takes():
    assert set(intake_schema()["required"]) <= set(intake_schema()["properties"])
    assert set(intake_schema()["properties"]) <= {*intake.FIELD_DEFAULTS, *intake.REQUIRED_FIELDS, "kind"}
    assert intake_schema()["$defs"]["batch"]["properties"]["work_orders"]["maxItems"] == intake.BATCH_MAX


def batch(*numbers, **overrides):
    return {"work_orders": [work_order(source_ref=f"GD-{n}", **overrides) for n in numbers]}


def test_a_batch_is_registered_201_and_resent_is_200_with_the_same_rows(api):
    first = api.post(URL, batch(1, 2, 3), format="json")
    assert first.status_code == 201, first.content
    assert [len(item["complaints"]) for item in first.data["work_orders"]] == [1, 1, 1]
    again = api.post(URL, batch(1, 2, 3), format="json")
    assert again.status_code == 200 and again.data["created"] is False
    assert again.data["work_orders"] == [{**item, "created": False} for item in first.data["work_orders"]]
    grown = api.post(URL, batch(3, 4), format="json")
    assert grown.status_code == 201 and [item["created"] for item in grown.data["work_orders"]] == [False, True]
    assert Complaint.objects.count() == 4


@pytest.mark.parametrize(("item", "field"), [
    (work_order(source_ref="GD-2", kind="petition"), "work_orders[1].kind"),  # the schema
    (work_order(source_ref="GD-2", colour="red"), "work_orders[1].colour"),
    ({k: v for k, v in work_order(source_ref="GD-2").items() if k != "subject"}, "work_orders[1].subject"),
    (work_order(source_ref="GD-2", person_phone="123"), "work_orders[1].person_phone"),  # the service
    (work_order(source_ref="GD-1"), "work_orders[1].source_ref"),  # the same number twice in one batch
])
def test_one_bad_work_order_refuses_the_batch_naming_its_index(api, item, field):
    response = api.post(URL, {"work_orders": [work_order(source_ref="GD-1"), item]}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("body", [batch(*range(101)), {"work_orders": []}, {"work_orders": {}},
                                  {"work_orders": [work_order()], "extra": 1}])
def test_a_batch_over_100_empty_or_malformed_is_a_400(api, body):
    response = api.post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()) & {"work_orders", "extra"}
    assert not Complaint.objects.exists()
