"""The office's grading parameters: validated, audited, and read by the status computation."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent
from qcity.indicators.choices import TargetStatus
from qcity.indicators.models import StatusRule
from qcity.indicators.selectors import indicator_list, indicator_statuses, status_rule_get
from qcity.indicators.services import status_rule_update
from qcity.indicators.status import DEFAULT_PARAMETERS

from ..factories import IndicatorFactory, ReportedValueFactory, StatusRuleFactory


@pytest.fixture
def office(make_user):
    return make_user(Role.LEADERSHIP_OFFICE)


def test_without_a_saved_rule_the_defaults_apply(db):
    assert status_rule_get() == DEFAULT_PARAMETERS


def test_the_office_sets_the_rule_once_and_each_change_is_audited(office):
    # when the office saves the parameters twice
    status_rule_update(on_track_tolerance=D("0.1"), at_risk_share=D("0.3"), by=office)
    rule = status_rule_update(on_track_tolerance=D("0.1"), at_risk_share=D("0.4"), by=office)
    # then one row holds the latest values, and the audit log has the creation and the change
    assert StatusRule.objects.count() == 1
    assert (rule.at_risk_share, rule.updated_by) == (D("0.4"), office)
    assert status_rule_get().at_risk_share == D("0.4")
    events = list(AuditEvent.objects.filter(object_type="indicators.statusrule").order_by("pk"))
    assert [e.action for e in events] == [AuditAction.CREATE, AuditAction.UPDATE]
    assert (events[1].before, events[1].after) == ({"at_risk_share": "0.3000"}, {"at_risk_share": "0.4000"})


@pytest.mark.parametrize(("tolerance", "share", "field"), [
    ("-0.01", "0.25", "on_track_tolerance"),
    ("0.05", "1.5", "at_risk_share"),
    ("0.3", "0.2", "at_risk_share"),
])
def test_bad_parameters_are_refused_naming_the_field_and_nothing_is_saved(office, tolerance, share, field):
    with pytest.raises(ValidationError) as caught:
        status_rule_update(on_track_tolerance=D(tolerance), at_risk_share=D(share), by=office)
    assert field in caught.value.message_dict
    assert not StatusRule.objects.exists()


def test_only_the_office_changes_the_rule(make_user, district):
    with pytest.raises(PermissionDenied):
        status_rule_update(on_track_tolerance=D("0.1"), at_risk_share=D("0.3"),
                           by=make_user(Role.DISTRICT_OFFICER, district))
    assert not StatusRule.objects.exists()


def test_the_saved_parameters_change_the_grade(district):
    # given 94.2 in 2023 on a line from 90 (2020) to 98 (2025): 0.6 behind 94.8, a lag of 7.5 % of the way
    indicator = IndicatorFactory(baseline_year=2020, baseline_value=D(90))
    ReportedValueFactory(indicator=indicator, org_unit=district, year=2023, value=D("94.2"))

    def graded():
        [item] = indicator_statuses(indicators=indicator_list().filter(pk=indicator.pk), org_units=[district],
                                    year=2023)
        return item.status

    assert graded() == TargetStatus.AT_RISK
    StatusRuleFactory(on_track_tolerance=D("0.10"))
    assert graded() == TargetStatus.ON_TRACK
