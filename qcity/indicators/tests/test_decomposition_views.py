"""The decomposition (指标分解) pages and API: wiring, the office-only permission, 400s, export and import."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent
from qcity.core.selectors import org_root_and_children
from qcity.indicators.choices import IndicatorAccumulation, IndicatorDecomposition, TargetDecompositionStatus
from qcity.indicators.models import TargetDecomposition, UnitTarget
from qcity.indicators.services.decomposition import (
    FIXED_HEADERS,
    UnitTargetInput,
    target_decomposition_confirm,
    target_decomposition_save,
)

from .factories import IndicatorFactory, PlanFactory, ReportedValueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(make_user):
    return make_user(Role.LEADERSHIP_OFFICE)


@pytest.fixture
def districts():
    return org_root_and_children()[1]


@pytest.fixture
def total():
    return IndicatorFactory(name="新增绿色建筑总面积", unit="万平方米", accumulation=IndicatorAccumulation.CUMULATIVE,
                            decomposition=IndicatorDecomposition.SPLIT, target=9000)


def _table_url(indicator, **extra):
    query = "&".join(f"{k}={v}" for k, v in {"plan": indicator.plan.code, "year": 2025, **extra}.items())
    return f"{reverse('indicators:decomposition-table')}?{query}"


def test_the_office_edits_a_split_sees_the_remainder_and_confirms_once_it_adds_up(client_for, office, total, districts):
    client = client_for(office)
    edit = reverse("indicators:decomposition-edit", args=[total.pk, 2025])
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"decomposition": "split", f"org_unit_{districts[0].pk}": "5000",
                                  f"org_unit_{districts[1].pk}": "3000"}, follow=True)
    assert response.status_code == 200
    assert "1000" in response.content.decode()  # the remainder, as a warning
    decomposition = TargetDecomposition.objects.get()
    confirm = reverse("indicators:decomposition-confirm", args=[decomposition.pk])
    client.post(confirm)
    decomposition.refresh_from_db()
    assert decomposition.status == TargetDecompositionStatus.DRAFT
    client.post(edit, {"decomposition": "split", f"org_unit_{districts[0].pk}": "5000",
                       f"org_unit_{districts[1].pk}": "4000"})
    client.post(confirm)
    decomposition.refresh_from_db()
    assert decomposition.status == TargetDecompositionStatus.CONFIRMED
    page = client.get(_table_url(total)).content.decode()
    assert "decomposition-table" in page and "5000" in page


def test_a_negative_target_on_the_page_is_a_400_on_its_field(client_for, office, total, districts):
    response = client_for(office).post(reverse("indicators:decomposition-edit", args=[total.pk, 2025]),
                                       {"decomposition": "split", f"org_unit_{districts[0].pk}": "-3"})
    assert response.status_code == 400
    assert districts[0].name in response.content.decode()
    assert not TargetDecomposition.objects.exists()


def test_a_district_officer_can_neither_open_nor_edit_the_decomposition(client_for, make_user, total, districts):
    client = client_for(make_user(Role.DISTRICT_OFFICER, districts[0]))
    assert client.get(_table_url(total)).status_code == 403
    response = client.post(reverse("indicators:decomposition-edit", args=[total.pk, 2025]),
                           {"decomposition": "split", f"org_unit_{districts[0].pk}": "9000"})
    assert response.status_code == 403
    assert not TargetDecomposition.objects.exists()


def test_the_export_is_the_table_in_the_import_layout_and_audited(client_for, office, total, districts):
    client = client_for(office)
    response = client.get(_table_url(total, export="xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert tuple(header[:len(FIXED_HEADERS)]) == FIXED_HEADERS and districts[0].name in header
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=office).count() == 1


def _upload(rows, headers) -> io.BytesIO:
    book = Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "decomposition.xlsx"
    return buffer


def test_the_import_page_refuses_bad_rows_with_400_and_saves_a_sheet_that_does_not_add_up_as_draft(
        client_for, office, total, districts):
    client = client_for(office)
    headers = [*FIXED_HEADERS, districts[0].name, districts[1].name]
    url = reverse("indicators:decomposition-import")
    bad = client.post(url, {"plan": total.plan.pk,
                            "file": _upload([[total.code, total.name, "", "", 2025, 9000, "x", 100]], headers)})
    assert bad.status_code == 400 and "第 2 行" in bad.content.decode()
    assert not TargetDecomposition.objects.exists()
    good = client.post(url, {"plan": total.plan.pk,
                             "file": _upload([[total.code, total.name, "", "", 2025, 9000, 6000, 2000]], headers)})
    assert good.status_code == 302
    assert TargetDecomposition.objects.get().status == TargetDecompositionStatus.DRAFT


def test_the_api_saves_warns_confirms_and_answers_400s(api_for, office, total, districts):
    api = api_for(office)
    url = reverse("api-target-decompositions")
    created = api.post(url, {"indicator": total.pk, "year": 2025, "targets": [
        {"org_unit": districts[0].pk, "value": "4000"}, {"org_unit": districts[1].pk, "value": "4000"}]}, format="json")
    assert created.status_code == 201
    assert created.data["warnings"] and created.data["decomposition"]["status"] == "draft"
    pk = created.data["decomposition"]["id"]
    confirm = reverse("api-target-decomposition-confirm", args=[pk])
    refused = api.post(confirm)
    assert refused.status_code == 400 and "status" in refused.data
    again = api.post(url, {"indicator": total.pk, "year": 2025, "targets": [
        {"org_unit": districts[0].pk, "value": "5000"}, {"org_unit": districts[1].pk, "value": "4000"}]}, format="json")
    assert again.status_code == 200 and again.data["warnings"] == []
    assert api.post(confirm).data["status"] == "confirmed"
    listed = api.get(url, {"plan": total.plan.code, "year": 2025})
    assert listed.status_code == 200 and listed.data["results"][0]["unit_targets"]


@pytest.mark.parametrize("value", ["-1", "abc"])
def test_the_api_refuses_a_negative_or_non_numeric_target_naming_it(api_for, office, total, districts, value):
    response = api_for(office).post(reverse("api-target-decompositions"), {"indicator": total.pk, "year": 2025, "targets": [
        {"org_unit": districts[0].pk, "value": value}]}, format="json")
    assert response.status_code == 400
    assert "targets[0]" in response.data and districts[0].name in str(response.data["targets[0]"])
    assert not UnitTarget.objects.exists()


def test_the_api_refuses_a_district_target_for_a_city_only_indicator(api_for, office, districts):
    title = IndicatorFactory(name="中国质量奖（含提名奖）", unit="项", decomposition=IndicatorDecomposition.CITY_ONLY, target=1)
    response = api_for(office).post(reverse("api-target-decompositions"), {"indicator": title.pk, "year": 2025, "targets": [
        {"org_unit": districts[0].pk, "value": "1"}]}, format="json")
    assert response.status_code == 400
    assert not TargetDecomposition.objects.exists()


def test_the_api_is_for_the_office_only(api_for, make_user, total, districts):
    api = api_for(make_user(Role.DISTRICT_OFFICER, districts[0]))
    response = api.post(reverse("api-target-decompositions"), {"indicator": total.pk, "year": 2025, "targets": [
        {"org_unit": districts[0].pk, "value": "9000"}]}, format="json")
    assert response.status_code == 403
    assert api.get(reverse("api-target-decompositions")).status_code == 403


def test_the_api_sets_the_kind_of_an_indicator(api_for, office, total):
    response = api_for(office).post(reverse("api-indicator-decomposition", args=[total.pk]),
                                    {"decomposition": "city_only"}, format="json")
    assert response.status_code == 200 and response.data["decomposition"] == "city_only"
    bad = api_for(office).post(reverse("api-indicator-decomposition", args=[total.pk]), {"decomposition": "x"},
                               format="json")
    assert bad.status_code == 400 and "decomposition" in bad.data
    assert Decimal(total.targets.get().value) == Decimal(9000)


def test_the_api_import_lists_bad_rows_with_400_and_writes_nothing(api_for, office, total, districts):
    headers = [*FIXED_HEADERS, districts[0].name]
    response = api_for(office).post(reverse("api-target-decompositions-import"), {
        "plan": total.plan.code, "file": _upload([[total.code, total.name, "", "", 2025, 9000, -9000]], headers)},
        format="multipart")
    assert response.status_code == 400 and "第 2 行" in response.data["file"][0]
    assert not TargetDecomposition.objects.exists()


def test_a_district_officer_sees_their_own_share_of_a_split_total_on_the_board_and_the_cockpit(
        client_for, make_user, office, districts):
    # given a city total of 9000 (万㎡ of green buildings by 2025) that the office splits and confirms:
    # 金水区 owes 600, another district the other 8400; 金水区 reports 650
    jinshui = next(d for d in districts if d.name == "金水区")
    other = next(d for d in districts if d.name != "金水区")
    plan = PlanFactory(code="green-plan", period_start=2021, period_end=2025)
    total = IndicatorFactory(plan=plan, name="绿色建筑面积", unit="万平方米", target=9000,
                             decomposition=IndicatorDecomposition.SPLIT)
    saved = target_decomposition_save(indicator=total, year=2025, by=office, targets=[
        UnitTargetInput(value="600", org_unit=jinshui), UnitTargetInput(value="8400", org_unit=other)])
    target_decomposition_confirm(decomposition=saved.decomposition, by=office)
    ReportedValueFactory(indicator=total, org_unit=jinshui, year=2025, value=Decimal(650))
    officer = client_for(make_user(Role.DISTRICT_OFFICER, jinshui))

    # when the district officer opens the status board
    board = officer.get(reverse("indicators:status"), {"plan": plan.code, "year": 2025})

    # then it is their district's board, holding them to their own 600, achieved — not the city's 9000
    assert board.status_code == 200 and board.context["unit"] == jinshui
    [row] = board.context["table"].data
    assert row.result.milestone.value == Decimal(600) and row.status == "achieved"
    html = board.content.decode()
    table = html.split('id="status-rows-table"')[1].split("</table>")[0]
    assert "2025：≥ 600万平方米" in table and "9000" not in table
    assert "已达标" in table

    # and on the cockpit (the city's view) their district is marked, ranked on its own share: 100 %, 1 achieved
    cockpit = officer.get(reverse("reports:cockpit"), {"plan": plan.code, "year": 2025})
    assert cockpit.status_code == 200
    mine = next(r for r in cockpit.context["data"]["ranking"] if r["highlight"])
    assert (mine["name"], mine["attainment"], mine["counts"]["achieved"]) == ("金水区", 100.0, 1)
    ranking = cockpit.content.decode().split('id="ranking-table"')[1].split("</table>")[0]
    highlighted = ranking.split('class="table-warning fw-semibold">')[1].split("</tr>")[0]
    assert "金水区" in highlighted and "100.0%" in highlighted
