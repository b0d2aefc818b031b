"""The supervision list's xlsx export: the answer deadline with its 暂定 column, the list's own filter, audited."""

import datetime
import zoneinfo
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qcity.core import workdays
from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent
from qcity.core.tests.schedules import drop_official_year
from qcity.workplan.services import supervision_open, supervision_resolve

from .factories import PlanTaskFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 12, 28)  # a Monday: 5 working days from it end in January 2027


@pytest.fixture
def year_end(time_machine):
    """The clock on DAY, with no official schedule for the next year (removed inside the test's transaction)."""
    time_machine.move_to(datetime.datetime.combine(DAY, datetime.time(10), tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")),
                         tick=False)
    drop_official_year(DAY.year + 1)
    yield DAY
    workdays.invalidate()


def _sheet(response) -> list[tuple]:
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(BytesIO(response.getvalue())).active.iter_rows(values_only=True))


def test_the_supervision_export_marks_a_provisional_answer_deadline_and_keeps_the_lists_filter(
        year_end, client, make_user):
    # given three supervisions: opened today (answer due in next year, provisional), opened two weeks ago
    # (due this month, past), and one resolved
    office = make_user(Role.LEADERSHIP_OFFICE)
    provisional = supervision_open(task=PlanTaskFactory(code="T-YE-1", deadline=year_end - datetime.timedelta(days=40)),
                                   by=office)
    late = supervision_open(task=PlanTaskFactory(code="T-YE-2", deadline=year_end - datetime.timedelta(days=40)),
                            by=office, today=year_end - datetime.timedelta(days=14))
    resolved = supervision_open(task=PlanTaskFactory(code="T-YE-3", deadline=year_end - datetime.timedelta(days=40)),
                                by=office, today=year_end - datetime.timedelta(days=27))
    supervision_resolve(supervision=resolved, by=office, resolution="已书面报告整改进展")
    assert provisional.respond_by.year == year_end.year + 1
    assert provisional.respond_by_provisional_year == year_end.year + 1
    assert late.respond_by < year_end and late.respond_by_provisional_year is None
    client.force_login(office)

    # when the office exports the list as it opens (the open supervisions) and filtered to the resolved one
    page = client.get(reverse("workplan:supervision-list")).content.decode()
    assert 'id="export-link"' in page and 'href="?export=xlsx"' in page
    rows = _sheet(client.get(reverse("workplan:supervision-list"), {"export": "xlsx"}))
    resolved_rows = _sheet(client.get(reverse("workplan:supervision-list"), {"status": "resolved", "export": "xlsx"}))

    # then the open ones are exported, the provisional deadline with its 暂定 cell beside it, the past one
    # flagged overdue; the filter is honoured and each export audited with its filter
    heading = rows[0]
    code, due, mark, overdue = (heading.index(name) for name in ("编号", "回复期限", "回复期限暂定", "已超期"))
    by_code = {row[code]: row for row in rows[1:]}
    assert set(by_code) == {"T-YE-1", "T-YE-2"}
    assert by_code["T-YE-1"][due].date() == provisional.respond_by
    assert by_code["T-YE-1"][mark] == f"暂定（{year_end.year + 1}年放假安排未公布）" and not by_code["T-YE-1"][overdue]
    assert by_code["T-YE-2"][due].date() == late.respond_by and not by_code["T-YE-2"][mark]
    assert by_code["T-YE-2"][overdue] == "是"
    assert [row[code] for row in resolved_rows[1:]] == ["T-YE-3"]
    events = AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=office).order_by("id")
    assert [e.object_type for e in events] == ["workplan.supervision"] * 2
    assert "2 rows" in events[0].message and "status=resolved" in events[1].message
