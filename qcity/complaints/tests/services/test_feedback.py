"""A substantiated complaint or report becomes one credit event of the respondent, and nothing else does."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from qcity.complaints.choices import ComplaintStatus
from qcity.complaints.services.feedback import (
    complaint_feedback_record,
    complaint_indicators_refresh_on_commit,
)
from qcity.credit.choices import CreditEventKind
from qcity.credit.models import CreditEvent
from qcity.enterprises.tests.factories import EnterpriseFactory

from ..factories import ComplaintCategoryFactory, ComplaintFactory, ProblemTypeFactory

pytestmark = pytest.mark.django_db

CLOSED_ON = datetime.date(2026, 6, 1)


@pytest.fixture
def substantiated(district):
    return ComplaintFactory(respondent=EnterpriseFactory(org_unit=district), org_unit=district,
                            status=ComplaintStatus.CLOSED, substantiated=True, closed_on=CLOSED_ON,
                            category=ComplaintCategoryFactory(name="食品"), problem_type=ProblemTypeFactory(name="质量"))


def test_a_substantiated_complaint_records_one_credit_event(substantiated):
    # when the closure records its feedback twice
    first = complaint_feedback_record(complaint=substantiated, by=None)
    again = complaint_feedback_record(complaint=substantiated, by=None)

    # then the respondent's credit file has one event, naming the unit and the complaint, not the person
    assert first.pk == again.pk
    event = CreditEvent.objects.get(enterprise=substantiated.respondent)
    assert event.kind == CreditEventKind.SUBSTANTIATED_COMPLAINT and event.occurred_on == CLOSED_ON
    assert event.source_ref == f"complaint:{substantiated.pk}" and event.source_authority == "金水区市场监督管理局"
    assert "食品" in event.summary and "质量" in event.summary and substantiated.tracking_number in event.summary
    assert substantiated.person_name not in event.summary and substantiated.person_phone not in event.summary


def test_a_report_records_its_credit_event_on_the_case_opening_day(district):
    report = ComplaintFactory(report=True, respondent=EnterpriseFactory(org_unit=district), org_unit=district,
                              status=ComplaintStatus.CASE_OPENED, substantiated=True,
                              tip_decided_on=datetime.date(2026, 5, 20))
    event = complaint_feedback_record(complaint=report, by=None)
    assert event.occurred_on == datetime.date(2026, 5, 20) and "举报" in event.summary


def test_nothing_is_recorded_without_a_registered_respondent_or_when_not_substantiated(district):
    outside = ComplaintFactory(org_unit=district, status=ComplaintStatus.CLOSED, substantiated=True,
                               closed_on=CLOSED_ON)
    unfounded = ComplaintFactory(respondent=EnterpriseFactory(org_unit=district), org_unit=district,
                                 status=ComplaintStatus.CLOSED, closed_on=CLOSED_ON)
    assert complaint_feedback_record(complaint=outside, by=None) is None
    assert complaint_feedback_record(complaint=unfounded, by=None) is None
    assert not CreditEvent.objects.filter(kind=CreditEventKind.SUBSTANTIATED_COMPLAINT).exists()


def test_a_complaint_not_yet_finished_is_refused_naming_the_closing_day(district):
    open_one = ComplaintFactory(respondent=EnterpriseFactory(org_unit=district), org_unit=district,
                                substantiated=True)
    with pytest.raises(ValidationError) as error:
        complaint_feedback_record(complaint=open_one, by=None)
    assert "closed_on" in error.value.message_dict


def test_the_indicators_are_refreshed_after_the_commit(monkeypatch, django_capture_on_commit_callbacks):
    refreshed = []
    monkeypatch.setattr("qcity.complaints.services.feedback.computed_indicators_refresh",
                        lambda *, key, year: refreshed.append((key, year)))
    with django_capture_on_commit_callbacks(execute=True):
        complaint_indicators_refresh_on_commit(year=2026)
    assert ("complaints.on_time_rate", 2026) in refreshed and len(refreshed) == 4
