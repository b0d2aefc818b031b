import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from qcity.core import workdays
from qcity.core.choices import Role
from qcity.core.models import HolidayCalendarYear
from qcity.core.tests.schedules import drop_official_year, last_official_year, official_schedule

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
    ({"start": "2026-13-01", "days": 1}, "start"),
    ({"start": "2026-01-05", "days": 5000}, "days"),
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
    assert api.get("/api/legal-durations/penalty-publication/deadline/", {"start": "2026-12-40"}).status_code == 400


def test_a_count_into_a_year_without_schedule_answers_and_says_provisional(api):
    drop_official_year(2027)
    try:
        body = api.get("/api/working-days/", {"start": "2026-12-28", "days": 10}).json()
        assert body == {"start": "2026-12-28", "days": 10, "end": "2027-01-12", "provisional": True,
                        "provisional_year": 2027}
        due = api.get("/api/legal-durations/penalty-publication/deadline/", {"start": "2026-12-20"}).json()
        assert due["provisional"] is True and due["provisional_year"] == 2027
        official = api.get("/api/working-days/", {"start": "2026-09-30", "days": 3}).json()
        assert official["provisional"] is False and official["provisional_year"] is None
    finally:
        workdays.invalidate()


def test_holiday_years_list_official_and_provisional_years(api, today):
    years = {row["year"]: row for row in api.get("/api/holiday-calendar-years/").json()}
    # the last year the library covers is official, whatever the day (on a day after it, today's year is not)
    assert years[last_official_year()]["official"] and years[2015]["official"]
    later = max(years)
    assert later >= today.year + 1
    if not years[later]["official"]:
        # 元旦, or 元旦补假 on the Monday after when 1 January is a Saturday or Sunday (2028)
        assert any(d["name"].startswith("元旦") and d["type"] == "休" for d in years[later]["days"])


def test_holiday_year_import_by_json_and_file_with_errors_naming_the_line(make_user):
    drop_official_year(2027)
    try:
        admin = APIClient()
        admin.force_authenticate(make_user(Role.SYSTEM_ADMIN))
        days = [{"date": d.date.isoformat(), "type": "休", "name": d.name} for d in official_schedule(2027)]
        bad = admin.post("/api/holiday-calendar-years/import/", {"year": 2027, "source": "通知",
                                                                 "days": days + [days[0]]}, format="json")
        assert bad.status_code == 400 and "重复" in str(bad.json()["days"])
        assert not HolidayCalendarYear.objects.filter(year=2027).exists()
        not_a_file = admin.post("/api/holiday-calendar-years/import/",
                                {"source": "通知", "file": SimpleUploadedFile("notice.pdf", b"%PDF-1.4")})
        assert not_a_file.status_code == 400 and "file" in not_a_file.json()
        payload = json.dumps({"year": 2027, "source": "国办发明电", "days": days}, ensure_ascii=False).encode()
        good = admin.post("/api/holiday-calendar-years/import/",
                          {"file": SimpleUploadedFile("2027.json", payload, content_type="application/json")})
        assert good.status_code == 201 and good.json()["official"] is True and good.json()["source"] == "国办发明电"
        again = admin.post("/api/holiday-calendar-years/import/", {"year": 2027, "source": "通知", "days": days},
                           format="json")
        assert again.status_code == 400 and "year" in again.json()
    finally:
        workdays.invalidate()


def test_holiday_year_import_answers_201_when_written_and_200_when_resent(make_user):
    drop_official_year(2027)
    try:
        admin = APIClient()
        admin.force_authenticate(make_user(Role.SYSTEM_ADMIN))
        days = [{"date": d.date.isoformat(), "type": "休", "name": d.name} for d in official_schedule(2027)]
        body = {"year": 2027, "source": "国办发明电", "days": days}
        first = admin.post("/api/holiday-calendar-years/import/", body, format="json")
        assert first.status_code == 201 and first.json()["official"] is True
        loaded_at = HolidayCalendarYear.objects.get(year=2027).loaded_at
        # the same notice sent again writes nothing: 200 with the same year, not a second 201
        again = admin.post("/api/holiday-calendar-years/import/", body, format="json")
        assert again.status_code == 200 and again.json() == first.json()
        assert HolidayCalendarYear.objects.get(year=2027).loaded_at == loaded_at
        # a correction writes: 201 again
        corrected = admin.post("/api/holiday-calendar-years/import/",
                               {**body, "source": "国办发明电（更正）", "correction": True}, format="json")
        assert corrected.status_code == 201 and corrected.json()["source"] == "国办发明电（更正）"
    finally:
        workdays.invalidate()


def test_holiday_year_import_is_for_the_system_administrator_only(api):
    response = api.post("/api/holiday-calendar-years/import/", {"year": 2027, "source": "x", "days": []}, format="json")
    assert response.status_code == 403


def test_reference_lists(api):
    assert len(api.get("/api/org-units/").json()) == 17
    assert any(d["code"] == "market-regulation" for d in api.get("/api/departments/").json())
    assert any(d["code"] == "penalty-publication" for d in api.get("/api/legal-durations/").json())


def test_anonymous_is_refused():
    assert APIClient().get("/api/working-days/", {"start": "2026-01-05", "days": 1}).status_code == 401
