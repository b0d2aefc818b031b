"""GET /api/complaints/, /api/complaints/<pk>/, /api/complaint-events/: scope, masking, filters, query counts."""

import pytest
from django.urls import reverse

from qcity.complaints.choices import ComplaintEventKind, ComplaintStatus
from qcity.core.choices import Role
from qcity.enterprises.tests.factories import EnterpriseFactory

from .factories import ComplaintAttachmentFactory, ComplaintEventFactory, ComplaintFactory

pytestmark = pytest.mark.django_db
LIST = reverse("api-complaints")
EVENTS = reverse("api-complaint-events")


def detail(complaint):
    return reverse("api-complaint-detail", args=[complaint.pk])


@pytest.fixture
def respondent(district):
    return EnterpriseFactory(org_unit=district, numbered=True)


@pytest.fixture
def handler(make_user, district):
    return make_user(Role.COMPLAINT_HANDLER, org_unit=district)


@pytest.fixture
def enterprise_user(make_user, district, respondent):
    return make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=respondent)


@pytest.fixture
def complaint(district, respondent):
    complaint = ComplaintFactory(org_unit=district, respondent=respondent, respondent_name=respondent.name)
    ComplaintEventFactory(complaint=complaint)
    ComplaintEventFactory(complaint=complaint, kind=ComplaintEventKind.ACCEPTED, note="内部说明", public=False)
    ComplaintAttachmentFactory(complaint=complaint)
    return complaint


@pytest.fixture
def report(district, respondent):
    return ComplaintFactory(org_unit=district, respondent=respondent, report=True)


MASKED = {"name": "王*明", "phone": "138****5678", "id_number": "4101**********1234", "address": ""}


def test_list_is_scoped_and_always_masked(api_for, handler, complaint, report, city):
    ComplaintFactory(org_unit=None, status=ComplaintStatus.TRIAGE)  # the triage queue: city level only
    response = api_for(handler).get(LIST)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert {row["id"] for row in rows} == {complaint.pk, report.pk}
    assert all(row["person"] == MASKED for row in rows)


def test_detail_shows_the_full_person_to_the_handling_scope(api_for, handler, complaint):
    data = api_for(handler).get(detail(complaint)).json()
    assert data["person"]["name"] == "王小明" and data["person"]["phone"] == "13812345678"
    assert [e["kind"] for e in data["events"]] == ["received", "accepted"]
    assert len(data["attachments"]) == 1 and data["handler"] is None


def test_enterprise_gets_its_complaints_masked_without_reports_evidence_or_internal_steps(
        api_for, enterprise_user, complaint, report):
    api = api_for(enterprise_user)
    assert [row["id"] for row in api.get(LIST).json()["results"]] == [complaint.pk]
    assert api.get(detail(report)).status_code == 404
    data = api.get(detail(complaint)).json()
    assert data["person"] == MASKED and data["attachments"] == []
    assert [e["kind"] for e in data["events"]] == ["received"] and data["events"][0]["by"] is None
    events = api.get(EVENTS, {"complaint": complaint.pk}).json()["results"]
    assert [e["kind"] for e in events] == ["received"]


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.AUDIT_ADMIN])
def test_other_roles_are_refused(api_for, make_user, complaint, role):
    api = api_for(make_user(role))
    assert api.get(LIST).status_code == 403
    assert api.get(detail(complaint)).status_code == 403
    assert api.get(EVENTS).status_code == 403


@pytest.mark.parametrize("params, field", [({"status": "nonsense"}, "status"),
                                           ({"received_from": "2026-13-45"}, "received_from"),
                                           ({"org_unit": "99999999"}, "org_unit"),
                                           ({"overdue": "maybe"}, "overdue")])
def test_a_bad_filter_value_is_a_400_naming_it(api_for, handler, params, field):
    response = api_for(handler).get(LIST, params)
    assert response.status_code == 400 and field in response.json()


def test_event_filter_rejects_a_bad_id(api_for, handler):
    response = api_for(handler).get(EVENTS, {"complaint": "-1"})
    assert response.status_code == 400 and "complaint" in response.json()


def test_list_query_count_does_not_grow_with_rows(api_for, handler, district, django_assert_max_num_queries):
    api = api_for(handler)
    ComplaintFactory.create_batch(2, org_unit=district)
    api.get(LIST)
    with django_assert_max_num_queries(15) as few:
        api.get(LIST)
    ComplaintFactory.create_batch(20, org_unit=district)
    with django_assert_max_num_queries(len(few.captured_queries)):
        api.get(LIST)
