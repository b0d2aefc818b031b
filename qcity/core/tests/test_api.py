import pytest
from rest_framework.test import APIClient

from qcity.core.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(make_user):
    client = APIClient()
    client.force_authenticate(make_user(Role.COMPLAINT_HANDLER))
    return client


def test_working_days_add_and_between(api):
    assert api.get("/api/working-days/", {"start": "2026-09-30", "days": 3}).json()["end"] == "2026-10-10"
    assert api.get("/api/working-days/", {"start": "2026-09-30", "end": "2026-10-12"}).json()["days"] == 4


@pytest.mark.parametrize(("params", "field"), [
    ({"start": "2026-12-28", "days": 10}, "days"),
    ({"start": "2027-03-01", "days": 1}, "start"),
    ({"start": "2026-13-01", "days": 1}, "start"),
    ({"start": "2026-01-05"}, "days"),
    ({"start": "2026-01-05", "days": "many"}, "days"),
])
def test_working_days_bad_input_is_400_naming_the_field(api, params, field):
    response = api.get("/api/working-days/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_deadline_uses_the_rule_in_force(api):
    body = api.get("/api/legal-durations/complaint-acceptance-decision/deadline/", {"start": "2026-04-01"}).json()
    assert body["deadline"] == "2026-04-13" and body["duration"]["unit"] == "working_days"
    assert api.get("/api/legal-durations/no-such/deadline/", {"start": "2026-04-01"}).status_code == 404
    assert api.get("/api/legal-durations/penalty-publication/deadline/", {"start": "2026-12-20"}).status_code == 400


def test_reference_lists(api):
    assert len(api.get("/api/org-units/").json()) == 17
    assert any(d["code"] == "market-regulation" for d in api.get("/api/departments/").json())
    assert any(d["code"] == "penalty-publication" for d in api.get("/api/legal-durations/").json())


def test_anonymous_is_refused():
    assert APIClient().get("/api/working-days/", {"start": "2026-01-05", "days": 1}).status_code == 401
