"""Workplan services: overdue tasks and their supervision (督办), with escalation."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qcity.core.choices import Role
from qcity.core.deadlines import legal_duration_in_force
from qcity.core.models import AuditEvent
from qcity.workplan.choices import SupervisionLevel, SupervisionStatus
from qcity.workplan.models import Supervision
from qcity.workplan.services import (
    RESPONSE_CODE,
    plan_task_complete,
    plan_tasks_supervise,
    supervision_escalate,
    supervision_open,
    supervision_resolve,
)

from ..factories import PlanTaskFactory, at, department

pytestmark = pytest.mark.django_db

D = datetime.date


# --- overdue and supervision ---------------------------------------------------------------------------


def test_a_task_is_overdue_from_the_day_after_its_deadline():
    from qcity.workplan.selectors import plan_task_overdue_list

    task = PlanTaskFactory(deadline=D(2024, 12, 31))
    assert not plan_task_overdue_list(today=D(2024, 12, 31)).filter(pk=task.pk).exists()
    assert list(plan_task_overdue_list(today=D(2025, 1, 1))) == [task]
    assert plan_tasks_supervise(today=D(2024, 12, 31)).opened == 0
    assert plan_tasks_supervise(today=D(2025, 1, 2)).opened == 1


def test_supervision_escalates_after_five_statutory_working_days_across_national_day():
    # given a task that became overdue, supervised on 2025-09-30, just before the National Day holiday
    task = PlanTaskFactory(deadline=D(2025, 9, 29))
    assert legal_duration_in_force(RESPONSE_CODE, D(2025, 9, 30)).value == 5  # a platform rule, as a row
    assert plan_tasks_supervise(today=D(2025, 9, 30)).opened == 1
    supervision = Supervision.objects.get(task=task)
    # 10-01..10-08 are holidays, Saturday 10-11 is an adjusted working day: the 5th working day is 10-14
    assert (supervision.level, supervision.respond_by) == (SupervisionLevel.OFFICE, D(2025, 10, 14))

    # when the job runs on the answer day, nothing happens; the day after, it goes one level up
    assert plan_tasks_supervise(today=D(2025, 10, 14)).escalated == 0
    assert plan_tasks_supervise(today=D(2025, 10, 15)).escalated == 1
    supervision.refresh_from_db()
    assert (supervision.level, supervision.respond_by) == (SupervisionLevel.LEADING_GROUP, D(2025, 10, 22))

    # then it tops out at the city government
    plan_tasks_supervise(today=D(2025, 10, 23))
    plan_tasks_supervise(today=D(2025, 11, 3))
    supervision.refresh_from_db()
    assert supervision.level == SupervisionLevel.CITY_GOVERNMENT
    assert Supervision.objects.filter(task=task).count() == 1


def test_supervise_is_idempotent():
    PlanTaskFactory(deadline=D(2024, 6, 30))
    PlanTaskFactory(deadline=D(2024, 3, 31))
    PlanTaskFactory(deadline=D(2030, 1, 1))  # not due
    done = PlanTaskFactory(deadline=D(2024, 3, 31))
    plan_task_complete(task=done, by=None, at=at(D(2024, 3, 1)))

    first = plan_tasks_supervise(today=D(2024, 7, 1))
    second = plan_tasks_supervise(today=D(2024, 7, 1))
    assert (first.opened, first.escalated) == (2, 0)
    assert (second.opened, second.escalated) == (0, 0)
    assert Supervision.objects.count() == 2
    assert AuditEvent.objects.filter(object_type="workplan.supervision").count() == 2


def test_manual_supervision_rules(office, make_user):
    task = PlanTaskFactory(deadline=D(2030, 12, 31))
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


# --- supervision is announced to those who answer for the task ---------------------------------------------


def test_opening_and_escalating_a_supervision_notifies_the_lead_department_and_district_once_per_level(
        office, make_user, district):
    from qcity.core.choices import NotificationKind
    from qcity.core.models import Notification

    # given a district task led by market regulation, its reporter, the district's officer and a bystander
    reporter = make_user(Role.DEPARTMENT_REPORTER, department=department("market-regulation"))
    officer = make_user(Role.DISTRICT_OFFICER, district)
    bystander = make_user(Role.DEPARTMENT_REPORTER, department=department("statistics"))
    task = PlanTaskFactory(deadline=D(2026, 5, 29), org_unit=district)
    # when the office opens a supervision, and the daily job runs twice
    supervision = supervision_open(task=task, by=office)
    plan_tasks_supervise()
    sent = Notification.objects.filter(kind=NotificationKind.ASSIGNMENT)
    assert sorted(sent.values_list("recipient_id", flat=True)) == sorted([reporter.pk, officer.pk])
    assert bystander.pk not in sent.values_list("recipient_id", flat=True)
    assert sent.first().url == f"/workplan/tasks/{task.pk}/"
    assert "回复期限" in sent.first().body
    # when it is escalated, each is told again, once
    supervision_escalate(supervision=supervision, by=office)
    assert sent.filter(key=f"supervision:{supervision.pk}:level:2").count() == 2
    assert sent.count() == 4
