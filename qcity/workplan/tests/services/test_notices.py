"""Workplan services: notices (通报) issued as Word documents."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document

from qcity.core.choices import Role
from qcity.workplan.choices import NoticeKind
from qcity.workplan.services import notice_issue, plan_task_complete

from ..factories import PlanTaskFactory, at, department

pytestmark = pytest.mark.django_db

D = datetime.date


# --- notices -------------------------------------------------------------------------------------------


def _docx_text(notice) -> str:
    document = Document(notice.file.open("rb"))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_criticism_notice_docx_lists_the_overdue_tasks(office, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    late = PlanTaskFactory(title="建立质量强市领导小组", deadline=D(2024, 12, 31), supporting=["statistics"])
    later = PlanTaskFactory(title="深入开展执法打假", deadline=D(2025, 6, 30),
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
    overdue = PlanTaskFactory(code="A-1", deadline=D(2024, 12, 31))
    on_time = PlanTaskFactory(code="A-2", deadline=D(2024, 12, 31))
    plan_task_complete(task=on_time, by=None, at=at(D(2024, 11, 1)))
    with pytest.raises(ValidationError) as exc:
        notice_issue(kind=NoticeKind.COMMENDATION, tasks=[overdue, on_time], by=office, today=D(2025, 3, 1))
    assert "A-1" in exc.value.message_dict["tasks"][0]
    with pytest.raises(ValidationError) as exc:
        notice_issue(kind=NoticeKind.CRITICISM, tasks=[on_time], by=office, today=D(2025, 3, 1))
    assert "A-2" in exc.value.message_dict["tasks"][0]
    notice = notice_issue(kind=NoticeKind.COMMENDATION, tasks=[on_time], by=office, today=D(2025, 3, 1))
    assert "按期完成" in _docx_text(notice)


def test_only_the_office_issues_notices(make_user):
    task = PlanTaskFactory(deadline=D(2024, 12, 31))
    with pytest.raises(PermissionDenied):
        notice_issue(kind=NoticeKind.CRITICISM, tasks=[task], by=make_user(Role.DISTRICT_OFFICER))
