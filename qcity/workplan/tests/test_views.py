import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent
from qcity.workplan.models import Notice, Supervision
from qcity.workplan.services import supervision_open

from .factories import PlanTaskFactory, department

pytestmark = pytest.mark.django_db


def _past(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def test_pages_require_a_viewer_role(client, make_user):
    assert client.get(reverse("workplan:plan-task-list")).status_code == 302
    client.force_login(make_user(Role.INSPECTOR))
    for name in ("workplan:plan-task-list", "workplan:supervision-list", "workplan:notice-list"):
        assert client.get(reverse(name)).status_code == 403


def test_task_list_flags_overdue_and_filters_with_htmx(client, make_user):
    overdue = PlanTaskFactory(title="逾期的任务", deadline=_past(5))
    PlanTaskFactory(title="未到期的任务", deadline=_past(-30), supporting=["statistics"])
    client.force_login(make_user(Role.LEADERSHIP_OFFICE))
    with CaptureQueriesContext(connection) as few:
        page = client.get(reverse("workplan:plan-task-list")).content.decode()
    assert 'data-overdue="1"' in page and "逾期5天" in page and "1 项任务逾期" in page
    partial = client.get(reverse("workplan:plan-task-list"), {"overdue": "yes"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and overdue.title in partial and "未到期的任务" not in partial
    for _ in range(10):
        PlanTaskFactory(deadline=_past(1), supporting=["statistics", "water"])
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("workplan:plan-task-list"))
    assert len(many) == len(few)  # no query per row


def test_detail_shows_quote_link_and_supervision(client, make_user):
    office = make_user(Role.LEADERSHIP_OFFICE)
    task = PlanTaskFactory(deadline=_past(20))
    supervision_open(task=task, by=office)
    client.force_login(office)
    page = client.get(reverse("workplan:plan-task-detail", args=[task.pk])).content.decode()
    assert f"/indicators/plans/{task.plan.code}/#q{task.quote_start}" in page
    assert "办公室督办" in page and "supervise-form" not in page  # already supervised


def test_reporter_cannot_open_another_departments_task(client, make_user):
    task = PlanTaskFactory(lead_department=department("water"))
    client.force_login(make_user(Role.DEPARTMENT_REPORTER, department=department("statistics")))
    assert client.get(reverse("workplan:plan-task-detail", args=[task.pk])).status_code == 404


def test_progress_form_with_attachment_and_bad_input(client, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    task = PlanTaskFactory()
    client.force_login(make_user(Role.DEPARTMENT_REPORTER, department=department("market-regulation")))
    url = reverse("workplan:plan-task-progress", args=[task.pk])
    bad = client.post(url, {"percent": 150, "text": "x"})
    assert bad.status_code == 400 and not task.progress_reports.exists()
    good = client.post(url, {"percent": 60, "text": "已完成主体工作",
                             "attachment": SimpleUploadedFile("总结.pdf", b"%PDF-1.4 test")})
    assert good.status_code == 302
    report = task.progress_reports.get()
    download = client.get(reverse("workplan:progress-attachment", args=[report.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 test"


def test_supervision_list_escalate_and_resolve(client, make_user):
    office = make_user(Role.LEADERSHIP_OFFICE)
    supervision = supervision_open(task=PlanTaskFactory(deadline=_past(9)), by=office)
    client.force_login(office)
    page = client.get(reverse("workplan:supervision-list")).content.decode()
    assert supervision.task.title in page and "升级" in page
    assert client.post(reverse("workplan:supervision-escalate", args=[supervision.pk])).status_code == 302
    assert client.post(reverse("workplan:supervision-resolve", args=[supervision.pk]), {}).status_code == 400
    assert client.post(reverse("workplan:supervision-resolve", args=[supervision.pk]),
                       {"resolution": "已约谈"}).status_code == 302
    supervision.refresh_from_db()
    assert (supervision.level, supervision.status) == (2, "resolved")
    client.force_login(make_user(Role.DEPARTMENT_REPORTER, department=department("market-regulation")))
    assert client.post(reverse("workplan:supervision-escalate", args=[supervision.pk])).status_code == 403


def test_office_opens_supervision_from_the_detail_page(client, make_user):
    task = PlanTaskFactory(deadline=_past(2))
    client.force_login(make_user(Role.LEADERSHIP_OFFICE))
    assert client.post(reverse("workplan:plan-task-supervise", args=[task.pk]), {"reason": ""}).status_code == 302
    assert Supervision.objects.filter(task=task, level=1).exists()
    assert client.post(reverse("workplan:plan-task-supervise", args=[task.pk]), {"reason": ""}).status_code == 400


def test_notice_generate_and_download(client, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    overdue = PlanTaskFactory(deadline=_past(40))
    not_due = PlanTaskFactory(deadline=_past(-40))
    client.force_login(make_user(Role.LEADERSHIP_OFFICE))
    page = client.get(reverse("workplan:notice-list")).content.decode()
    assert "notice-form" in page
    refused = client.post(reverse("workplan:notice-issue"), {"kind": "criticism", "tasks": [not_due.pk]})
    assert refused.status_code == 400 and not_due.code in refused.content.decode()
    assert client.post(reverse("workplan:notice-issue"), {"kind": "criticism", "tasks": [overdue.pk]}).status_code == 302
    notice = Notice.objects.get()
    download = client.get(reverse("workplan:notice-download", args=[notice.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]


def test_the_plan_page_anchors_the_sentence_a_task_quotes(client, make_user):
    # given a task quoting a plan without indicators: indicators never imports workplan, the spans come
    # from the registry workplan fills in its ready() (qcity/indicators/quotes.py)
    task = PlanTaskFactory()
    client.force_login(make_user(Role.LEADERSHIP_OFFICE))
    # when the plan page is shown
    page = client.get(reverse("indicators:plan-detail", args=[task.plan.code])).content.decode()
    # then the task's sentence is marked with the anchor the task page links to
    assert f'<mark id="q{task.quote_start}">{task.quote}</mark>' in page


def test_task_list_sorts_counts_and_exports_the_filtered_tasks_audited(client, make_user):
    # given an overdue task and one not yet due
    late = PlanTaskFactory(code="T-B", title="逾期的任务", deadline=_past(5))
    PlanTaskFactory(code="T-A", title="未到期的任务", deadline=_past(-30))
    office = make_user(Role.LEADERSHIP_OFFICE)
    client.force_login(office)
    # when the list is sorted by code, by an unknown column, and filtered
    by_code = client.get(reverse("workplan:plan-task-list"), {"sort": "code"}).content.decode()
    unknown = client.get(reverse("workplan:plan-task-list"), {"sort": "nonsense"})
    overdue = client.get(reverse("workplan:plan-task-list"), {"overdue": "yes"}, HTTP_HX_REQUEST="true").content.decode()
    # then the sort is honoured, the unknown one ignored, the count shown, and the export link keeps the filter
    assert by_code.index("T-A") < by_code.index("T-B") and unknown.status_code == 200
    assert "共 2 项" in by_code and "共 1 项" in overdue and "overdue=yes&amp;export=xlsx" in overdue
    # and the export holds the filtered tasks, audited with the filter
    response = client.get(reverse("workplan:plan-task-list"), {"overdue": "yes", "export": "xlsx"})
    rows = list(load_workbook(BytesIO(response.getvalue())).active.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == [late.code] and rows[1][-1] == 5
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == office and "overdue=yes" in event.message


def test_completing_a_task_twice_shows_the_refusal_on_the_form(client, make_user):
    # given a task its lead department has completed
    task = PlanTaskFactory(deadline=_past(-10))
    client.force_login(make_user(Role.DEPARTMENT_REPORTER, department=department("market-regulation")))
    assert client.post(reverse("workplan:plan-task-complete", args=[task.pk]), {"note": "已完成"}).status_code == 302
    # when it is completed again
    refused = client.post(reverse("workplan:plan-task-complete", args=[task.pk]), {"note": ""})
    # then the step answers 400 with the service's reason on the task page
    assert refused.status_code == 400 and "任务已经完成" in refused.content.decode()


def test_supervision_list_sorts_counts_filters_and_keeps_the_open_ones_by_default(client, make_user):
    # given three supervisions at levels 1, 2 and 3 and a resolved one
    office = make_user(Role.LEADERSHIP_OFFICE)
    first, second, third, done = (supervision_open(task=PlanTaskFactory(deadline=_past(9 + n), title=f"任务{n}"),
                                                   by=office) for n in range(4))
    client.force_login(office)
    for supervision in (second, third, third):
        assert client.post(reverse("workplan:supervision-escalate", args=[supervision.pk])).status_code == 302
    assert client.post(reverse("workplan:supervision-resolve", args=[done.pk]), {"resolution": "已办结"}).status_code == 302
    url = reverse("workplan:supervision-list")
    # when the office sorts by level, highest first
    page = client.get(url, {"sort": "-level"}).content.decode()
    # then the open ones only, counted, level 3 on top, each with its steps
    assert page.index('data-level="3"') < page.index('data-level="2"') < page.index('data-level="1"')
    assert "共 3 项" in page and done.task.title not in page and "/resolve/" in page
    # and "全部" (an explicit empty status) brings the resolved one back; the task name narrows the list
    assert "共 4 项" in client.get(url, {"status": ""}).content.decode()
    narrowed = client.get(url, {"q": first.task.code}, HTTP_HX_REQUEST="true").content.decode()
    assert "共 1 项" in narrowed and first.task.title in narrowed and "<html" not in narrowed
    # and a resolution left empty is refused on the list, naming the task
    refused = client.post(reverse("workplan:supervision-resolve", args=[first.pk]), {"resolution": ""})
    assert refused.status_code == 400 and first.task.code in refused.content.decode()
    # and a department reporter sees the list without the office's steps
    client.force_login(make_user(Role.DEPARTMENT_REPORTER, department=department("market-regulation")))
    assert "/escalate/" not in client.get(url).content.decode()


def test_notice_list_filters_sorts_counts_and_exports_audited(client, make_user, api_for):
    # given two notices of two kinds
    office = make_user(Role.LEADERSHIP_OFFICE)
    task = PlanTaskFactory(deadline=_past(20))
    for number, kind, title in (("质强办〔2026〕1号", "criticism", "关于逾期任务的通报"),
                                ("质强办〔2026〕2号", "commendation", "关于按期完成任务的通报")):
        notice = Notice.objects.create(kind=kind, number=number, title=title, year=2026, body="正文",
                                       issued_by=office, issued_at=timezone.now())
        notice.tasks.set([task])
    client.force_login(office)
    url = reverse("workplan:notice-list")
    # when the office sorts by number, last first, and filters by kind
    page = client.get(url, {"sort": "-number"}).content.decode()
    assert "共 2 条" in page and page.index("〔2026〕2号") < page.index("〔2026〕1号")
    criticism = client.get(url, {"kind": "criticism"}).content.decode()
    assert "共 1 条" in criticism and "按期完成" not in criticism
    # then the export holds the filtered rows and is audited
    export = client.get(url, {"kind": "criticism", "export": "xlsx"})
    rows = list(load_workbook(BytesIO(export.getvalue())).active.values)
    assert len(rows) == 2 and rows[1][0] == "质强办〔2026〕1号" and rows[1][4] == task.code
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="workplan.notice").count() == 1
    # and the API takes the same filter
    body = api_for(office).get("/api/notices/", {"kind": "commendation"}).json()
    assert [n["number"] for n in body["results"]] == ["质强办〔2026〕2号"]
