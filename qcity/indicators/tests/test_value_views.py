"""The values queue and the value form: sorting, filters, count, export, pager, who reported, the unit
pre-filled, the last approved value, grouped indicator options, and resubmitting a returned value."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent, Department
from qcity.indicators.choices import IndicatorSource, ReportedValueStatus, ReportingPeriodKind
from qcity.indicators.models import ReportedValue

from .factories import IndicatorFactory, PlanFactory, ReportedValueFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("indicators:value-list")


@pytest.fixture
def other_district(city, district):
    return city.children.exclude(pk=district.pk).order_by("sort_order", "pk").first()


def _submitted(indicator, unit, *, by=None, year=2024, at=None, status=ReportedValueStatus.SUBMITTED, **kw):
    return ReportedValueFactory(indicator=indicator, org_unit=unit, year=year, status=status, submitted_by=by,
                                submitted_at=at or timezone.now(), **kw)


def _rows(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr id="value-(\d+)"', response.content.decode())]


def test_queue_sorts_by_a_column_and_ignores_an_unknown_sort(client_for, make_user, district, other_district):
    # given two values of two districts, the later one submitted for the district sorting last by path
    indicator = IndicatorFactory()
    first, second = sorted([district, other_district], key=lambda u: u.path)
    early = _submitted(indicator, second, at=timezone.now() - datetime.timedelta(days=2))
    late = _submitted(indicator, first)
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))
    # when the office sorts by unit, by unit descending, or by a column that does not exist
    by_unit = client.get(QUEUE, {"sort": "org_unit"})
    by_unit_desc = client.get(QUEUE, {"sort": "-org_unit"})
    unknown = client.get(QUEUE, {"sort": "password"})
    # then the sort is honoured and the unknown one ignored (latest submission first)
    assert _rows(by_unit) == [late.pk, early.pk]
    assert _rows(by_unit_desc) == [early.pk, late.pk]
    assert unknown.status_code == 200 and _rows(unknown) == [late.pk, early.pk]


def test_queue_filters_by_unit_and_indicator_and_shows_the_count(client_for, make_user, district, other_district):
    # given values of two indicators in two districts
    plan = PlanFactory()
    food, green = IndicatorFactory(plan=plan), IndicatorFactory(plan=plan, name="绿色食品认证数")
    ours = [_submitted(food, district), _submitted(green, district)]
    theirs = _submitted(food, other_district)
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))
    # when the office narrows to a unit, then to a unit and an indicator
    by_unit = client.get(QUEUE, {"org_unit": district.pk})
    both = client.get(QUEUE, {"org_unit": district.pk, "indicator": food.pk})
    everything = client.get(QUEUE)
    # then only those rows are listed, and the count says how many
    assert sorted(_rows(by_unit)) == sorted(v.pk for v in ours) and "共 2 条" in by_unit.content.decode()
    assert _rows(both) == [ours[0].pk] and "共 1 条" in both.content.decode()
    assert theirs.pk in _rows(everything) and "共 3 条" in everything.content.decode()
    # and the indicator select is searchable, grouped by plan, each option with its code
    html = everything.content.decode()
    assert 'data-searchable' in html and f'<optgroup label="{plan.title}' in html
    assert f">{food.code} {food.name}</option>" in html


def test_queue_shows_who_reported_and_when(client_for, make_user, district):
    reporter = make_user(Role.DISTRICT_OFFICER, district, full_name="张填报")
    at = timezone.make_aware(datetime.datetime(2026, 11, 30, 9, 15))
    _submitted(IndicatorFactory(), district, by=reporter, at=at)
    html = client_for(make_user(Role.LEADERSHIP_OFFICE)).get(QUEUE).content.decode()
    assert "张填报" in html and "2026-11-30 09:15" in html


def test_queue_pager_keeps_the_year_unit_and_indicator_filters(client_for, make_user, district):
    # given 51 submitted values for 2024 (more than a page) and one for 2023
    plan = PlanFactory()
    indicator = IndicatorFactory(plan=plan)
    for month in range(1, 13):
        for year in (2021, 2022, 2023, 2024, 2025):
            _submitted(indicator, district, year=year, period_kind=ReportingPeriodKind.MONTH, period_number=month)
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))
    params = {"year": 2024, "org_unit": district.pk, "status": ""}
    # when a filter leaves a single page, and when the unit and indicator filters leave more than one
    assert "page=2" not in client.get(QUEUE, params).content.decode()
    response = client.get(QUEUE, {"org_unit": district.pk, "indicator": indicator.pk, "status": ""})
    # then the next-page link carries every filter
    html = response.content.decode()
    link = re.search(r'href="\?([^"]*page=2[^"]*)"', html).group(1).replace("&amp;", "&")
    assert f"org_unit={district.pk}" in link and f"indicator={indicator.pk}" in link and "status=" in link
    follow = client.get(QUEUE + "?" + link)
    assert len(_rows(follow)) == 10 and "共 60 条" in follow.content.decode()
    # and with the year filter the count is the year's
    year_page = client.get(QUEUE, {"year": 2024, "indicator": indicator.pk, "status": ""})
    assert "共 12 条" in year_page.content.decode()


def test_queue_export_is_the_filtered_list_and_audited(client_for, make_user, district, other_district):
    indicator = IndicatorFactory()
    _submitted(indicator, district, note="ours")
    _submitted(indicator, other_district, note="theirs")
    office = make_user(Role.LEADERSHIP_OFFICE)
    client = client_for(office)
    page = client.get(QUEUE, {"org_unit": district.pk}).content.decode()
    assert f"org_unit={district.pk}&amp;export=xlsx" in page  # the export link keeps the filters
    response = client.get(QUEUE, {"org_unit": district.pk, "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.getvalue())).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][-1] == "ours" and rows[1][3] == district.name
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == office and f"org_unit={district.pk}" in event.message


def test_a_district_officer_sees_only_their_districts_values(client_for, make_user, district, other_district):
    indicator = IndicatorFactory()
    ours = _submitted(indicator, district)
    _submitted(indicator, other_district)
    client = client_for(make_user(Role.DISTRICT_OFFICER, district))
    assert _rows(client.get(QUEUE, {"org_unit": other_district.pk})) == []
    assert _rows(client.get(QUEUE)) == [ours.pk]


# --- the value form ---------------------------------------------------------------------------------------


def test_value_form_prefills_the_only_unit_of_a_district_officer(client_for, make_user, district):
    IndicatorFactory()
    page = client_for(make_user(Role.DISTRICT_OFFICER, district)).get(reverse("indicators:value-create"))
    assert page.context["form"]["org_unit"].value() == district.pk
    assert f'<option value="{district.pk}" selected>' in page.content.decode()
    office_page = client_for(make_user(Role.LEADERSHIP_OFFICE)).get(reverse("indicators:value-create"))
    assert office_page.context["form"]["org_unit"].value() is None


def test_value_form_explains_the_period_number(client_for, make_user, district):
    html = client_for(make_user(Role.DISTRICT_OFFICER, district)).get(reverse("indicators:value-create")).content.decode()
    assert "年度填 0，季度 1–4，月份 1–12" in html


def test_value_form_offers_the_current_plans_indicators_first_with_their_codes(client_for, make_user, district):
    old = PlanFactory(period_start=2014, period_end=2020, title="旧规划")
    current = PlanFactory(period_start=2021, period_end=2025, title="现行规划")
    IndicatorFactory(plan=old, code="A-1")
    IndicatorFactory(plan=current, code="B-1")
    IndicatorFactory(plan=current, code="C-1", source=IndicatorSource.COMPUTED, computed_key="food_sampling_pass_rate")
    html = client_for(make_user(Role.DISTRICT_OFFICER, district)).get(reverse("indicators:value-create")).content.decode()
    assert html.index('label="现行规划') < html.index('label="旧规划')
    assert ">B-1 食品抽检合格率</option>" in html and "C-1" not in html  # computed indicators are not reported
    assert 'name="indicator" data-searchable' in html


def test_value_form_shows_the_last_approved_value_of_the_unit(client_for, make_user, district, other_district):
    indicator = IndicatorFactory()
    ReportedValueFactory(indicator=indicator, org_unit=district, year=2023, value="97.5")
    ReportedValueFactory(indicator=indicator, org_unit=district, year=2022, value="96")
    _submitted(indicator, district, year=2024)  # not approved: not the last approved value
    ReportedValueFactory(indicator=indicator, org_unit=other_district, year=2024, value="11")
    client = client_for(make_user(Role.DISTRICT_OFFICER, district))
    last = reverse("indicators:value-last")
    period = {"period_kind": "year", "period_number": 0}
    shown = client.get(last, {"indicator": indicator.pk, "org_unit": district.pk, "year": 2025, **period})
    assert "97.5%" in shown.content.decode() and "2023" in shown.content.decode()
    earlier = client.get(last, {"indicator": indicator.pk, "org_unit": district.pk, "year": 2023, **period})
    assert ">96%<" in earlier.content.decode()
    # another district's value stays hidden, and nothing chosen shows the hint
    assert "11%" not in client.get(last, {"indicator": indicator.pk, "org_unit": other_district.pk}).content.decode()
    assert 'id="last-value-figure"' not in client.get(last).content.decode()
    form = client.get(reverse("indicators:value-create"), {"indicator": indicator.pk}).content.decode()
    assert 'id="last-value-figure">97.5%' in form  # the unit is pre-filled: shown at once


# --- resubmitting a returned value --------------------------------------------------------------------


def test_resubmit_button_only_for_returned_values_and_the_reporters_scope(client_for, make_user, district):
    # given a returned and a submitted value, the indicator under one department's responsibility
    responsible, other = Department.objects.order_by("pk")[:2]
    indicator = IndicatorFactory()
    indicator.departments.add(responsible)
    returned = _submitted(indicator, district, status=ReportedValueStatus.RETURNED, status_note="口径不符")
    submitted = _submitted(indicator, district, year=2023)
    link = reverse("indicators:value-resubmit", args=[returned.pk])
    # then the district's officer sees "resubmit" on the returned value only, in the queue and on the indicator
    client = client_for(make_user(Role.DISTRICT_OFFICER, district))
    html = client.get(QUEUE).content.decode()
    assert html.count("修改后重新提交") == 1 and link in html
    assert reverse("indicators:value-resubmit", args=[submitted.pk]) not in html
    assert link in client.get(reverse("indicators:indicator-detail", args=[indicator.pk])).content.decode()
    assert client.get(reverse("indicators:value-resubmit", args=[submitted.pk])).status_code == 404
    # and a reporter of another department sees the value but may not report it: no button, no form
    client = client_for(make_user(Role.DEPARTMENT_REPORTER, department=other))
    assert returned.pk in _rows(client.get(QUEUE)) and link not in client.get(QUEUE).content.decode()
    assert client.get(link).status_code == 404
    # while the responsible department's reporter may
    client = client_for(make_user(Role.DEPARTMENT_REPORTER, department=responsible))
    assert link in client.get(QUEUE).content.decode()


def test_resubmit_opens_the_form_prefilled_with_the_reason_and_submits_again(client_for, make_user, district):
    indicator = IndicatorFactory()
    officer = make_user(Role.DISTRICT_OFFICER, district)
    returned = _submitted(indicator, district, by=officer, status=ReportedValueStatus.RETURNED,
                          status_note="口径不符，请按年末数填报", value="91.5", note="初报")
    client = client_for(officer)
    page = client.get(reverse("indicators:value-resubmit", args=[returned.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "口径不符，请按年末数填报" in html
    form = page.context["form"]
    assert (form["indicator"].value(), form["org_unit"].value(), form["year"].value(), form["value"].value()) == \
        (indicator.pk, district.pk, 2024, "91.5")
    response = client.post(reverse("indicators:value-resubmit", args=[returned.pk]), {
        "indicator": indicator.pk, "org_unit": district.pk, "period_kind": "year", "year": 2024,
        "period_number": 0, "value": "92.5", "note": "按年末数"})
    assert response.status_code == 302
    returned.refresh_from_db()
    assert returned.status == ReportedValueStatus.SUBMITTED and str(returned.value.normalize()) == "92.5"
    assert ReportedValue.objects.count() == 1


def test_a_step_on_a_row_answers_the_row_of_the_table(client_for, make_user, district):
    value = _submitted(IndicatorFactory(), district)
    client = client_for(make_user(Role.LEADERSHIP_OFFICE))
    response = client.post(reverse("indicators:value-transition", args=[value.pk, "return"]), {"reason": "口径"},
                           HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and html.count("<tr") == 1 and f'id="value-{value.pk}"' in html
    assert "口径" in html and "修改后重新提交" in html  # the office may report anywhere, so it may resubmit


def test_queue_reads_no_query_per_row(client_for, make_user, district):
    plan = PlanFactory()
    client = client_for(make_user(Role.DISTRICT_OFFICER, district))
    _submitted(IndicatorFactory(plan=plan), district, status=ReportedValueStatus.RETURNED)
    client.get(QUEUE)  # what a process reads once (the org units of the filter) is read
    with CaptureQueriesContext(connection) as few:
        client.get(QUEUE)
    for n in range(8):
        _submitted(IndicatorFactory(plan=plan), district, year=2020 + n % 5,
                   status=ReportedValueStatus.RETURNED if n % 2 else ReportedValueStatus.SUBMITTED)
    with CaptureQueriesContext(connection) as many:
        client.get(QUEUE)
    assert len(many) == len(few)
