"""Workplan services: tasks, progress reports and completion."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent
from qcity.indicators.tests.factories import PlanFactory
from qcity.workplan.choices import PlanTaskStatus, SupervisionStatus
from qcity.workplan.services import (
    plan_task_complete,
    plan_task_create,
    plan_task_progress_report,
    plan_task_update,
    supervision_open,
)

from ..factories import PLAN_TEXT, PlanTaskFactory, at, department

pytestmark = pytest.mark.django_db

D = datetime.date


def _create(by, plan, **overrides):
    fields = {"code": "1.1", "title": "完善质量工作机制", "quote": "建立质量强市领导小组。",
              "lead_department": department("market-regulation"), "start_date": D(2021, 1, 1),
              "deadline": D(2022, 12, 31), "deliverable": "领导小组成立文件",
              "supporting_departments": [department("statistics")]}
    return plan_task_create(by=by, plan=plan, **(fields | overrides))


# --- tasks -----------------------------------------------------------------------------------------


def test_office_creates_task_linked_to_its_plan_sentence(office):
    plan = PlanFactory(text=PLAN_TEXT, period_end=2030)
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
    plan = PlanFactory(text=PLAN_TEXT, period_end=2030)
    with pytest.raises(ValidationError) as exc:
        _create(office, plan, **overrides)
    assert field in exc.value.message_dict
    assert not plan.tasks.exists()


def test_duplicate_code_in_a_plan_is_refused(office):
    plan = PlanFactory(text=PLAN_TEXT, period_end=2030)
    _create(office, plan)
    with pytest.raises(ValidationError) as exc:
        _create(office, plan)
    assert "code" in exc.value.message_dict


def test_only_the_office_creates_or_edits_tasks_and_refusals_are_audited(make_user):
    reporter = make_user(Role.DEPARTMENT_REPORTER, department=department("market-regulation"))
    with pytest.raises(PermissionDenied):
        _create(reporter, PlanFactory(text=PLAN_TEXT, period_end=2030))
    task = PlanTaskFactory()
    with pytest.raises(PermissionDenied):
        plan_task_update(task=task, by=reporter, deadline=D(2030, 1, 1))
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=reporter).count() == 2


def test_update_records_only_what_changed(office):
    task = PlanTaskFactory(supporting=["statistics"])
    plan_task_update(task=task, by=office, deadline=D(2024, 6, 30), supporting_departments=[department("finance")])
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(task.pk)).get()
    assert event.before["deadline"] == "2025-12-31" and event.after["deadline"] == "2024-06-30"
    assert event.after["supporting_departments"] == [department("finance").pk]


# --- progress and completion -------------------------------------------------------------------------


def test_lead_and_supporting_reporters_report_progress_others_cannot(make_user):
    task = PlanTaskFactory(supporting=["statistics"])
    lead = make_user(Role.DEPARTMENT_REPORTER, department=department("market-regulation"))
    supporting = make_user(Role.DEPARTMENT_REPORTER, department=department("statistics"))
    other = make_user(Role.DEPARTMENT_REPORTER, department=department("water"))

    report = plan_task_progress_report(task=task, by=lead, percent=30, text="方案已印发")
    assert report.department.code == "market-regulation"
    plan_task_progress_report(task=task, by=supporting, percent=45, text="数据已报送")
    with pytest.raises(PermissionDenied):
        plan_task_progress_report(task=task, by=other, percent=60, text="x")

    task.refresh_from_db()
    assert (task.status, task.progress) == (PlanTaskStatus.IN_PROGRESS, 45)


def test_district_officer_reports_only_on_their_districts_tasks(make_user, district, city):
    erqi = city.children.get(name="二七区")
    mine, theirs = PlanTaskFactory(org_unit=district), PlanTaskFactory(org_unit=erqi)
    city_task = PlanTaskFactory()
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    plan_task_progress_report(task=mine, by=officer, percent=50, text="已完成一半")
    for task in (theirs, city_task):
        with pytest.raises(PermissionDenied):
            plan_task_progress_report(task=task, by=officer, percent=50, text="x")


@pytest.mark.parametrize(("percent", "text", "field"), [(101, "x", "percent"), (-1, "x", "percent"), (50, " ", "text")])
def test_bad_progress_names_the_field(office, percent, text, field):
    task = PlanTaskFactory()
    with pytest.raises(ValidationError) as exc:
        plan_task_progress_report(task=task, by=office, percent=percent, text=text)
    assert field in exc.value.message_dict
    assert not task.progress_reports.exists()


def test_only_the_lead_completes_and_completion_resolves_the_supervision(make_user, office):
    task = PlanTaskFactory(deadline=D(2024, 12, 31), supporting=["statistics"])
    supervision = supervision_open(task=task, by=office, today=D(2025, 1, 6))
    supporting = make_user(Role.DEPARTMENT_REPORTER, department=department("statistics"))
    with pytest.raises(PermissionDenied):
        plan_task_complete(task=task, by=supporting)

    lead = make_user(Role.DEPARTMENT_REPORTER, department=department("market-regulation"))
    plan_task_complete(task=task, by=lead, at=at(D(2025, 2, 10)))

    task.refresh_from_db()
    supervision.refresh_from_db()
    assert (task.status, task.progress) == (PlanTaskStatus.COMPLETED, 100)
    assert supervision.status == SupervisionStatus.RESOLVED and supervision.resolution == "任务已完成"
    with pytest.raises(ValidationError):
        plan_task_progress_report(task=task, by=lead, percent=100, text="再报一次")
    with pytest.raises(ValidationError):
        plan_task_complete(task=task, by=lead)
