import importlib
import io
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent, Department
from qcity.core.selectors import org_root_and_children
from qcity.indicators.choices import (
    IndicatorAccumulation,
    IndicatorComparator,
    IndicatorDecomposition,
    TargetDecompositionStatus,
)
from qcity.indicators.decomposition import default_kind
from qcity.indicators.models import Plan, TargetDecomposition, UnitTarget
from qcity.indicators.selectors import decomposition_marker, indicator_statuses
from qcity.indicators.services import (
    indicator_decomposition_set,
    plans_load_builtin,
    target_decomposition_confirm,
    target_decomposition_save,
    target_decompositions_import,
)
from qcity.indicators.services.decomposition import FIXED_HEADERS, UnitTargetInput

from ..factories import IndicatorFactory

MIGRATION = importlib.import_module("qcity.indicators.migrations.0003_target_decomposition")


@pytest.fixture
def office(make_user):
    return make_user(Role.LEADERSHIP_OFFICE)


@pytest.fixture
def districts(db):
    return org_root_and_children()[1]


@pytest.fixture
def total(db):
    """新增绿色建筑总面积 ≥ 9000 (a total: split among the districts)."""
    return IndicatorFactory(name="新增绿色建筑总面积", unit="万平方米", accumulation=IndicatorAccumulation.CUMULATIVE,
                            decomposition=IndicatorDecomposition.SPLIT, target=9000)


@pytest.fixture
def rate(db):
    return IndicatorFactory(decomposition=IndicatorDecomposition.UNIFORM, target=98)


def _shares(districts, values):
    return [UnitTargetInput(value=v, org_unit=d) for d, v in zip(districts, values, strict=False)]


@pytest.mark.parametrize(("name", "unit", "accumulation", "kind"), [
    ("食品抽检合格率", "%", "level", "uniform"),
    ("每万人口高价值发明专利拥有量", "件", "level", "uniform"),
    ("新增绿色建筑总面积", "万平方米", "cumulative", "split"),
    ("注册在本市的检验检测机构数量", "家", "level", "split"),
    ("食品安全示范城市", "个", "cumulative", "city_only"),
    ("中国质量奖（含提名奖）", "项", "cumulative", "city_only"),
])
def test_the_default_kind_reads_the_name_unit_and_accumulation(name, unit, accumulation, kind):
    assert default_kind(name=name, unit=unit, accumulation=accumulation) == kind


def test_a_split_that_adds_up_has_no_warning_and_can_be_confirmed(total, districts, office):
    saved = target_decomposition_save(indicator=total, year=2025, by=office,
                                      targets=_shares(districts, [3000, 2500, 2000, 1500]))
    assert saved.warnings == []
    assert saved.decomposition.status == TargetDecompositionStatus.DRAFT
    confirmed = target_decomposition_confirm(decomposition=saved.decomposition, by=office)
    assert confirmed.status == TargetDecompositionStatus.CONFIRMED
    assert AuditEvent.objects.filter(object_type="indicators.targetdecomposition", action=AuditAction.UPDATE,
                                     message__contains="confirmed").exists()


def test_a_split_short_of_the_target_is_a_draft_with_the_remainder_and_cannot_be_confirmed(total, districts, office):
    saved = target_decomposition_save(indicator=total, year=2025, by=office,
                                      targets=_shares(districts, [3000, 2500, 2000]))
    assert saved.decomposition.status == TargetDecompositionStatus.DRAFT
    assert len(saved.warnings) == 1 and "1500" in saved.warnings[0]
    with pytest.raises(ValidationError) as caught:
        target_decomposition_confirm(decomposition=saved.decomposition, by=office)
    assert "status" in caught.value.message_dict
    saved.decomposition.refresh_from_db()
    assert saved.decomposition.status == TargetDecompositionStatus.DRAFT


def test_an_over_split_shows_a_negative_remainder(total, districts, office):
    saved = target_decomposition_save(indicator=total, year=2025, by=office,
                                      targets=_shares(districts, [5000, 5000]))
    assert "-1000" in saved.warnings[0]


def test_editing_a_confirmed_split_sends_it_back_to_draft_and_the_same_set_changes_nothing(total, districts, office):
    shares = _shares(districts, [4500, 4500])
    saved = target_decomposition_save(indicator=total, year=2025, by=office, targets=shares)
    target_decomposition_confirm(decomposition=saved.decomposition, by=office)
    events = AuditEvent.objects.count()
    again = target_decomposition_save(indicator=total, year=2025, by=office, targets=shares)
    assert not again.changed
    assert again.decomposition.status == TargetDecompositionStatus.CONFIRMED
    assert AuditEvent.objects.count() == events
    changed = target_decomposition_save(indicator=total, year=2025, by=office, targets=_shares(districts, [4000, 5000]))
    assert changed.changed and changed.decomposition.status == TargetDecompositionStatus.DRAFT
    assert TargetDecomposition.objects.count() == 1 and UnitTarget.objects.count() == 2


def test_a_uniform_indicator_accepts_a_stricter_district_target_and_refuses_a_looser_one(rate, districts, office):
    saved = target_decomposition_save(indicator=rate, year=2025, by=office, targets=_shares(districts, ["99"]))
    assert saved.warnings == []
    with pytest.raises(ValidationError) as caught:
        target_decomposition_save(indicator=rate, year=2025, by=office, targets=_shares(districts, ["97"]))
    message = caught.value.message_dict["targets[0]"][0]
    assert districts[0].name in message and "97" in message
    assert UnitTarget.objects.get().value == Decimal("99")


def test_an_at_most_uniform_indicator_is_stricter_when_lower(districts, office):
    indicator = IndicatorFactory(comparator=IndicatorComparator.AT_MOST, target=5)
    target_decomposition_save(indicator=indicator, year=2025, by=office, targets=_shares(districts, ["4"]))
    with pytest.raises(ValidationError):
        target_decomposition_save(indicator=indicator, year=2025, by=office, targets=_shares(districts, ["6"]))


def test_a_district_target_for_a_city_only_indicator_is_refused(districts, office):
    title = IndicatorFactory(name="食品安全示范城市", unit="个", decomposition=IndicatorDecomposition.CITY_ONLY, target=1)
    with pytest.raises(ValidationError) as caught:
        target_decomposition_save(indicator=title, year=2025, by=office, targets=_shares(districts, ["1"]))
    assert "targets[0]" in caught.value.message_dict
    assert not TargetDecomposition.objects.exists()
    lead = Department.objects.get(code="market-regulation")
    saved = target_decomposition_save(indicator=title, year=2025, by=office,
                                      targets=[UnitTargetInput(value="1", department=lead)])
    assert saved.warnings == []


@pytest.mark.parametrize("raw", ["-5", "abc", "", "1e999"])
def test_a_negative_or_non_numeric_target_is_refused_naming_the_unit(total, districts, office, raw):
    with pytest.raises(ValidationError) as caught:
        target_decomposition_save(indicator=total, year=2025, by=office, targets=_shares(districts, ["100", raw]))
    assert districts[1].name in caught.value.message_dict["targets[1]"][0]
    assert not TargetDecomposition.objects.exists()


def test_a_count_is_split_in_whole_numbers(districts, office):
    count = IndicatorFactory(name="新增绿色食品认证产品数", unit="个", decomposition=IndicatorDecomposition.SPLIT, target=50)
    with pytest.raises(ValidationError):
        target_decomposition_save(indicator=count, year=2025, by=office, targets=_shares(districts, ["12.5"]))


def test_a_year_without_a_city_target_is_refused(total, districts, office):
    with pytest.raises(ValidationError) as caught:
        target_decomposition_save(indicator=total, year=2023, by=office, targets=_shares(districts, ["1"]))
    assert "year" in caught.value.message_dict


def test_a_district_officer_cannot_decompose(total, districts, make_user):
    officer = make_user(Role.DISTRICT_OFFICER, districts[0])
    with pytest.raises(PermissionDenied):
        target_decomposition_save(indicator=total, year=2025, by=officer, targets=_shares(districts, ["9000"]))


def test_changing_the_kind_to_city_only_drops_district_targets_and_unconfirms(total, districts, office):
    saved = target_decomposition_save(indicator=total, year=2025, by=office, targets=_shares(districts, [9000]))
    target_decomposition_confirm(decomposition=saved.decomposition, by=office)
    indicator_decomposition_set(indicator=total, kind=IndicatorDecomposition.CITY_ONLY, by=office)
    saved.decomposition.refresh_from_db()
    assert saved.decomposition.status == TargetDecompositionStatus.DRAFT
    assert not UnitTarget.objects.filter(org_unit__isnull=False).exists()


def test_changing_a_split_to_uniform_drops_the_shares_so_no_looser_district_target_can_be_confirmed(
        total, districts, office):
    # given a confirmed split: the first district owes 100 of the city's 9000
    saved = target_decomposition_save(indicator=total, year=2025, by=office,
                                      targets=_shares(districts, [100, 8900]))
    target_decomposition_confirm(decomposition=saved.decomposition, by=office)
    # when the office makes it a uniform target
    indicator_decomposition_set(indicator=total, kind=IndicatorDecomposition.UNIFORM, by=office)
    # then no district keeps a share (it would hold the district to 100 against the city's 9000)
    assert not UnitTarget.objects.filter(decomposition__indicator=total, org_unit__isnull=False).exists()
    target_decomposition_confirm(decomposition=saved.decomposition, by=office)
    statuses = indicator_statuses(indicators=[total], org_units=[districts[0]], year=2025)
    assert statuses[0].result.milestone is None or statuses[0].result.milestone.value == 9000


def test_a_reimported_sheet_keeps_the_note_and_an_empty_row_creates_nothing(total, districts, office):
    rate = IndicatorFactory(plan=total.plan, decomposition=IndicatorDecomposition.UNIFORM, target=98)
    saved = target_decomposition_save(indicator=total, year=2025, by=office, note="按企业数分解",
                                      targets=_shares(districts, [4500, 4500]))
    target_decomposition_confirm(decomposition=saved.decomposition, by=office)
    headers = [*FIXED_HEADERS, districts[0].name, districts[1].name]
    again = target_decompositions_import(plan=total.plan, by=office, data=_sheet(
        [[total.code, total.name, "", "", 2025, 9000, 4500, 4500], [rate.code, rate.name, "", "", 2025, 98, None, None]],
        headers))
    saved.decomposition.refresh_from_db()
    assert [s.changed for s in again] == [False]
    assert saved.decomposition.note == "按企业数分解"
    assert saved.decomposition.status == TargetDecompositionStatus.CONFIRMED
    assert not TargetDecomposition.objects.filter(indicator=rate).exists()


def test_the_decomposition_marker_changes_on_a_confirmation_and_on_a_kind(total, districts, office):
    first = decomposition_marker(total.plan)
    saved = target_decomposition_save(indicator=total, year=2025, by=office, targets=_shares(districts, [9000]))
    drafted = decomposition_marker(total.plan)
    target_decomposition_confirm(decomposition=saved.decomposition, by=office)
    confirmed = decomposition_marker(total.plan)
    indicator_decomposition_set(indicator=total, kind=IndicatorDecomposition.CITY_ONLY, by=office)
    assert len({first, drafted, confirmed, decomposition_marker(total.plan)}) == 4


def _sheet(rows, headers=None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(headers or FIXED_HEADERS))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_import_with_a_negative_or_non_numeric_target_lists_the_rows_and_writes_nothing(total, rate, districts, office):
    headers = [*FIXED_HEADERS, districts[0].name, districts[1].name]
    data = _sheet([[total.code, total.name, "", "", 2025, 9000, 4500, -1],
                   [rate.code, rate.name, "", "", 2025, 98, "abc", None]], headers)
    with pytest.raises(ValidationError) as caught:
        target_decompositions_import(plan=total.plan, data=data, by=office)
    messages = caught.value.message_dict["file"]
    assert any(m.startswith("第 2 行") for m in messages) and any(m.startswith("第 3 行") for m in messages)
    assert not TargetDecomposition.objects.exists()


def test_an_imported_row_that_does_not_add_up_is_a_draft_with_its_warning(total, districts, office):
    headers = [*FIXED_HEADERS, districts[0].name, districts[1].name]
    saved = target_decompositions_import(plan=total.plan, data=_sheet([[total.code, total.name, "", "", 2025, 9000, 4000, 4000]],
                                                                      headers), by=office)
    assert len(saved) == 1 and "1000" in saved[0].warnings[0]
    assert saved[0].decomposition.status == TargetDecompositionStatus.DRAFT
    assert UnitTarget.objects.count() == 2


def test_an_import_with_an_unknown_unit_column_is_refused(total, office):
    with pytest.raises(ValidationError) as caught:
        target_decompositions_import(plan=total.plan, data=_sheet([], [*FIXED_HEADERS, "不存在区"]), by=office)
    assert "不存在区" in caught.value.message_dict["file"][0]


def test_loading_the_plans_sets_default_kinds_once_and_keeps_the_offices_choice(office):
    plans_load_builtin(by=None)
    fyp = Plan.objects.get(code="zz-2021-14th-fyp")
    kinds = dict(fyp.indicators.values_list("code", "decomposition"))
    assert (kinds["P1-04"], kinds["P2-08"], kinds["P4-07"], kinds["P4-01"]) == (
        IndicatorDecomposition.UNIFORM, IndicatorDecomposition.SPLIT, IndicatorDecomposition.CITY_ONLY,
        IndicatorDecomposition.CITY_ONLY)
    # the airport zone's own plan: its targets are the zone's as written
    assert set(Plan.objects.get(code="zz-airport-2021").indicators.values_list("decomposition", flat=True)) == {
        IndicatorDecomposition.UNIFORM}
    indicator_decomposition_set(indicator=fyp.indicators.get(code="P4-03"), kind=IndicatorDecomposition.SPLIT, by=office)
    plans_load_builtin(by=None)
    assert fyp.indicators.get(code="P4-03").decomposition == IndicatorDecomposition.SPLIT


def test_the_data_migration_gives_existing_rows_the_default_kind(db):
    title = IndicatorFactory(name="食品安全示范城市", unit="个", accumulation=IndicatorAccumulation.CUMULATIVE)
    assert title.decomposition == IndicatorDecomposition.UNIFORM  # the column's default
    MIGRATION.set_decomposition_kinds(django_apps, None)
    title.refresh_from_db()
    assert title.decomposition == IndicatorDecomposition.CITY_ONLY
