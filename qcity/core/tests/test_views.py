from datetime import date

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from qcity.core import workdays
from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent, HolidayCalendarDay, HolidayCalendarYear, LegalDuration, User
from qcity.core.navigation import menu_for
from qcity.core.tests.schedules import drop_official_year, official_schedule

pytestmark = pytest.mark.django_db
PASSWORD = "Test-pass-123!"


def test_login_locks_out_after_repeated_failures(client, make_user):
    user = make_user(Role.INSPECTOR)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": user.username, "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_login_succeeds_and_lands_on_home(client, make_user):
    user = make_user(Role.INSPECTOR)
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}, follow=True)
    assert response.status_code == 200 and "执法检查人员" in response.content.decode()


def test_session_times_out_after_inactivity():
    assert settings.SESSION_COOKIE_AGE <= 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST


def test_menu_follows_roles(make_user):
    labels = lambda user: {item.url_name for item in menu_for(user)}  # noqa: E731
    assert "core:audit-log" in labels(make_user(Role.AUDIT_ADMIN))
    assert "enterprises:list" not in labels(make_user(Role.AUDIT_ADMIN))
    assert "core:audit-log" not in labels(make_user(Role.LEADERSHIP_OFFICE))


def test_system_admin_creates_user_security_admin_grants_role(client, make_user, district):
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    response = client.post("/core/users/", {"username": "newbie", "full_name": "新人", "password": PASSWORD,
                                            "org_unit": district.pk})
    assert response.status_code == 302
    newbie = User.objects.get(username="newbie")
    assert client.post(f"/core/users/{newbie.pk}/roles/", {"role": "inspector", "org_unit": district.pk}).status_code == 403
    client.force_login(make_user(Role.SECURITY_ADMIN))
    client.post(f"/core/users/{newbie.pk}/roles/", {"role": "inspector", "org_unit": district.pk})
    assert newbie.role_assignments.filter(role="inspector", org_unit=district).exists()


def test_weak_password_is_400_with_reason(client, make_user):
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    response = client.post("/core/users/", {"username": "weak", "full_name": "x", "password": "abc"})
    assert response.status_code == 400 and not User.objects.filter(username="weak").exists()


def test_holiday_year_form_enters_a_year_and_reports_bad_lines(client, make_user):
    drop_official_year(2027)
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    lines = "\n".join(f"{d.date} 休 {d.name}" for d in official_schedule(2027))
    bad = client.post("/core/holiday-calendar/year/", {"year": 2027, "source": "通知", "days": lines + "\n2027-13-01 休"})
    assert bad.status_code == 400 and "第" in bad.content.decode() and "2027-13-01" in bad.content.decode()
    first_half = "\n".join(f"{d.date} 休 {d.name}" for d in official_schedule(2027) if d.date.month <= 6)
    half = client.post("/core/holiday-calendar/year/", {"year": 2027, "source": "通知", "days": first_half})
    assert half.status_code == 400 and "缺少国庆节" in half.content.decode()
    assert not HolidayCalendarDay.objects.filter(date__year=2027).exists()
    good = client.post("/core/holiday-calendar/year/", {"year": 2027, "source": "通知",
                                                        "days": lines + "\n2027-02-20 班 春节调休"})
    assert good.status_code == 302
    assert HolidayCalendarDay.objects.get(date=date(2027, 2, 20)).is_workday
    workdays.invalidate()
    assert workdays.is_workday(date(2027, 2, 20))
    workdays.invalidate()


def test_holiday_year_form_takes_an_xlsx_file(client, make_user):
    import io

    from openpyxl import Workbook

    drop_official_year(2027)
    workbook = Workbook()
    workbook.active.append(["日期", "类型", "名称"])
    for d in official_schedule(2027):
        workbook.active.append([d.date, "休", d.name])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    response = client.post("/core/holiday-calendar/year/", {
        "year": 2027, "source": "国办发明电", "file": SimpleUploadedFile("2027.xlsx", buffer.getvalue())})
    assert response.status_code == 302
    assert HolidayCalendarYear.objects.get(year=2027).source == "国办发明电"
    workdays.invalidate()


def test_a_year_without_schedule_shows_its_provisional_calendar(client, make_user, time_machine):
    import datetime
    import zoneinfo

    # the page offers the years up to next year, so 2027 is on it on a day of 2026 (not the suite's pinned day's)
    time_machine.move_to(datetime.datetime(2026, 12, 5, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")))
    drop_official_year(2027)
    client.force_login(make_user(Role.COMPLAINT_HANDLER))
    page = client.get("/core/holiday-calendar/?year=2027").content.decode()
    assert 'id="provisional-note"' in page and "2027-02-09" in page and "春节补假" in page
    assert "calendar-warning" not in page  # the warning is the system administrator's, not everyone's
    workdays.invalidate()


def test_the_system_administrator_is_warned_from_november_only(client, make_user, time_machine):
    import datetime
    import zoneinfo

    drop_official_year(2027)
    admin = make_user(Role.SYSTEM_ADMIN)
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    time_machine.move_to(datetime.datetime(2026, 10, 31, 10, tzinfo=shanghai), tick=False)
    client.force_login(admin)  # sessions time out: log in on the day itself
    assert "calendar-warning" not in client.get("/").content.decode()
    time_machine.move_to(datetime.datetime(2026, 11, 1, 10, tzinfo=shanghai), tick=False)
    client.force_login(admin)
    page = client.get("/").content.decode()
    assert "calendar-warning" in page and "2027年法定节假日安排尚未录入" in page
    client.force_login(make_user(Role.LEADERSHIP_OFFICE))
    assert "calendar-warning" not in client.get("/core/holiday-calendar/").content.decode()
    workdays.invalidate()


def test_legal_duration_edit_is_system_admin_only_and_audited(client, make_user):
    duration = LegalDuration.objects.filter(code="penalty-publication").first()
    client.force_login(make_user(Role.LEADERSHIP_OFFICE))
    assert client.get(f"/core/legal-durations/{duration.pk}/edit/").status_code == 403
    admin = make_user(Role.SYSTEM_ADMIN)
    client.force_login(admin)
    response = client.post(f"/core/legal-durations/{duration.pk}/edit/", {
        "name": duration.name, "value": 21, "unit": "working_days", "legal_source": duration.legal_source,
        "confirmed": "on", "effective_from": duration.effective_from.isoformat(), "effective_to": ""})
    assert response.status_code == 302
    duration.refresh_from_db()
    assert duration.value == 21
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, actor=admin, object_id=str(duration.pk))
    assert event.before == {"value": 20} and event.after == {"value": 21}


@pytest.mark.parametrize("url", ["/core/org-units/", "/core/departments/", "/core/legal-durations/",
                                 "/core/holiday-calendar/", "/"])
def test_reference_pages_render_for_any_role(client, make_user, url):
    client.force_login(make_user(Role.COMPLAINT_HANDLER))
    assert client.get(url).status_code == 200


def test_user_without_role_is_refused_pages(client, make_user):
    client.force_login(make_user(None))
    assert client.get("/core/org-units/").status_code == 403
    assert client.get("/api/org-units/").status_code == 403


def test_security_admin_revokes_a_role_and_it_is_audited(client, make_user, district):
    target = make_user(Role.INSPECTOR, org_unit=district)
    assignment = target.role_assignments.get()
    security = make_user(Role.SECURITY_ADMIN)
    client.force_login(make_user(Role.SYSTEM_ADMIN))
    assert client.post(f"/core/role-assignments/{assignment.pk}/revoke/").status_code == 403
    client.force_login(security)
    assert client.post(f"/core/role-assignments/{assignment.pk}/revoke/").status_code == 302
    assert not target.role_assignments.exists()
    assert AuditEvent.objects.filter(action=AuditAction.ROLE_REVOKE, actor=security).exists()


def test_logins_and_failures_are_audited(client, make_user):
    user = make_user(Role.INSPECTOR)
    client.post("/accounts/login/", {"username": user.username, "password": "wrong"})
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    actions = list(AuditEvent.objects.filter(object_repr=user.username).values_list("action", flat=True))
    assert AuditAction.LOGIN_FAILED in actions
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, actor=user).exists()
