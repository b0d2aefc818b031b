import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent, Department
from qcity.core.selectors import org_root_and_children
from qcity.indicators import computed
from qcity.indicators.choices import IndicatorSource, ReportedValueStatus, ReportingPeriodKind
from qcity.indicators.models import ReportedValue
from qcity.indicators.services import (
    computed_indicators_refresh,
    computed_values_refresh,
    reported_value_approve,
    reported_value_reopen,
    reported_value_review,
    reported_value_submit,
    reported_values_import,
)
from qcity.indicators.services.values import IMPORT_HEADERS, Period

from ..factories import IndicatorFactory

Y2024 = Period(ReportingPeriodKind.YEAR, 2024)


@pytest.fixture
def indicator(db):
    indicator = IndicatorFactory()
    indicator.departments.set([Department.objects.get(code="market-regulation")])
    return indicator


@pytest.fixture
def officer(make_user, district):
    return make_user(Role.DISTRICT_OFFICER, district)


@pytest.fixture
def office(make_user):
    return make_user(Role.LEADERSHIP_OFFICE)


def test_a_second_submission_updates_the_same_row_with_an_audited_change(indicator, officer, district):
    first = reported_value_submit(indicator=indicator, org_unit=district, period=Y2024, value="97.5", by=officer)
    again = reported_value_submit(indicator=indicator, org_unit=district, period=Y2024, value="98.2", by=officer)
    assert first.pk == again.pk
    assert ReportedValue.objects.filter(indicator=indicator).count() == 1
    event = AuditEvent.objects.filter(object_id=str(first.pk), action=AuditAction.UPDATE).latest("pk")
    assert (event.before["value"], event.after["value"]) == ("97.5000", "98.2000")


def test_a_percentage_above_100_is_refused_naming_the_value(indicator, officer, district):
    with pytest.raises(ValidationError) as caught:
        reported_value_submit(indicator=indicator, org_unit=district, period=Y2024, value="101", by=officer)
    assert "value" in caught.value.message_dict
    assert not ReportedValue.objects.exists()


def test_a_value_that_is_not_a_number_is_refused(indicator, officer, district):
    with pytest.raises(ValidationError) as caught:
        reported_value_submit(indicator=indicator, org_unit=district, period=Y2024, value="九十八", by=officer)
    assert "value" in caught.value.message_dict


def test_a_district_officer_cannot_report_for_another_district(indicator, officer, city):
    other = city.children.exclude(name="金水区").first()
    with pytest.raises(PermissionDenied):
        reported_value_submit(indicator=indicator, org_unit=other, period=Y2024, value="98", by=officer)
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=officer).exists()


def test_a_department_reporter_reports_only_indicators_of_their_department(indicator, make_user, city):
    market = make_user(Role.DEPARTMENT_REPORTER, department=Department.objects.get(code="market-regulation"))
    water = make_user(Role.DEPARTMENT_REPORTER, department=Department.objects.get(code="water"))
    assert reported_value_submit(indicator=indicator, org_unit=city, period=Y2024, value="98", by=market)
    with pytest.raises(PermissionDenied):
        reported_value_submit(indicator=indicator, org_unit=city, period=Y2024, value="98", by=water)


def test_a_future_period_is_refused(indicator, officer, district):
    with pytest.raises(ValidationError) as caught:
        reported_value_submit(indicator=indicator, org_unit=district, period=Period(ReportingPeriodKind.YEAR, 2099),
                              value="98", by=officer)
    assert "year" in caught.value.message_dict


def test_approved_values_are_locked_until_reopened_with_a_reason(indicator, officer, office, district):
    value = reported_value_submit(indicator=indicator, org_unit=district, period=Y2024, value="97", by=officer)
    with pytest.raises(ValidationError):
        reported_value_approve(value=value, by=office)  # must be reviewed first
    value = reported_value_approve(value=reported_value_review(value=value, by=office), by=office)
    assert value.status == ReportedValueStatus.APPROVED and value.approved_by == office
    with pytest.raises(ValidationError) as caught:
        reported_value_submit(indicator=indicator, org_unit=district, period=Y2024, value="99", by=officer)
    assert "period" in caught.value.message_dict
    with pytest.raises(ValidationError):
        reported_value_reopen(value=value, reason="  ", by=office)
    reported_value_reopen(value=value, reason="统计口径更正", by=office)
    corrected = reported_value_submit(indicator=indicator, org_unit=district, period=Y2024, value="99", by=officer)
    assert corrected.value == Decimal("99") and corrected.status == ReportedValueStatus.SUBMITTED
    assert AuditEvent.objects.filter(object_id=str(value.pk), message__contains="统计口径更正").exists()


def test_only_the_leadership_office_approves(indicator, officer, district):
    value = reported_value_submit(indicator=indicator, org_unit=district, period=Y2024, value="97", by=officer)
    with pytest.raises(PermissionDenied):
        reported_value_review(value=value, by=officer)


def test_a_computed_indicator_takes_values_from_its_registered_function(indicator, officer, district, city):
    indicator.source, indicator.computed_key = IndicatorSource.COMPUTED, "test.pass_rate"
    indicator.save()
    computed.register("test.pass_rate", "测试合格率", lambda unit, year: Decimal("96.5") if unit == district else None)
    try:
        assert computed_values_refresh(indicator=indicator, year=2024, org_units=[city, district]) == 1
        value = ReportedValue.objects.get(indicator=indicator)
        assert (value.org_unit, value.value, value.status) == (district, Decimal("96.5"), ReportedValueStatus.APPROVED)
        with pytest.raises(ValidationError):
            reported_value_submit(indicator=indicator, org_unit=district, period=Y2024, value="90", by=officer)
    finally:
        computed.unregister("test.pass_rate")


def test_refreshing_a_key_writes_each_plan_for_the_units_that_report_it(officer, district, city):
    # given two plans measuring the same computed quantity: one reported by the district only, one with no values
    zone_plan_indicator = IndicatorFactory(source=IndicatorSource.COMPUTED, computed_key="test.pass_rate")
    reported = IndicatorFactory(plan=zone_plan_indicator.plan)
    reported.departments.set([Department.objects.get(code="market-regulation")])
    reported_value_submit(indicator=reported, org_unit=district, period=Y2024, value="50", by=officer)
    city_plan_indicator = IndicatorFactory(source=IndicatorSource.COMPUTED, computed_key="test.pass_rate")
    computed.register("test.pass_rate", "测试合格率", lambda unit, year: Decimal(year - 2000))
    try:
        # when the key is refreshed for 2025
        written = computed_indicators_refresh(key="test.pass_rate", year=2025)
    finally:
        computed.unregister("test.pass_rate")
    # then the first plan gets the district only, the second the city and every district
    _, districts = org_root_and_children()
    values = set(ReportedValue.objects.filter(year=2025).values_list("indicator", "org_unit", "value"))
    assert {(i, u) for i, u, _ in values if i == zone_plan_indicator.pk} == {(zone_plan_indicator.pk, district.pk)}
    assert {u for i, u, _ in values if i == city_plan_indicator.pk} == {city.pk, *(d.pk for d in districts)}
    assert {v for _, _, v in values} == {Decimal(25)}
    assert written == len(values)


def _xlsx(rows, headers=IMPORT_HEADERS) -> bytes:
    book = Workbook()
    book.active.append(list(headers))
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_import_lists_unknown_indicators_by_row_and_writes_nothing(indicator, office):
    data = _xlsx([("食品抽检合格率", "金水区", 2024, "年", 0, 98.2, ""),
                  ("不存在的指标", "金水区", 2024, "年", 0, 90, ""),
                  ("食品抽检合格率", "二七区", 2024, "年", 0, 120, "")])
    with pytest.raises(ValidationError) as caught:
        reported_values_import(plan=indicator.plan, data=data, by=office)
    messages = caught.value.messages
    assert messages[0].startswith("第 3 行") and "不存在的指标" in messages[0]
    assert messages[1].startswith("第 4 行") and "0–100" in messages[1]
    assert not ReportedValue.objects.exists()


def test_import_of_good_rows_submits_each_value(indicator, office):
    data = _xlsx([("食品抽检合格率", "金水区", 2024, "年", 0, 98.2, "统计局年报"),
                  ("食品抽检合格率", "金水区", 2024, "季", 2, "97.9%", "")])
    assert reported_values_import(plan=indicator.plan, data=data, by=office) == 2
    assert ReportedValue.objects.filter(status=ReportedValueStatus.SUBMITTED).count() == 2


def test_import_refuses_wrong_headers_and_non_xlsx(indicator, office):
    with pytest.raises(ValidationError) as caught:
        reported_values_import(plan=indicator.plan, data=_xlsx([], headers=("名称", "数值")), by=office)
    assert "表头" in caught.value.messages[0]
    with pytest.raises(ValidationError) as caught:
        reported_values_import(plan=indicator.plan, data=b"not a workbook", by=office)
    assert "xlsx" in caught.value.messages[0]


def test_a_concurrent_first_report_of_the_same_period_becomes_an_update(indicator, officer, district,
                                                                          monkeypatch):
    # given another request's report for the period, committed after this one looked for it
    from qcity.indicators.services import values

    other = reported_value_submit(indicator=indicator, org_unit=district, period=Y2024, value="97", by=officer)
    real_lookup = values._period_row
    calls = []

    def first_lookup_misses(*args):
        calls.append(args)
        return None if len(calls) == 1 else real_lookup(*args)

    monkeypatch.setattr(values, "_period_row", first_lookup_misses)
    # when this report's insert then hits the unique constraint
    mine = reported_value_submit(indicator=indicator, org_unit=district, period=Y2024, value="98", by=officer)
    # then it updates the same row instead of failing
    assert len(calls) == 2 and mine.pk == other.pk and mine.value == Decimal("98")
    assert ReportedValue.objects.filter(indicator=indicator).count() == 1


# --- the returned value is announced to its reporters ------------------------------------------------------


def test_a_returned_value_notifies_its_districts_reporters_once_with_the_reason(indicator, officer, office, district,
                                                                                 make_user):
    from qcity.core.choices import NotificationKind
    from qcity.core.models import Notification
    from qcity.indicators.services import reported_value_return

    # given a value reported by the district, a second officer of the district and one of another district
    colleague = make_user(Role.DISTRICT_OFFICER, district)
    stranger = make_user(Role.DISTRICT_OFFICER, district.parent.children.get(name="二七区"))
    value = reported_value_submit(indicator=indicator, org_unit=district, period=Y2024, value="97", by=officer)
    # when the office returns it, and the request is sent again
    reported_value_return(value=value, reason="口径有误", by=office)
    with pytest.raises(ValidationError):
        reported_value_return(value=value, reason="口径有误", by=office)
    # then each reporter of the district has one message with the reason and the form's address
    sent = Notification.objects.filter(kind=NotificationKind.VALUE_RETURNED)
    assert sorted(sent.values_list("recipient_id", flat=True)) == sorted([officer.pk, colleague.pk])
    assert stranger.pk not in sent.values_list("recipient_id", flat=True)
    message = sent.first()
    assert "口径有误" in message.body
    assert message.url.endswith(f"/values/{value.pk}/resubmit/")
    assert message.key.startswith(f"reported-value:{value.pk}:returned:")


def test_a_value_returned_again_after_a_resubmission_is_a_new_message(indicator, officer, office, district,
                                                                     time_machine):
    from django.utils import timezone

    from qcity.core.models import Notification
    from qcity.indicators.services import reported_value_return

    value = reported_value_submit(indicator=indicator, org_unit=district, period=Y2024, value="97", by=officer)
    reported_value_return(value=value, reason="口径有误", by=office)
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=5))
    value = reported_value_submit(indicator=indicator, org_unit=district, period=Y2024, value="97.5", by=officer)
    reported_value_return(value=value, reason="仍有误", by=office)
    assert Notification.objects.filter(recipient=officer).count() == 2
