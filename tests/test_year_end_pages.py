"""Year end through the pages (the issue's "Done when", with the Django test client): on 10 December, with
no official holiday schedule for next year, an enterprise files a credit objection, an officer records a
credit event and an inspector enters a result on a new plan — each page answers, and shows the deadline
that runs into next year as 暂定. The system administrator then enters next year's schedule on the
holiday-calendar page, and the deadline-changes list shows each of those deadlines, old → new.

The day is pinned here (2026-12-10) and 2027's schedule is removed inside the test's transaction, so the
test means the same whether or not the installed `chinesecalendar` already ships 2027.
"""

import datetime
import html
import re
import zoneinfo

import pytest
from django.urls import reverse

from qcity.core import workdays
from qcity.core.choices import Role
from qcity.core.models import DeadlineChange, DeadlineRecomputation
from qcity.core.tests.schedules import drop_official_year, first_working_day_of, official_schedule
from qcity.credit.models import CreditEvent, CreditObjection
from qcity.credit.tests.factories import make_credit_event
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.inspections import services as inspections
from qcity.inspections.models import Assignment, InspectionResult
from qcity.inspections.tests.factories import (
    make_inspection_item,
    make_inspection_plan,
    make_inspector,
    make_pool_with_snapshot,
)

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2026, 12, 10)  # a Thursday: 20 working days from it end in January 2027
NEXT_YEAR = DAY.year + 1


@pytest.fixture
def december_without_next_years_schedule(time_machine):
    """The clock on DAY at 10:00 (no tick), this year's schedule official, next year's not entered."""
    time_machine.move_to(datetime.datetime.combine(DAY, datetime.time(10), tzinfo=SHANGHAI), tick=False)
    drop_official_year(NEXT_YEAR)
    assert workdays.is_official(DAY.year) and not workdays.is_official(NEXT_YEAR)
    yield DAY
    workdays.invalidate()  # the rows come back with the rollback; the cache must not keep their absence


def _section(page: str, element_id: str) -> str:
    """The element with that id (a table), as text: enough to tell which deadline a mark belongs to."""
    start = page.index(f'id="{element_id}"')
    return page[start:page.index("</table>", start)]


def _marked(cell_html: str, day: datetime.date) -> bool:
    """The deadline `day` shown with its 暂定 mark and the reason naming next year."""
    return (f"{day:%Y-%m-%d} " in cell_html and "provisional-mark" in cell_html
            and f"{NEXT_YEAR}年放假安排未公布" in cell_html)


def _change_rows(page: str) -> list[str]:
    return re.findall(r'<tr class="deadline-change[^"]*">(.*?)</tr>', page, flags=re.S)  # the table adds even/odd


def test_the_pages_file_record_and_enter_with_provisional_deadlines_and_list_them_once_recomputed(
        december_without_next_years_schedule, client, make_user, district, city, django_capture_on_commit_callbacks):
    day = december_without_next_years_schedule
    firm = EnterpriseFactory(org_unit=district, name="郑州年末页面测试有限公司")

    # an enterprise user files an objection to its published penalty, on its credit-file page
    published = make_credit_event(firm, occurred_on=day - datetime.timedelta(days=9),
                                  published_on=day - datetime.timedelta(days=7), today=day)
    client.force_login(make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=firm))
    response = client.post(reverse("credit:objection-create", args=[firm.pk]),
                           {"target": f"event:{published.pk}", "grounds": "处罚决定已被复议撤销"})
    assert response.status_code == 302 and response.url == reverse("credit:file", args=[firm.pk])
    objection = CreditObjection.objects.get(enterprise=firm)
    assert objection.reply_due_on.year == NEXT_YEAR and objection.reply_due_on_provisional_year == NEXT_YEAR
    page = client.get(response.url)
    assert page.status_code == 200
    assert _marked(_section(page.content.decode(), "objection-table"), objection.reply_due_on)

    # an officer records a new penalty on /credit/files/<id>/events/new/
    client.force_login(make_user(Role.DISTRICT_OFFICER, org_unit=district))
    url = reverse("credit:event-create", args=[firm.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "administrative_penalty", "occurred_on": day.isoformat(),
                                 "source_authority": "金水区市场监督管理局", "summary": "销售不合格产品"})
    assert response.status_code == 302 and response.url == reverse("credit:file", args=[firm.pk])
    event = CreditEvent.objects.get(enterprise=firm, occurred_on=day)
    assert event.publication_due_on_provisional_year == NEXT_YEAR
    page = client.get(response.url)
    assert page.status_code == 200
    rows = [row for row in _section(page.content.decode(), "event-table").split('<tr class="credit-event">')
            if "销售不合格产品" in row]
    assert len(rows) == 1 and _marked(rows[0], event.publication_due_on)

    # an inspector the draw assigned enters a result on a new plan, dated today
    firms = EnterpriseFactory.create_batch(4, org_unit=district, numbered=True)
    pool = make_pool_with_snapshot(district, {"b": [f.pk for f in firms]})
    item = make_inspection_item(org_unit=city)
    team = [make_inspector(make_user, org_unit=district, items=[item], name=f"年末页面{n}号") for n in range(3)]
    plan = make_inspection_plan(org_unit=district, pool=pool, items=[item], counts={"b": 2},
                                name=f"{day.year}年末页面双随机抽查")
    inspections.draw_run(plan=plan, by=None)
    assignment = Assignment.objects.filter(target__draw__plan=plan, inspector__in=team).select_related(
        "target", "inspector__user").order_by("pk").first()
    client.force_login(assignment.inspector.user)
    target = assignment.target
    response = client.post(reverse("inspections:result-enter", args=[target.pk]),
                           {"item": item.pk, "outcome": "no_problem", "inspected_on": day.isoformat()})
    assert response.status_code == 302 and response.url == reverse("inspections:target-detail", args=[target.pk])
    result = InspectionResult.objects.get(target=target)
    assert result.publish_by_provisional_year == NEXT_YEAR
    page = client.get(response.url)
    assert page.status_code == 200 and _marked(page.content.decode(), result.publish_by)

    provisional = {"objection": (objection, "reply_due_on"), "event": (event, "publication_due_on"),
                   "result": (result, "publish_by")}
    before = {key: getattr(obj, field) for key, (obj, field) in provisional.items()}

    # when the system administrator enters next year's notice on the holiday-calendar page: the statutory
    # days and a bridge day off on the first working day of January, which each of them counted across
    admin = make_user(Role.SYSTEM_ADMIN)
    client.force_login(admin)
    form_url = reverse("core:holiday-calendar-year")
    assert client.get(form_url).status_code == 200
    lines = "\n".join(f"{d.date} 休 {d.name}" for d in official_schedule(
        NEXT_YEAR, extra_rest=(first_working_day_of(NEXT_YEAR),)))
    with django_capture_on_commit_callbacks(execute=True):  # the recomputation job runs after the commit
        response = client.post(form_url, {"year": NEXT_YEAR, "source": f"国务院办公厅关于{NEXT_YEAR}年部分节假日安排的通知",
                                          "days": lines})
    assert response.status_code == 302 and response.url == f"{reverse('core:holiday-calendar')}?year={NEXT_YEAR}"
    assert workdays.is_official(NEXT_YEAR)
    assert DeadlineRecomputation.objects.get(year=NEXT_YEAR).finished_at is not None

    # then the deadline-changes list shows each of the three deadlines: object, old (暂定) → new
    page = client.get(reverse("core:deadline-changes"))
    assert page.status_code == 200
    rows = _change_rows(page.content.decode())
    assert len(rows) == DeadlineChange.objects.count()
    for key, (obj, field) in provisional.items():
        obj.refresh_from_db()
        new = getattr(obj, field)
        assert new > before[key] and getattr(obj, f"{field}_provisional_year") is None, key
        change = DeadlineChange.objects.get(object_type=obj._meta.label_lower, object_id=str(obj.pk),
                                            field__endswith=f".{field}")
        assert (change.old_on, change.new_on) == (before[key], new), key
        listed = [row for row in rows if html.escape(change.object_repr) in row and change.field_label in row]
        assert len(listed) == 1, f"{key}: {change.object_repr} {change.field_label} not listed once"
        old_at, new_at = listed[0].index(f"{before[key]:%Y-%m-%d}"), listed[0].index(f"{new:%Y-%m-%d}")
        assert old_at < listed[0].index("→") < new_at and "暂定" in listed[0][old_at:new_at], key

    # and the pages show the new dates without the mark
    client.force_login(assignment.inspector.user)
    page = client.get(reverse("inspections:target-detail", args=[target.pk])).content.decode()
    assert f"{result.publish_by:%Y-%m-%d}" in page and "provisional-mark" not in page
