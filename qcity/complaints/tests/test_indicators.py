"""The complaint indicators on known data: by unit (with the units below it) and year."""

import datetime
from decimal import Decimal

import pytest

from qcity.complaints.choices import ComplaintStatus, MediationOutcome, TerminationGround
from qcity.complaints.indicators import INDICATORS
from qcity.indicators.computed import lookup

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def compute(key, unit, year):
    return lookup(key).compute(unit, year)


def closed(unit, *, on=datetime.date(2026, 3, 10), **fields):
    fields.setdefault("status", ComplaintStatus.CLOSED)
    fields.setdefault("accepted_on", datetime.date(2026, 1, 5))
    return ComplaintFactory(org_unit=unit, closed_on=on, **fields)


def test_every_indicator_is_registered():
    for key in INDICATORS:
        assert lookup(key).compute is INDICATORS[key][1]


def test_the_indicators_count_the_unit_and_the_year(city, district, django_assert_max_num_queries):
    other = city.children.exclude(pk=district.pk).first()
    closed(district, outcome=MediationOutcome.AGREEMENT, satisfaction=5)
    closed(district, outcome=MediationOutcome.AGREEMENT, satisfaction=4, closed_late=True)
    closed(district, status=ComplaintStatus.TERMINATED, termination_ground=TerminationGround.IMPASSE, satisfaction=2)
    closed(district, outcome=MediationOutcome.WITHDRAWN)  # mediated, no agreement, not rated
    closed(district, report=True, accepted_on=None, satisfaction=5)  # a report: not mediated
    ComplaintFactory(org_unit=district)  # received, being handled
    closed(other, outcome=MediationOutcome.AGREEMENT, satisfaction=1)
    ComplaintFactory(org_unit=None)  # the triage queue: the city's only
    closed(district, on=datetime.date(2025, 12, 30), received_on=datetime.date(2025, 12, 1),
           received_at=datetime.datetime(2025, 12, 1, 2, tzinfo=datetime.UTC))

    with django_assert_max_num_queries(1):
        assert compute("complaints.count", district, 2026) == Decimal(6)
    assert compute("complaints.count", city, 2026) == Decimal(8)
    assert compute("complaints.count", district, 2025) == Decimal(1)
    assert compute("complaints.on_time_rate", district, 2026) == Decimal("80.00")  # 4 of 5 finished
    assert compute("complaints.mediation_success_rate", district, 2026) == Decimal("50.00")  # 2 of 4 mediated
    assert compute("complaints.mediation_success_rate", city, 2026) == Decimal("60.00")  # 3 of 5
    assert compute("complaints.satisfaction_rate", district, 2026) == Decimal("75.00")  # 3 of 4 rated
    assert compute("complaints.satisfaction_rate", other, 2026) == Decimal("0.00")
    assert compute("complaints.on_time_rate", district, 2024) is None
    assert compute("complaints.count", other, 2024) == Decimal(0)
