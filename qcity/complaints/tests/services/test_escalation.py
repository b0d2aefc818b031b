"""The daily overdue scan: open items past a deadline are escalated once, with a non-public history event and
one message per unit to its district officers and one summary to the office, in a fixed number of queries."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qcity.complaints.choices import ComplaintEventKind, ComplaintKind, ComplaintStatus, ReporterChannel
from qcity.complaints.models import ComplaintEscalation, ComplaintEvent
from qcity.complaints.services.escalation import complaints_overdue_escalate
from qcity.complaints.tasks import complaints_overdue_escalate_task
from qcity.core.choices import Role
from qcity.core.models import Notification

from ..factories import ComplaintFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_district(city):
    return city.children.exclude(name="金水区").order_by("pk").first()


def _days(today, n):
    return today + datetime.timedelta(days=n)


def _overdue(unit, today, n=1, **kw):
    return [ComplaintFactory(org_unit=unit, acceptance_deadline=_days(today, -1), **kw) for _ in range(n)]


def test_each_kind_of_passed_deadline_is_escalated_and_nothing_else(district, today):
    # given one item past each deadline, and items not overdue, finished, suspended or already escalated
    late = [
        *_overdue(district, today),
        ComplaintFactory(org_unit=district, status=ComplaintStatus.MEDIATING, accepted_on=_days(today, -80),
                         mediation_deadline=_days(today, -2)),
        ComplaintFactory(org_unit=district, status=ComplaintStatus.MEDIATING, clue_found_on=_days(today, -40),
                         clue_verification_deadline=_days(today, -3), mediation_deadline=_days(today, 9)),
        ComplaintFactory(report=True, org_unit=district, status=ComplaintStatus.CASE_OPENED,
                         tip_decided_on=_days(today, -20), reporter_notice_deadline=_days(today, -10)),
    ]
    on_time = [
        ComplaintFactory(org_unit=district, acceptance_deadline=today),  # due today: not yet passed
        ComplaintFactory(org_unit=district, status=ComplaintStatus.CLOSED, acceptance_deadline=_days(today, -9)),
        ComplaintFactory(org_unit=district, status=ComplaintStatus.MEDIATING, suspended_since=_days(today, -30),
                         mediation_deadline=_days(today, -2)),
        ComplaintFactory(report=True, org_unit=district, status=ComplaintStatus.CASE_OPENED,
                         reporter_channel=ReporterChannel.NONE, tip_decided_on=_days(today, -20),
                         reporter_notice_deadline=_days(today, -10)),
    ]
    earlier = _overdue(district, today)[0]
    five_days_ago = timezone.now() - datetime.timedelta(days=5)
    ComplaintEscalation.objects.create(complaint=earlier, escalated_at=five_days_ago,
                                       deadline_field="acceptance_deadline")
    # when the scan runs
    assert complaints_overdue_escalate(today=today) == len(late)
    # then exactly the late ones are marked with today's date and the deadline that passed, and have one
    # non-public ESCALATED event each
    marks = ComplaintEscalation.objects.exclude(complaint=earlier)
    assert dict(marks.values_list("complaint_id", "deadline_field")) == dict(zip(
        [c.pk for c in late], ["acceptance_deadline", "mediation_deadline", "clue_verification_deadline",
                               "reporter_notice_deadline"], strict=True))
    assert marks.get(complaint=late[1]).deadline_label == "调解期限"
    events = ComplaintEvent.objects.filter(kind=ComplaintEventKind.ESCALATED)
    assert sorted(events.values_list("complaint_id", flat=True)) == sorted(c.pk for c in late)
    assert not events.filter(public=True).exists()
    assert {e.note for e in events} == {"逾期未作出受理（立案核查）决定，已督办", "调解期限届满未办结，已督办",
                                        "违法线索核查逾期，已督办", "逾期未告知举报人，已督办"}
    assert not marks.filter(complaint__in=on_time).exists()
    assert ComplaintEscalation.objects.get(complaint=earlier).escalated_at == five_days_ago


def test_a_second_run_escalates_nothing(district, today):
    _overdue(district, today, n=3)
    assert complaints_overdue_escalate(today=today) == 3
    assert complaints_overdue_escalate(today=today) == 0
    assert complaints_overdue_escalate(today=_days(today, 1)) == 0
    assert ComplaintEvent.objects.filter(kind=ComplaintEventKind.ESCALATED).count() == 3


def test_officers_get_one_message_per_unit_and_the_office_one_summary(district, other_district, make_user, today):
    # given officers of two districts, a handler, the office, and overdue items in both districts
    jinshui = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    other = make_user(Role.DISTRICT_OFFICER, org_unit=other_district)
    office = make_user(Role.LEADERSHIP_OFFICE)
    handler = make_user(Role.COMPLAINT_HANDLER, org_unit=district)
    _overdue(district, today, n=4)
    _overdue(other_district, today, n=2, kind=ComplaintKind.REPORT_TIP)
    # when the scan runs
    complaints_overdue_escalate(today=today)
    # then one message for each district's officer, one summary for the office, none for the handler
    titles = dict(Notification.objects.values_list("recipient_id", "title"))
    assert Notification.objects.count() == 3
    assert "4" in titles[jinshui.pk] and "金水区" in titles[jinshui.pk]
    assert "2" in titles[other.pk]
    assert "6" in titles[office.pk]
    assert handler.pk not in titles


def _queries(today) -> int:
    with CaptureQueriesContext(connection) as queries:
        complaints_overdue_escalate(today=today)
    return len(queries)


def test_the_query_count_does_not_grow_with_the_rows(district, other_district, make_user, today):
    make_user(Role.DISTRICT_OFFICER, org_unit=district)
    make_user(Role.LEADERSHIP_OFFICE)
    _overdue(district, today, n=2)
    _overdue(other_district, today, n=1)
    few = _queries(today)
    # the next day (its messages are new ones, as on the first day), ten times as many rows
    _overdue(district, today, n=25)
    _overdue(other_district, today, n=15)
    assert _queries(_days(today, 1)) == few


def test_the_command_and_the_daily_job_run_the_scan(district, today):
    _overdue(district, today, n=2)
    out = io.StringIO()
    call_command("complaints", "escalate", "--today", today.isoformat(), stdout=out)
    assert "escalated 2" in out.getvalue()
    _overdue(district, today, n=1)
    assert complaints_overdue_escalate_task(today=today.isoformat()) == 1
