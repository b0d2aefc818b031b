import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document

from qcity.core.choices import AuditAction, Role
from qcity.core.deadlines import legal_duration_in_force
from qcity.core.models import AuditEvent
from qcity.workplan.choices import NoticeKind, SupervisionLevel, SupervisionStatus, TaskStatus
from qcity.workplan.models import Supervision
from qcity.workplan.services import (
    RESPONSE_CODE,
    notice_issue,
    supervision_escalate,
    supervision_open,
    supervision_resolve,
    task_complete,
    task_create,
    task_progress_report,
    task_update,
    tasks_supervise,
)

from .factories import at, department, plan_factory, task_factory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def office(make_user):
    return make_user(Role.LEADERSHIP_OFFICE)


def _create(by, plan, **overrides):
    fields = {"code": "1.1", "title": "完善质量工作机制", "quote": "建立质量强市领导小组。",
              "lead_department": department("market-regulation"), "start_date": D(2021, 1, 1),
              "deadline": D(2022, 12, 31), "deliverable": "领导小组成立文件",
              "supporting_departments": [department("statistics")]}
    return task_create(by=by, plan=plan, **(fields | overrides))


# --- tasks -----------------------------------------------------------------------------------------


def test_office_creates_task_linked_to_its_plan_sentence(office):
    plan = plan_factory()
    task = _create(office, plan)
    assert plan.text[task.quote_start:task.quote_start + len(task.quote)] == task.quote
    assert [d.code for d in task.supporting_departments.all()] == ["statistics"]
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(task.pk), actor=office).exists()


@pytest.mark.parametrize(("overrides", "field"), [
    ({"quote": "不在规划里的一句话"}, "quote"),
    ({"deadline": D(2031, 12, 31)}, "deadline"),
    ({"deadline": D(2020, 12, 31)}, "deadline"),
    ({"title": ""}, "title"),
])
def test_bad_task_input_names_the_field_and_writes_nothing(office, overrides, field):
    plan = plan_factory()
    with pytest.raises(ValidationError) as exc:
        _create(office, plan, **overrides)
    assert field in exc.value.message_dict
    assert not plan.tasks.exists()


def test_duplicate_code_in_a_plan_is_refused(office):
    plan = plan_factory()
    _create(office, plan)
    with pytest.raises(ValidationError) as exc:
        _create(office, plan)
    assert "code" in exc.value.message_dict


def test_only_the_office_creates_or_edits_tasks_and_refusals_are_audited(make_user):
    reporter = make_user(Role.DEPARTMENT_REPORTER, department=department("market-regulation"))
    with pytest.raises(PermissionDenied):
        _create(reporter, plan_factory())
    task = task_factory()
    with pytest.raises(PermissionDenied):
        task_update(task=task, by=reporter, deadline=D(2030, 1, 1))
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=reporter).count() == 2


def test_update_records_only_what_changed(office):
    task = task_factory(supporting=["statistics"])
    task_update(task=task, by=office, deadline=D(2024, 6, 30), supporting_departments=[department("finance")])
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(task.pk)).get()
    assert event.before["deadline"] == "2025-12-31" and event.after["deadline"] == "2024-06-30"
    assert event.after["supporting_departments"] == [department("finance").pk]


# --- progress and completion -------------------------------------------------------------------------


def test_lead_and_supporting_reporters_report_progress_others_cannot(make_user):
    task = task_factory(supporting=["statistics"])
    lead = make_user(Role.DEPARTMENT_REPORTER, department=department("market-regulation"))
    supporting = make_user(Role.DEPARTMENT_REPORTER, department=department("statistics"))
    other = make_user(Role.DEPARTMENT_REPORTER, department=department("water"))

    report = task_progress_report(task=task, by=lead, percent=30, text="方案已印发")
    assert report.department.code == "market-regulation"
    task_progress_report(task=task, by=supporting, percent=45, text="数据已报送")
    with pytest.raises(PermissionDenied):
        task_progress_report(task=task, by=other, percent=60, text="x")

    task.refresh_from_db()
    assert (task.status, task.progress) == (TaskStatus.IN_PROGRESS, 45)


def test_district_officer_reports_only_on_their_districts_tasks(make_user, district, city):
    erqi = city.children.get(name="二七区")
    mine, theirs = task_factory(org_unit=district), task_factory(org_unit=erqi)
    city_task = task_factory()
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    task_progress_report(task=mine, by=officer, percent=50, text="已完成一半")
    for task in (theirs, city_task):
        with pytest.raises(PermissionDenied):
            task_progress_report(task=task, by=officer, percent=50, text="x")


@pytest.mark.parametrize(("percent", "text", "field"), [(101, "x", "percent"), (-1, "x", "percent"), (50, " ", "text")])
def test_bad_progress_names_the_field(office, percent, text, field):
    task = task_factory()
    with pytest.raises(ValidationError) as exc:
        task_progress_report(task=task, by=office, percent=percent, text=text)
    assert field in exc.value.message_dict
    assert not task.progress_reports.exists()


def test_only_the_lead_completes_and_completion_resolves_the_supervision(make_user, office):
    task = task_factory(deadline=D(2024, 12, 31), supporting=["statistics"])
    supervision = supervision_open(task=task, by=office, today=D(2025, 1, 6))
    supporting = make_user(Role.DEPARTMENT_REPORTER, department=department("statistics"))
    with pytest.raises(PermissionDenied):
        task_complete(task=task, by=supporting)

    lead = make_user(Role.DEPARTMENT_REPORTER, department=department("market-regulation"))
    task_complete(task=task, by=lead, at=at(D(2025, 2, 10)))

    task.refresh_from_db()
    supervision.refresh_from_db()
    assert (task.status, task.progress) == (TaskStatus.COMPLETED, 100)
    assert supervision.status == SupervisionStatus.RESOLVED and supervision.resolution == "任务已完成"
    with pytest.raises(ValidationError):
        task_progress_report(task=task, by=lead, percent=100, text="再报一次")
    with pytest.raises(ValidationError):
        task_complete(task=task, by=lead)


# --- overdue and supervision ---------------------------------------------------------------------------


def test_a_task_is_overdue_from_the_day_after_its_deadline():
    from qcity.workplan.selectors import task_overdue_list

    task = task_factory(deadline=D(2024, 12, 31))
    assert not task_overdue_list(today=D(2024, 12, 31)).filter(pk=task.pk).exists()
    assert list(task_overdue_list(today=D(2025, 1, 1))) == [task]
    assert tasks_supervise(today=D(2024, 12, 31)).opened == 0
    assert tasks_supervise(today=D(2025, 1, 2)).opened == 1


def test_supervision_escalates_after_five_statutory_working_days_across_national_day():
    # given a task that became overdue, supervised on 2025-09-30, just before the National Day holiday
    task = task_factory(deadline=D(2025, 9, 29))
    assert legal_duration_in_force(RESPONSE_CODE, D(2025, 9, 30)).value == 5  # a platform rule, as a row
    assert tasks_supervise(today=D(2025, 9, 30)).opened == 1
    supervision = Supervision.objects.get(task=task)
    # 10-01..10-08 are holidays, Saturday 10-11 is an adjusted working day: the 5th working day is 10-14
    assert (supervision.level, supervision.respond_by) == (SupervisionLevel.OFFICE, D(2025, 10, 14))

    # when the job runs on the answer day, nothing happens; the day after, it goes one level up
    assert tasks_supervise(today=D(2025, 10, 14)).escalated == 0
    assert tasks_supervise(today=D(2025, 10, 15)).escalated == 1
    supervision.refresh_from_db()
    assert (supervision.level, supervision.respond_by) == (SupervisionLevel.LEADING_GROUP, D(2025, 10, 22))

    # then it tops out at the city government
    tasks_supervise(today=D(2025, 10, 23))
    tasks_supervise(today=D(2025, 11, 3))
    supervision.refresh_from_db()
    assert supervision.level == SupervisionLevel.CITY_GOVERNMENT
    assert Supervision.objects.filter(task=task).count() == 1


def test_supervise_is_idempotent():
    task_factory(deadline=D(2024, 6, 30))
    task_factory(deadline=D(2024, 3, 31))
    task_factory(deadline=D(2030, 1, 1))  # not due
    done = task_factory(deadline=D(2024, 3, 31))
    task_complete(task=done, by=None, at=at(D(2024, 3, 1)))

    first = tasks_supervise(today=D(2024, 7, 1))
    second = tasks_supervise(today=D(2024, 7, 1))
    assert (first.opened, first.escalated) == (2, 0)
    assert (second.opened, second.escalated) == (0, 0)
    assert Supervision.objects.count() == 2
    assert AuditEvent.objects.filter(object_type="workplan.supervision").count() == 2


def test_manual_supervision_rules(office, make_user):
    task = task_factory(deadline=D(2030, 12, 31))
    reporter = make_user(Role.DEPARTMENT_REPORTER, department=department("market-regulation"))
    with pytest.raises(PermissionDenied):
        supervision_open(task=task, by=reporter, reason="进度滞后")
    with pytest.raises(ValidationError) as exc:  # not overdue: a reason is required
        supervision_open(task=task, by=office, today=D(2025, 3, 3))
    assert "reason" in exc.value.message_dict
    supervision = supervision_open(task=task, by=office, reason="进度滞后", today=D(2025, 3, 3))
    with pytest.raises(ValidationError):  # one open supervision per task
        supervision_open(task=task, by=office, reason="再次督办", today=D(2025, 3, 4))

    supervision_escalate(supervision=supervision, by=office, today=D(2025, 3, 4))
    supervision_escalate(supervision=supervision, by=office, today=D(2025, 3, 5))
    with pytest.raises(ValidationError) as exc:
        supervision_escalate(supervision=supervision, by=office, today=D(2025, 3, 6))
    assert "level" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        supervision_resolve(supervision=supervision, by=office, resolution=" ")
    assert "resolution" in exc.value.message_dict
    supervision_resolve(supervision=supervision, by=office, resolution="已约谈，限期整改")
    assert supervision.status == SupervisionStatus.RESOLVED
    with pytest.raises(ValidationError):
        supervision_escalate(supervision=supervision, by=office)


# --- notices -------------------------------------------------------------------------------------------


def _docx_text(notice) -> str:
    document = Document(notice.file.open("rb"))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_criticism_notice_docx_lists_the_overdue_tasks(office, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    late = task_factory(title="建立质量强市领导小组", deadline=D(2024, 12, 31), supporting=["statistics"])
    later = task_factory(title="深入开展执法打假", deadline=D(2025, 6, 30),
                         lead_department=department("public-security"))
    notice = notice_issue(kind=NoticeKind.CRITICISM, tasks=[later, late], by=office, today=D(2025, 11, 28))

    text = _docx_text(notice)
    assert notice.number == "郑质强办通〔2025〕1号" and notice.number in text
    for expected in ("建立质量强市领导小组", "深入开展执法打假", "市场监管局", "公安局", "统计局", "2024-12-31",
                     "已逾期332天", "通报"):
        assert expected in text, expected
    assert set(notice.tasks.all()) == {late, later}
    second = notice_issue(kind=NoticeKind.CRITICISM, tasks=[late], by=office, today=D(2025, 11, 28))
    assert second.number == "郑质强办通〔2025〕2号"


def test_notice_refuses_tasks_that_do_not_fit_its_kind(office, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    overdue = task_factory(code="A-1", deadline=D(2024, 12, 31))
    on_time = task_factory(code="A-2", deadline=D(2024, 12, 31))
    task_complete(task=on_time, by=None, at=at(D(2024, 11, 1)))
    with pytest.raises(ValidationError) as exc:
        notice_issue(kind=NoticeKind.COMMENDATION, tasks=[overdue, on_time], by=office, today=D(2025, 3, 1))
    assert "A-1" in exc.value.message_dict["tasks"][0]
    with pytest.raises(ValidationError) as exc:
        notice_issue(kind=NoticeKind.CRITICISM, tasks=[on_time], by=office, today=D(2025, 3, 1))
    assert "A-2" in exc.value.message_dict["tasks"][0]
    notice = notice_issue(kind=NoticeKind.COMMENDATION, tasks=[on_time], by=office, today=D(2025, 3, 1))
    assert "按期完成" in _docx_text(notice)


def test_only_the_office_issues_notices(make_user):
    task = task_factory(deadline=D(2024, 12, 31))
    with pytest.raises(PermissionDenied):
        notice_issue(kind=NoticeKind.CRITICISM, tasks=[task], by=make_user(Role.DISTRICT_OFFICER))
