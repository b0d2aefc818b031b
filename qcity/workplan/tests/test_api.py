import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent
from qcity.indicators.tests.factories import PlanFactory
from qcity.workplan.models import Supervision

from .factories import PLAN_TEXT, PlanTaskFactory, department

pytestmark = pytest.mark.django_db


def _past(days):
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def office(make_user):
    return make_user(Role.LEADERSHIP_OFFICE)


def test_anonymous_401_enterprise_user_403(make_user, district, api_for):
    assert APIClient().get("/api/plan-tasks/").status_code == 401
    assert api_for(make_user(Role.ENTERPRISE_USER, org_unit=district)).get("/api/plan-tasks/").status_code == 403


def test_task_list_is_scoped_filterable_and_flags_overdue(make_user, api_for):
    mine = PlanTaskFactory(deadline=_past(3), lead_department=department("statistics"))
    PlanTaskFactory(deadline=_past(3))
    reporter = make_user(Role.DEPARTMENT_REPORTER, department=department("statistics"))
    body = api_for(reporter).get("/api/plan-tasks/", {"overdue": "yes"}).json()
    assert [r["id"] for r in body["results"]] == [mine.pk]
    row = body["results"][0]
    assert row["is_overdue"] and row["days_late"] == 3
    assert row["plan_text_url"] == f"/indicators/plans/{mine.plan.code}/#q{mine.quote_start}"


def test_create_task_office_only_and_400_names_the_field(make_user, office, api_for):
    plan = PlanFactory(text=PLAN_TEXT, period_end=2030)
    payload = {"plan": plan.code, "code": "9.1", "title": "加强执法", "quote": "深入开展执法打假。",
               "lead_department": "market-regulation", "supporting_departments": ["public-security"],
               "start_date": "2022-01-01", "deadline": "2023-12-31", "deliverable": "专项行动总结"}
    reporter = make_user(Role.DEPARTMENT_REPORTER, department=department("market-regulation"))
    assert api_for(reporter).post("/api/plan-tasks/", payload, format="json").status_code == 403
    created = api_for(office).post("/api/plan-tasks/", payload, format="json")
    assert created.status_code == 201 and created.json()["supporting_department_codes"] == ["public-security"]
    bad = api_for(office).post("/api/plan-tasks/", payload | {"code": "9.2", "quote": "原文没有的话"}, format="json")
    assert bad.status_code == 400 and "quote" in bad.json()


def test_progress_report_by_supporting_department_and_refusal_for_others(make_user, api_for):
    task = PlanTaskFactory(supporting=["statistics"])
    supporting = make_user(Role.DEPARTMENT_REPORTER, department=department("statistics"))
    response = api_for(supporting).post(f"/api/plan-tasks/{task.pk}/progress/", {"percent": 40, "text": "数据已汇总"},
                                    format="json")
    assert response.status_code == 201 and response.json()["department_code"] == "statistics"
    assert api_for(supporting).post(f"/api/plan-tasks/{task.pk}/progress/", {"percent": 140, "text": "x"},
                                format="json").status_code == 400
    assert api_for(supporting).post(f"/api/plan-tasks/{task.pk}/complete/", {}, format="json").status_code == 403
    outsider = make_user(Role.DEPARTMENT_REPORTER, department=department("water"))
    assert api_for(outsider).post(f"/api/plan-tasks/{task.pk}/progress/", {"percent": 50, "text": "x"},
                              format="json").status_code == 404
    assert len(api_for(supporting).get(f"/api/plan-tasks/{task.pk}/progress/").json()) == 1


def test_supervision_open_escalate_resolve_by_office(make_user, office, api_for):
    task = PlanTaskFactory(deadline=_past(10))
    client = api_for(office)
    opened = client.post("/api/supervisions/", {"task": task.pk}, format="json")
    assert opened.status_code == 201 and opened.json()["level"] == 1
    pk = opened.json()["id"]
    assert client.post("/api/supervisions/", {"task": task.pk}, format="json").status_code == 400
    assert client.post(f"/api/supervisions/{pk}/escalate/").json()["level_label"] == "领导小组督办"
    assert client.post(f"/api/supervisions/{pk}/resolve/", {}, format="json").status_code == 400
    assert client.post(f"/api/supervisions/{pk}/resolve/", {"resolution": "已整改"},
                       format="json").json()["status"] == "resolved"
    reporter = make_user(Role.DEPARTMENT_REPORTER, department=department("market-regulation"))
    assert api_for(reporter).post(f"/api/supervisions/{pk}/escalate/").status_code == 403
    assert api_for(reporter).get("/api/supervisions/").json()["count"] == 1
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=reporter).exists()


def test_notice_issue_and_download(make_user, office, settings, tmp_path, api_for):
    settings.MEDIA_ROOT = tmp_path
    task = PlanTaskFactory(deadline=_past(30))
    response = api_for(office).post("/api/notices/", {"kind": "criticism", "tasks": [task.pk]}, format="json")
    assert response.status_code == 201
    assert api_for(office).post("/api/notices/", {"kind": "criticism", "tasks": [999999]},
                            format="json").status_code == 400
    reporter = make_user(Role.DEPARTMENT_REPORTER, department=department("water"))
    download = api_for(reporter).get(response.json()["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"
    assert api_for(reporter).get("/api/notices/").json()["count"] == 1


def test_schema_lists_workplan_endpoints(office, api_for):
    content = api_for(office).get("/api/schema/").content
    for path in (b"/api/plan-tasks/", b"/api/plan-tasks/{id}/progress/", b"/api/supervisions/", b"/api/notices/"):
        assert path in content
    assert not Supervision.objects.exists()


def test_notice_docx_is_not_public_under_media_and_downloads_as_a_sandboxed_attachment(
        make_user, office, settings, tmp_path, api_for):
    # given an issued notice, stored under MEDIA_ROOT
    settings.MEDIA_ROOT = tmp_path
    task = PlanTaskFactory(deadline=_past(30))
    url = api_for(office).post("/api/notices/", {"kind": "criticism", "tasks": [task.pk]},
                               format="json").json()["download_url"]
    stored = next(tmp_path.rglob("*.docx")).relative_to(tmp_path)
    # then its storage path answers nobody, and the API download only a signed-in user with a role
    assert APIClient().get(f"/media/{stored}").status_code == 404
    assert APIClient().get(url).status_code == 401
    assert api_for(make_user(Role.ENTERPRISE_USER)).get(url).status_code == 403
    download = api_for(make_user(Role.DEPARTMENT_REPORTER, department=department("water"))).get(url)
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_progress_attachment_is_type_checked_and_downloaded_within_the_task_scope(make_user, settings, tmp_path,
                                                                                  api_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    task = PlanTaskFactory(lead_department=department("statistics"))
    reporter = make_user(Role.DEPARTMENT_REPORTER, department=department("statistics"))
    url = f"/api/plan-tasks/{task.pk}/progress/"
    # an HTML page or an empty file is refused on the field, and nothing is stored
    for name, content in (("总结.html", b"<html><script>alert(1)</script></html>"), ("总结.pdf", b"")):
        refused = api_for(reporter).post(url, {"percent": 40, "text": "进展", "attachment": SimpleUploadedFile(name, content)})
        assert refused.status_code == 400 and "attachment" in refused.json()
    assert not list(tmp_path.rglob("*.*"))
    # a PDF is kept, and its download link is the scope-checked API view
    created = api_for(reporter).post(url, {"percent": 40, "text": "进展",
                                           "attachment": SimpleUploadedFile("总结.pdf", b"%PDF-1.7\n")})
    assert created.status_code == 201
    link = created.json()["attachment"]
    assert link == f"/api/task-progress/{created.json()['id']}/attachment/"
    download = api_for(reporter).get(link)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Content-Security-Policy"] == "sandbox; default-src 'none'"
    outsider = make_user(Role.DEPARTMENT_REPORTER, department=department("water"))
    assert api_for(outsider).get(link).status_code == 404
    assert APIClient().get(link).status_code == 401
