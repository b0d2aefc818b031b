"""The back-office lists of core (org units, member units, legal durations, deadline changes, users, login
lockouts, the audit log) on QcityTables: sorted by a declared column, filtered through their FilterSet,
counted, and (all but the lockouts) exported as audited xlsx files."""

import datetime
import io
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from qcity.core.audit import audit_record
from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent, DeadlineChange, DeadlineRecomputation, Department, OrgUnit

pytestmark = pytest.mark.django_db


def _records(response) -> list:
    return [row.record for row in response.context["table"].paginated_rows]


def _export(client, user, url: str, params: dict, object_type: str) -> list[tuple]:
    """The rows of the list's xlsx export, after checking its one audit event names the user and filters."""
    response = client.get(url, {**params, "export": "xlsx"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.actor, event.object_type) == (user, object_type)
    assert f"with filters {urlencode(params)}" in event.message
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert f"{len(rows) - 1} rows" in event.message
    return rows


@pytest.fixture
def unit():
    return lambda name: OrgUnit.objects.get(name=name)


# --- org units ---------------------------------------------------------------------------------------------


def test_org_units_sort_filter_and_count(client_for, make_user):
    client = client_for(make_user(Role.COMPLAINT_HANDLER))
    # when the districts are listed by their division code, last first
    response = client.get("/core/org-units/", {"kind": "district", "sort": "-division_code"})
    # then the six districts in that order, counted
    assert [u.division_code for u in _records(response)] == ["410108", "410106", "410105", "410104", "410103",
                                                             "410102"]
    assert "共 6 条" in response.content.decode()
    # and a search by name or code finds the one unit
    response = client.get("/core/org-units/", {"q": "410105"})
    assert [u.name for u in _records(response)] == ["金水区"] and "共 1 条" in response.content.decode()


def test_the_org_unit_export_is_audited(client_for, make_user):
    admin = make_user(Role.SYSTEM_ADMIN)
    rows = _export(client_for(admin), admin, "/core/org-units/", {"q": "经开"}, "core.orgunit")
    assert rows[1:] == [("郑州经济技术开发区", "经开区", "开发区", None, "郑州市")] and rows[0][0] == "名称"


# --- member units ------------------------------------------------------------------------------------------


@pytest.fixture
def district_departments(unit):
    return [Department.objects.create(code="zz-a", name="金水区测试局", short_name="金水测试", org_unit=unit("金水区")),
            Department.objects.create(code="zz-b", name="二七区测试局", short_name="二七测试", org_unit=unit("二七区"))]


def test_departments_sort_filter_by_unit_and_count(client_for, make_user, district_departments, unit):
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))
    jinshui, erqi = district_departments
    # when searched by code and sorted by code, last first
    response = client.get("/core/departments/", {"q": "zz-", "sort": "-code"})
    assert _records(response) == [erqi, jinshui] and "共 2 条" in response.content.decode()
    # and narrowed to one district
    response = client.get("/core/departments/", {"org_unit": unit("金水区").pk})
    assert _records(response) == [jinshui] and "共 1 条" in response.content.decode()
    # and the city takes every unit (the 20 municipal bureaus and the two district ones)
    assert client.get("/core/departments/", {"org_unit": unit("郑州市").pk}).context["table"].paginator.count == 22


def test_the_department_export_is_audited(client_for, make_user, district_departments, unit):
    admin = make_user(Role.SYSTEM_ADMIN)
    rows = _export(client_for(admin), admin, "/core/departments/", {"org_unit": unit("二七区").pk}, "core.department")
    assert rows[1:] == [("二七区测试局", "二七测试", "zz-b", "二七区", "是")]


# --- legal durations ---------------------------------------------------------------------------------------


def test_legal_durations_sort_filter_and_count(client_for, make_user):
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))
    # when the confirmed publication periods are sorted by their length, longest first
    params = {"q": "penalty-publication-period", "confirmed": "yes"}
    response = client.get("/core/legal-durations/", {**params, "sort": "-value"})
    # then the three years before the three months, counted, without the administrator's edit link
    assert [(d.value, d.unit) for d in _records(response)] == [(3, "years"), (3, "months")]
    page = response.content.decode()
    assert "共 2 条" in page and "/edit/" not in page
    # and ascending the other way round, the unconfirmed ones apart
    assert [d.unit for d in _records(client.get("/core/legal-durations/", {**params, "sort": "value"}))] == [
        "months", "years"]
    unconfirmed = _records(client.get("/core/legal-durations/", {**params, "confirmed": "no"}))
    assert len(unconfirmed) == 2 and not any(d.confirmed for d in unconfirmed)


def test_the_system_administrator_gets_the_edit_links(client_for, make_user):
    page = client_for(make_user(Role.SYSTEM_ADMIN)).get("/core/legal-durations/", {"q": "red-list"}).content.decode()
    assert page.count("/edit/") == 2


def test_the_legal_duration_export_is_audited(client_for, make_user):
    admin = make_user(Role.SYSTEM_ADMIN)
    rows = _export(client_for(admin), admin, "/core/legal-durations/", {"q": "red-list-term"}, "core.legalduration")
    assert [row[:4] for row in rows[1:]] == [("red-list-term", "守信红榜有效期（平台规则）", 1, "年")]


def test_the_reference_apis_share_the_page_filters(api_for, make_user, district_departments, unit):
    api = api_for(make_user(Role.INSPECTOR))
    assert [u["name"] for u in api.get("/api/org-units/", {"q": "410105"}).json()] == ["金水区"]
    assert [d["code"] for d in api.get("/api/departments/", {"org_unit": unit("二七区").pk}).json()] == ["zz-b"]
    assert [d["code"] for d in api.get("/api/legal-durations/", {"q": "red-list-term"}).json()] == ["red-list-term"]
    assert api.get("/api/legal-durations/", {"confirmed": "maybe"}).status_code == 400


# --- deadline changes --------------------------------------------------------------------------------------


@pytest.fixture
def changes(make_user, unit):
    run = DeadlineRecomputation.objects.create(year=2027, trigger="录入2027年放假安排", started_at=timezone.now(),
                                               moved=3)
    day = datetime.date(2027, 1, 4)

    def change(name, org_unit, shift):
        return DeadlineChange.objects.create(
            recomputation=run, field="complaints.complaint.current_deadline", field_label="办理期限",
            object_type="complaints.complaint", object_id=name, object_repr=name, org_unit=unit(org_unit),
            old_on=day, new_on=day + datetime.timedelta(days=shift), old_provisional_year=2027)

    return [change("投诉甲", "金水区", 3), change("投诉乙", "金水区", 1), change("投诉丙", "二七区", 2)]


def test_deadline_changes_sort_filter_by_unit_and_count(client_for, make_user, changes, unit):
    first, second, third = changes
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))
    # when the office sorts by the new deadline, latest first
    response = client.get("/core/deadline-changes/", {"sort": "-change"})
    assert _records(response) == [first, third, second]
    page = response.content.decode()
    assert "共 3 条" in page and page.count('class="deadline-change ') == 3
    # and narrows to one district and one object
    response = client.get("/core/deadline-changes/", {"org_unit": unit("金水区").pk, "sort": "change"})
    assert _records(response) == [second, first] and "共 2 条" in response.content.decode()
    assert _records(client.get("/core/deadline-changes/", {"q": "投诉丙"})) == [third]


def test_a_district_officer_still_sees_only_their_district(client_for, make_user, changes, unit):
    client = client_for(make_user(Role.DISTRICT_OFFICER, org_unit=unit("二七区")))
    assert _records(client.get("/core/deadline-changes/")) == [changes[2]]
    # a filter on another district does not widen the scope
    assert _records(client.get("/core/deadline-changes/", {"org_unit": unit("金水区").pk})) == []


def test_the_deadline_change_export_is_audited(client_for, make_user, changes, unit):
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=unit("金水区"))
    rows = _export(client_for(officer), officer, "/core/deadline-changes/", {"q": "投诉甲"}, "core.deadlinechange")
    assert [row[:7] for row in rows[1:]] == [("投诉甲", "办理期限", "金水区", datetime.datetime(2027, 1, 4), 2027,
                                             datetime.datetime(2027, 1, 7), None)]


def test_the_deadline_changes_api_shares_the_filter(api_for, make_user, changes, unit):
    api = api_for(make_user(Role.LEADERSHIP_OFFICE))
    response = api.get("/api/deadline-changes/", {"org_unit": unit("二七区").pk})
    assert [row["object_repr"] for row in response.json()["results"]] == ["投诉丙"]
    assert api.get("/api/deadline-changes/", {"org_unit": "x"}).status_code == 400


# --- users -------------------------------------------------------------------------------------------------


@pytest.fixture
def staff(make_user, unit):
    return (make_user(Role.INSPECTOR, org_unit=unit("金水区"), username="zz-alice", full_name="爱丽丝"),
            make_user(Role.COMPLAINT_HANDLER, org_unit=unit("二七区"), username="zz-bob", full_name="鲍勃"))


def test_users_sort_filter_by_role_and_unit_and_count(client_for, make_user, staff, unit):
    alice, bob = staff
    client = client_for(make_user(Role.SECURITY_ADMIN))
    # when the security administrator searches by user name and sorts it, last first
    response = client.get("/core/users/", {"q": "zz-", "sort": "-username"})
    assert _records(response) == [bob, alice]
    page = response.content.decode()
    # then both are counted, each with the grant form, and no password reset (the system administrator's)
    assert "共 2 条" in page and f"/core/users/{alice.pk}/roles/" in page and "/password-reset/" not in page
    # and a role, a name or a unit narrows the list
    assert _records(client.get("/core/users/", {"q": "zz-", "role": Role.INSPECTOR})) == [alice]
    assert _records(client.get("/core/users/", {"q": "鲍勃"})) == [bob]
    assert _records(client.get("/core/users/", {"org_unit": unit("二七区").pk})) == [bob]


def test_the_system_administrator_resets_passwords_but_grants_nothing(client_for, make_user, staff):
    alice, _bob = staff
    page = client_for(make_user(Role.SYSTEM_ADMIN)).get("/core/users/", {"q": "zz-alice"}).content.decode()
    assert f"/core/users/{alice.pk}/password-reset/" in page and "/roles/" not in page
    assert "/revoke/" not in page and 'id="id_username"' in page  # the create form beside the list


def test_the_user_export_is_audited(client_for, make_user, staff):
    admin = make_user(Role.SECURITY_ADMIN)
    rows = _export(client_for(admin), admin, "/core/users/", {"q": "zz-alice"}, "core.user")
    assert rows[1:] == [("zz-alice", "爱丽丝", "金水区", None, "执法检查人员 · 金水区", None)]


# --- login lockouts ----------------------------------------------------------------------------------------


def test_login_lockouts_sort_filter_and_count(settings, client_for, make_user):
    settings.AXES_FAILURE_LIMIT = 3
    settings.QCITY_TRUSTED_PROXIES = []
    for username, failures in (("zz-ann", 3), ("zz-ben", 4)):
        for _ in range(failures):
            Client().post("/accounts/login/", {"username": username, "password": "wrong"},
                          REMOTE_ADDR="198.51.100.7")
    assert AccessAttempt.objects.count() == 2
    client = client_for(make_user(Role.SECURITY_ADMIN))
    # when sorted by the failures, most first
    response = client.get("/core/login-lockouts/", {"sort": "-failures"})
    assert [row["username"] for row in _records(response)] == ["zz-ben", "zz-ann"]
    page = response.content.decode()
    assert "共 2 条" in page and page.count('name="ip_address" value="198.51.100.7"') == 2
    # and a user name narrows it
    response = client.get("/core/login-lockouts/", {"username": "ANN"})
    assert [row["username"] for row in _records(response)] == ["zz-ann"] and "共 1 条" in response.content.decode()


# --- the audit log -----------------------------------------------------------------------------------------


def test_the_audit_log_sorts_filters_by_unit_and_counts(client_for, make_user, unit):
    for n, name in enumerate(("金水区", "二七区", "金水区"), 1):
        audit_record(action=AuditAction.UPDATE, by=None, object_type="test.widget", object_id=str(n),
                     object_repr=f"widget {n}", org_unit=unit(name))
    client = client_for(make_user(Role.AUDIT_ADMIN))
    # when the widgets are sorted by object, last first
    response = client.get("/core/audit-log/", {"object_type": "test.widget", "sort": "-object"})
    assert [e.object_id for e in _records(response)] == ["3", "2", "1"] and "共 3 条" in response.content.decode()
    # and one district's, as an HTMX request (the results part alone, with the export link keeping the filter)
    part = client.get("/core/audit-log/", {"object_type": "test.widget", "org_unit": unit("金水区").pk,
                                           "sort": "object"}, HTTP_HX_REQUEST="true")
    assert [e.object_id for e in _records(part)] == ["1", "3"]
    html = part.content.decode()
    assert "共 2 条" in html and "<h1" not in html and "object_type=test.widget&amp;org_unit=" in html
