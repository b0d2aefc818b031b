from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from qcity.core import todos, workdays
from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent, HolidayCalendarDay, HolidayCalendarYear, LegalDuration, User
from qcity.core.navigation import menu_for
from qcity.core.tests.schedules import drop_official_year, official_schedule
from qcity.core.tests.todo_sources import fake_source, only_sources
from qcity.core.tests.todo_sources import item as todo_item

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
    # the expiry is renewed by the idle-timeout middleware, at most a minute late (test_middleware.py)
    assert settings.SESSION_COOKIE_AGE <= 30 * 60 and settings.QCITY_SESSION_REFRESH_SECONDS <= 60
    assert "qcity.core.middleware.SessionRefreshMiddleware" in settings.MIDDLEWARE


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


# --- the home page: each role's to-dos (sources faked: qcity/core/tests/todo_sources.py) -------------------


@pytest.fixture
def register_todos():
    """register_todos(*sources): the test's to-do sources, alone in the registry until the test ends."""
    with only_sources():
        yield lambda *sources: [todos.register(source) for source in sources]


@time_machine.travel(datetime(2026, 6, 15, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_home_lists_each_group_nearest_deadline_first_with_its_countdown(client_for, make_user, register_todos):
    today = date(2026, 6, 15)  # the items are dated around this Monday, whatever day the suite is pinned to
    # given a district officer with values to report: overdue, due today, soon, later, provisional, returned
    officer = make_user(Role.DISTRICT_OFFICER)
    register_todos(fake_source("t.values", label="待填报的指标", roles={Role.DISTRICT_OFFICER},
                               list_url="indicators:value-list", items=[
        todo_item("later", date(2026, 6, 29)), todo_item("overdue", date(2026, 6, 11)),
        todo_item("today", today), todo_item("soon", date(2026, 6, 18)),
        todo_item("returned", date(2026, 6, 30), detail="退回原因：数据与上月不一致", provisional=True)]))
    # when they open the home page (Monday 15 June)
    page = client_for(officer).get("/").content.decode()
    # then the group shows its count, its list page and the items nearest first, each with its countdown
    assert 'id="todo-t-values"' in page and "待填报的指标" in page and 'href="/indicators/values/"' in page
    assert [page.index(f"/todo/{t}/") for t in ("overdue", "today", "soon", "later", "returned")] == sorted(
        page.index(f"/todo/{t}/") for t in ("overdue", "today", "soon", "later", "returned"))
    assert "逾期2个工作日" in page and "今天到期" in page and "剩3个工作日" in page and "剩9个工作日" in page
    assert 'text-bg-danger" data-countdown="-2"' in page and 'text-bg-warning" data-countdown="3"' in page
    assert 'text-bg-secondary" data-countdown="9"' in page
    # and the returned value shows its reason, its provisional deadline is marked
    assert "退回原因：数据与上月不一致" in page and "暂定" in page
    assert 'id="todo-empty"' not in page


def test_home_says_nothing_is_due_and_offers_the_roles_pages(client_for, make_user, register_todos):
    # given a district officer with nothing due
    register_todos(fake_source("t.values", roles={Role.DISTRICT_OFFICER}, items=[]))
    # when they open the home page
    page = client_for(make_user(Role.DISTRICT_OFFICER)).get("/").content.decode()
    # then it says so, and offers their main pages (not the reference pages)
    assert 'id="todo-empty"' in page and "目前没有需要您处理的待办事项" in page
    entries = page[page.index('id="entry-points"'):]
    assert 'href="/indicators/values/"' in entries and 'href="/core/org-units/"' not in entries


def test_the_office_lands_on_its_todo_home_with_the_cockpit_first(client_for, make_user, register_todos):
    # given the office with a decomposition to confirm
    register_todos(fake_source("t.office", label="待确认的分解", roles={Role.LEADERSHIP_OFFICE},
                               items=[todo_item("split", date(2026, 6, 16))]))
    # when it opens the home page
    response = client_for(make_user(Role.LEADERSHIP_OFFICE)).get("/")
    # then it is not sent to the cockpit, but sees its to-dos below a cockpit card
    page = response.content.decode()
    assert response.status_code == 200 and "待确认的分解" in page
    assert 'id="cockpit-card"' in page and page.index('id="cockpit-card"') < page.index('id="todo-section"')


def test_the_enterprise_user_sees_only_enterprise_things(client_for, make_user, register_todos, district):
    # given a government source and an enterprise one
    register_todos(fake_source("t.values", label="待填报的指标", roles={Role.DISTRICT_OFFICER},
                               items=[todo_item("report")]),
                   fake_source("t.rectify", label="待整改的问题", roles={Role.ENTERPRISE_USER},
                               items=[todo_item("rectify", date(2026, 6, 19))]))
    # when the enterprise user opens the home page
    page = client_for(make_user(Role.ENTERPRISE_USER, org_unit=district)).get("/").content.decode()
    # then only the enterprise's to-do is there, no cockpit, and only pages it may open
    assert "待整改的问题" in page and "待填报的指标" not in page and 'id="cockpit-card"' not in page
    assert "/indicators/" not in page and "/reports/" not in page


def test_the_system_administrator_keeps_the_roles_card(client_for, make_user, register_todos):
    page = client_for(make_user(Role.SYSTEM_ADMIN)).get("/").content.decode()
    assert 'id="my-roles"' in page and "系统管理员" in page and 'id="todo-empty"' in page


def test_the_menu_shows_todo_counts_and_home_the_total(client_for, make_user, register_todos):
    # given 2 values to report (behind 指标填报) and 1 plan task (behind 任务督办)
    register_todos(
        fake_source("t.values", roles={Role.DISTRICT_OFFICER}, menu="indicators:value-list",
                    items=[todo_item("a"), todo_item("b")]),
        fake_source("t.tasks", roles={Role.DISTRICT_OFFICER}, menu="workplan:plan-task-list",
                    items=[todo_item("c")]))
    # when the officer opens any page with the menu, which then fetches its badges
    client = client_for(make_user(Role.DISTRICT_OFFICER))
    page = client.get("/core/holiday-calendar/").content.decode()
    menu = page[page.index('id="qc-menu"'):page.index("</aside>")]
    assert 'hx-get="/core/todo-badges/"' in menu and "data-todo-count" not in menu
    menu = client.get("/core/todo-badges/", headers={"HX-Request": "true"}).content.decode()
    # then each entry shows its count (swapped in by id) and home the total
    assert 'id="todo-badge-home" hx-swap-oob="true"' in menu
    assert 'data-todo-count="home">3<' in menu
    assert 'data-todo-count="indicators:value-list">2<' in menu
    assert 'data-todo-count="workplan:plan-task-list">1<' in menu


def test_pages_without_the_menu_do_not_count(client_for, api_for, make_user, register_todos):
    # given a source counting its calls
    calls = Counter()
    officer = make_user(Role.DISTRICT_OFFICER)
    register_todos(fake_source("t.values", roles={Role.DISTRICT_OFFICER}, items=[todo_item("a")], calls=calls))
    # when the officer calls the API, opens a public portal page and an HTMX partial
    assert api_for(officer).get("/api/org-units/").status_code == 200
    client = client_for(officer)
    assert client.get("/public/").status_code == 200
    assert client.get("/enterprises/", headers={"HX-Request": "true"}).status_code == 200
    # then nothing was counted; nor by a page that fetches its badges later; the home page counts once
    client.get("/core/holiday-calendar/")
    assert calls["t.values"] == 0
    client.get("/")
    assert calls["t.values"] == 1


def test_home_query_count_is_bounded_and_does_not_grow_with_the_items(client_for, make_user, register_todos,
                                                                      django_assert_max_num_queries):
    # given a source reading one count and one page of items from the database, as a real source does
    officer = make_user(Role.DISTRICT_OFFICER)
    items = []

    def read(user, today, limit):
        list(User.objects.filter(pk=user.pk))
        return items[:limit]

    register_todos(todos.TodoSource(key="t.values", label="t", roles=frozenset({Role.DISTRICT_OFFICER}),
                                    items=read, count=lambda user, today: User.objects.filter(pk=user.pk).count()
                                    and len(items), menu="indicators:value-list"))
    client = client_for(officer)
    workdays.schedule()  # the holiday schedule's process cache, loaded once a minute, not per page
    queries = []
    for n in (2, 40):
        items[:] = [todo_item(f"v{i}", date(2026, 6, 16 + i % 10)) for i in range(n)]
        # when the officer opens the home page with n items due
        with django_assert_max_num_queries(12) as captured:
            assert 'id="todo-t-values"' in client.get("/").content.decode()
        queries.append(len(captured.captured_queries))
    # then it takes the same few queries for 2 items as for 40
    assert queries[0] == queries[1]


def test_the_password_change_page_does_not_fetch_badges(client_for, make_user, register_todos):
    # given an officer whose password was reset by an administrator
    officer = make_user(Role.DISTRICT_OFFICER)
    officer.must_change_password = True
    officer.save(update_fields=["must_change_password"])
    # when they open the page they are held on
    page = client_for(officer).get("/accounts/password/").content.decode()
    # then the menu asks for no badges (that request would be sent back to this page, reloading it)
    assert 'id="qc-menu"' in page and "todo-badges" not in page
