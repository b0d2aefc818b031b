"""The current deadline of a complaint (selectors.CURRENT_DEADLINES), computed in SQL for the lists, the
overdue filter and the export."""

import datetime

import pytest

from qcity.complaints import selectors
from qcity.complaints.choices import ComplaintStatus

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 6, 1)


def _current(complaint):
    row = selectors.complaint_list(user=None).get(pk=complaint.pk)
    return row.current_deadline_field, row.current_deadline, row.current_deadline_provisional_year


def test_received_complaint_works_against_the_acceptance_decision(district):
    complaint = ComplaintFactory(org_unit=district, acceptance_deadline=DAY,
                                 acceptance_deadline_provisional_year=2027)
    assert _current(complaint) == ("acceptance_deadline", DAY, 2027)


def test_mediation_runs_unless_suspended(district):
    mediating = ComplaintFactory(org_unit=district, status=ComplaintStatus.MEDIATING, acceptance_deadline=DAY,
                                 mediation_deadline=DAY + datetime.timedelta(days=60))
    assert _current(mediating)[0] == "mediation_deadline"
    suspended = ComplaintFactory(org_unit=district, status=ComplaintStatus.MEDIATING, mediation_deadline=DAY,
                                 suspended_since=DAY)
    assert _current(suspended) == (None, None, None)


def test_an_open_clue_verification_comes_first(district):
    complaint = ComplaintFactory(org_unit=district, status=ComplaintStatus.MEDIATING, mediation_deadline=DAY,
                                 clue_found_on=DAY, clue_verification_deadline=DAY + datetime.timedelta(days=20))
    assert _current(complaint)[0] == "clue_verification_deadline"


def test_a_finished_complaint_has_none_and_is_not_overdue(district, today):
    closed = ComplaintFactory(org_unit=district, status=ComplaintStatus.CLOSED, acceptance_deadline=DAY,
                              closed_on=DAY)
    late = ComplaintFactory(org_unit=district, acceptance_deadline=DAY)
    assert _current(closed) == (None, None, None)
    overdue = selectors.complaint_list(user=None).filter(selectors.overdue_condition(today))
    assert list(overdue) == [late]
