"""Year end: the main flows on 20 December of the last year the holiday calendar covers, with no schedule
for the next year yet — then the State Council's notice is entered, and every provisional deadline is
recomputed and reported.

Whatever `chinesecalendar` covers, the test takes its last year L and the unpublished year L + 1, so it
keeps meaning the same thing when a newer library ships next year's schedule.
"""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qcity.core import deadlines, holiday_law, workdays
from qcity.core.choices import Role
from qcity.core.holiday_schedule import ScheduleDay
from qcity.core.models import AuditEvent, DeadlineChange, DeadlineRecomputation
from qcity.core.services import deadlines_recompute, holiday_calendar_year_set
from qcity.core.tests.schedules import first_working_day_of, last_official_year, official_schedule
from qcity.credit import selectors as credit_selectors
from qcity.credit import services as credit
from qcity.credit.choices import CreditListEntryReason, CreditRepairKind
from qcity.credit.models import CreditEvent
from qcity.credit.tests.factories import repair_documents
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.inspections import selectors as inspection_selectors
from qcity.inspections import services as inspections
from qcity.inspections.choices import InspectionOutcome
from qcity.inspections.models import DrawnTarget
from qcity.inspections.tests.factories import (
    make_inspection_item,
    make_inspection_plan,
    make_inspector,
    make_pool_with_snapshot,
)
from qcity.sampling import services as sampling
from qcity.sampling.choices import SamplingConclusion, SamplingPlanLevel
from qcity.sampling.models import ProductCategory
from qcity.sampling.tests.factories import PASSING
from qcity.workplan.services import supervision_open
from qcity.workplan.tests.factories import PlanTaskFactory

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def other_district(city):
    return city.children.get(name="二七区")


@pytest.fixture
def last_year():
    return last_official_year()


@pytest.fixture
def on_day(time_machine):
    """on_day(date): the clock at 10:00 Shanghai time on that day (visible travel, on top of the suite's pin)."""
    def travel(day: datetime.date) -> datetime.date:
        time_machine.move_to(datetime.datetime.combine(day, datetime.time(10), tzinfo=SHANGHAI), tick=False)
        return day
    return travel


@pytest.fixture
def year_end_work(last_year, on_day, district, city, make_user):
    """Every kind of stored deadline, created through the services in the last days of `last_year`."""
    next_year = last_year + 1
    assert not workdays.is_official(next_year)
    dec = lambda day: datetime.date(last_year, 12, day)  # noqa: E731
    firm = EnterpriseFactory(org_unit=district, name="郑州年末测试有限公司")
    on_day(dec(1))
    listing = credit.abnormal_list_enter(enterprise=firm, reason=CreditListEntryReason.NO_ANNUAL_REPORT, decided_on=dec(1),
                                         decision_authority="金水区市场监督管理局", by=None)
    task = PlanTaskFactory(deadline=dec(10), org_unit=district)

    on_day(dec(20))
    penalty = credit.credit_event_record(enterprise=firm, kind="administrative_penalty", occurred_on=dec(18),
                                         source_authority="金水区市场监督管理局", summary="销售不合格产品", by=None)
    published = credit.credit_event_record(enterprise=firm, kind="administrative_penalty", occurred_on=dec(11),
                                           source_authority="金水区市场监督管理局", summary="虚假宣传",
                                           published_on=dec(18), by=None)
    objection = credit.credit_objection_file(credit_event=published, grounds="处罚已被复议撤销", by=None)
    repair = credit.credit_repair_apply(enterprise=firm, kind=CreditRepairKind.ABNORMAL_LIST_REMOVAL, list_entry=listing,
                                 compliance_proof="已补报年度报告", commitment_letter="信用承诺书", by=None,
                                 **repair_documents())

    firms = EnterpriseFactory.create_batch(4, org_unit=district, numbered=True)
    pool = make_pool_with_snapshot(district, {"b": [f.pk for f in firms]})
    item = make_inspection_item(org_unit=city)
    for n in range(3):
        make_inspector(make_user, org_unit=district, items=[item], name=f"年末{n}号")
    plan = make_inspection_plan(org_unit=district, pool=pool, items=[item], counts={"b": 2}, name=f"{last_year}年末双随机抽查")
    draw = inspections.draw_run(plan=plan, by=None)
    target = DrawnTarget.objects.filter(draw=draw).first()
    result = inspections.result_enter(plan=plan, enterprise=target.enterprise, item=item, outcome=InspectionOutcome.NO_PROBLEM,
                                      inspected_on=dec(20), by=None)

    samplers = [make_user(Role.INSPECTOR, org_unit=district, full_name=f"抽样{n}") for n in range(2)]
    sampling_plan = sampling.sampling_plan_create(by=None, title="年末监督抽检", level=SamplingPlanLevel.CITY, org_unit=city,
                                         period_start=datetime.date(last_year, 1, 1), period_end=dec(31),
                                         categories=list(ProductCategory.objects.filter(code="SP01")),
                                         planned_batches=10)
    sample = sampling.sample_create(by=None, plan=sampling_plan, category=ProductCategory.objects.get(code="SP01"),
                                    enterprise=firm, product_name="小麦粉", batch_number="YE-1", sampling_date=dec(7),
                                    sampling_place="market", samplers=samplers, quantity=4, backup_quantity=2)
    sampling.test_results_record(sample=sample, items=PASSING, by=None)
    sampling.sample_conclude(sample=sample, conclusion=SamplingConclusion.PASS, test_report_number="YE-R1",
                             concluded_on=dec(18), by=None)
    sample = sampling.sample_serve(sample=sample, served_on=dec(20), by=None)

    on_day(dec(28))
    repair = credit.credit_repair_accept(application=repair, by=None)
    supervision = supervision_open(task=task, by=None)
    return {"penalty": penalty, "objection": objection, "repair": repair, "result": result, "sample": sample,
            "supervision": supervision, "next_year": next_year}


# (object key, deadline field) for every stored deadline the flows above create across the year end
CROSSING = [("penalty", "publication_due_on"), ("objection", "reply_due_on"), ("repair", "decision_due_on"),
            ("result", "publish_by"), ("sample", "retest_deadline"), ("supervision", "respond_by")]


def test_no_flow_fails_and_every_deadline_into_next_year_is_marked_provisional(year_end_work):
    next_year = year_end_work["next_year"]
    for key, field in CROSSING:
        obj = year_end_work[key]
        obj.refresh_from_db()
        assert getattr(obj, field).year == next_year or deadlines.provisional_year_of(obj, field) == next_year, key
        assert deadlines.provisional_year_of(obj, field) == next_year, f"{key}.{field} not marked provisional"
    # a deadline that stays in the old year is not marked: 2 working days to accept the repair application
    repair = year_end_work["repair"]
    assert repair.acceptance_due_on.year == next_year - 1 and repair.acceptance_due_on_provisional_year is None


def test_the_mark_is_on_the_page_in_the_api_and_in_the_xlsx(year_end_work, client, api_for, make_user, district):
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    client.force_login(officer)
    page = client.get(reverse("credit:objection-queue")).content.decode()
    assert "provisional-mark" in page and f"{year_end_work['next_year']}年法定节假日安排尚未公布" in page
    rows = api_for(officer).get("/api/inspection-results/").json()["results"]
    body = next(r for r in rows if r["id"] == year_end_work["result"].pk)
    assert body["publish_by_provisional"] is True and body["publish_by_provisional_year"] == year_end_work["next_year"]
    import io

    from openpyxl import load_workbook

    export = client.get(reverse("credit:objection-queue") + "?export=xlsx")
    rows = list(load_workbook(io.BytesIO(export.getvalue())).active.values)
    column = rows[0].index("答复期限暂定")
    assert rows[1][column].startswith("暂定")


def test_entering_the_schedule_recomputes_the_provisional_deadlines_and_lists_what_moved(
        year_end_work, make_user, django_capture_on_commit_callbacks, on_day):
    next_year = year_end_work["next_year"]
    before = {}
    for key, field in CROSSING:
        obj = year_end_work[key]
        obj.refresh_from_db()
        before[key] = getattr(obj, field)
    untouched = {key: {f.attname: getattr(year_end_work[key], f.attname)
                       for f in year_end_work[key]._meta.concrete_fields if not f.attname.startswith(
                           tuple(field for k, field in CROSSING if k == key))} for key, _ in CROSSING}
    # given the notice adds a bridge day in early January, on a day the provisional calendar counted
    bridge = first_working_day_of(next_year)
    admin = make_user(Role.SYSTEM_ADMIN)
    on_day(datetime.date(next_year - 1, 12, 30))
    # when the system administrator enters it (the recomputation runs as the job after the commit)
    with django_capture_on_commit_callbacks(execute=True):
        holiday_calendar_year_set(year=next_year, days=official_schedule(next_year, extra_rest=(bridge,)),
                                  source="国务院办公厅关于" f"{next_year}年部分节假日安排的通知", by=admin)
    # then each deadline equals its recomputation on the official calendar, no longer provisional
    run = DeadlineRecomputation.objects.get(year=next_year)
    changes = {(c.object_type, c.object_id, c.field.rsplit(".", 1)[-1]): c for c in run.changes.all()}
    for key, field in CROSSING:
        obj = year_end_work[key]
        obj.refresh_from_db()
        expected = deadlines.registered()[f"{obj._meta.label_lower}.{field}"].compute(obj)
        assert getattr(obj, field) == expected.on and not expected.provisional, key
        assert deadlines.provisional_year_of(obj, field) is None, key
        # every one of them counted across the bridge day, so every one moved, and is listed old → new
        assert getattr(obj, field) > before[key], key
        change = changes[(obj._meta.label_lower, str(obj.pk), field)]
        assert (change.old_on, change.new_on) == (before[key], getattr(obj, field))
        assert change.old_provisional_year == next_year and change.new_provisional_year is None
        assert change.object_url and change.org_unit is not None
        # audited on the object, by the administrator who entered the schedule
        assert AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk), actor=admin,
                                         message__contains="recomputed").exists()
        # and nothing else about the object changed
        for name, value in untouched[key].items():
            assert getattr(obj, name) == value, f"{key}.{name} changed"
    # also moved: the published penalty's and the inspection result's credit items (their own 20 working days)
    assert run.moved == run.changes.count() == len(CROSSING) + 2 and run.finished_at is not None


def test_the_change_list_shows_each_holder_their_own_and_a_second_run_moves_nothing(
        year_end_work, make_user, client, django_capture_on_commit_callbacks, district, other_district):
    from qcity.core.services import deadlines_recompute

    next_year = year_end_work["next_year"]
    admin = make_user(Role.SYSTEM_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        holiday_calendar_year_set(year=next_year, by=admin, source="通知",
                                  days=official_schedule(next_year, extra_rest=(first_working_day_of(next_year),)))
    moved = DeadlineChange.objects.count()
    assert moved == len(CROSSING) + 2
    # the office sees every change; a district officer of the holder's district too; another district none
    for user, expected in [(make_user(Role.LEADERSHIP_OFFICE), moved),
                           (make_user(Role.DISTRICT_OFFICER, org_unit=district), moved),
                           (make_user(Role.DISTRICT_OFFICER, org_unit=other_district), 0)]:
        client.force_login(user)
        page = client.get(reverse("core:deadline-changes")).content.decode()
        assert page.count('class="deadline-change ') == expected  # the table adds even/odd to the row class
    client.force_login(make_user(Role.ENTERPRISE_USER, org_unit=district))
    assert client.get(reverse("core:deadline-changes")).status_code == 403
    # running the job again finds the deadlines already right
    again = deadlines_recompute(year=next_year, by=None, trigger="again")
    assert again.moved == 0 and DeadlineChange.objects.count() == moved


def _first_saturday_at_work(year: int) -> datetime.date:
    """The first Saturday of January that is no statutory holiday: a day a notice may make an adjusted workday."""
    day = datetime.date(year, 1, 1)
    while day.weekday() != 5 or day in dict(holiday_law.statutory_holidays(year)):
        day += datetime.timedelta(days=1)
    return day


def _overdue(key: str, obj, day: datetime.date) -> bool:
    """The overdue flag the lists and to-dos read, from the stored deadline (DOMAIN §2.3, §5)."""
    if key == "penalty":
        return CreditEvent.objects.filter(credit_selectors.overdue_publication_q(day), pk=obj.pk).exists()
    return inspection_selectors.result_overdue_list(today=day).filter(pk=obj.pk).exists()


@pytest.mark.parametrize("notice", ["bridge day off", "working Saturday"])
def test_overdue_flags_follow_the_recomputed_deadline(year_end_work, make_user, django_capture_on_commit_callbacks,
                                                      notice):
    # given the unpublished penalty and inspection result, each with a provisional deadline in next year
    next_year = year_end_work["next_year"]
    watched = {key: year_end_work[key] for key in ("penalty", "result")}
    old = {}
    for key, obj in watched.items():
        obj.refresh_from_db()
        old[key] = getattr(obj, dict(CROSSING)[key])
    # the day after each old deadline (overdue then) for a notice that moves it later, and the old deadline
    # itself (due that day, not overdue) for one that moves it earlier
    later = notice == "bridge day off"
    day = {key: old[key] + datetime.timedelta(days=1) if later else old[key] for key in watched}
    assert all(_overdue(key, watched[key], day[key]) == later for key in watched)
    # when the notice is entered: a bridge day off, or an adjusted working Saturday, early in January
    days = (official_schedule(next_year, extra_rest=(first_working_day_of(next_year),)) if later else
            [*official_schedule(next_year), ScheduleDay("调休上班", _first_saturday_at_work(next_year), True, "调休上班")])
    with django_capture_on_commit_callbacks(execute=True):
        holiday_calendar_year_set(year=next_year, days=days, source="通知", by=make_user(Role.SYSTEM_ADMIN))
    # then each deadline moved that way, and its overdue flag on the same day turned over
    for key, obj in watched.items():
        obj.refresh_from_db()
        new = getattr(obj, dict(CROSSING)[key])
        assert (new > old[key]) if later else (new < old[key]), key
        assert _overdue(key, obj, day[key]) != later, f"{key}: overdue flag did not follow {old[key]} → {new}"


def _provisional_rows(n: int, *, day: datetime.date, district) -> None:
    """n credit events and n supervisions whose deadlines run from `day` into the next year."""
    firm = EnterpriseFactory(org_unit=district)
    for k in range(n):
        credit.credit_event_record(enterprise=firm, kind="administrative_penalty", occurred_on=day,
                                   source_authority="金水区市场监督管理局", summary=f"第{k}项", by=None)
        supervision_open(task=PlanTaskFactory(deadline=day - datetime.timedelta(days=20), org_unit=district), by=None)


def test_recomputing_a_year_costs_queries_per_registered_field_not_per_row(
        last_year, on_day, district, django_assert_max_num_queries):
    # given 3 rows of each of two modules counted across next year, which the notice (a bridge day) moves
    next_year = last_year + 1
    on_day(datetime.date(last_year, 12, 28))
    bridge = (first_working_day_of(next_year),)
    _provisional_rows(3, day=datetime.date(last_year, 12, 18), district=district)
    holiday_calendar_year_set(year=next_year, days=official_schedule(next_year, extra_rest=bridge), source="通知",
                              by=None)  # the job after the commit never runs inside the test: it is called below
    with CaptureQueriesContext(connection) as few:
        run = deadlines_recompute(year=next_year, by=None, trigger="3 rows")
    assert run.moved == 6
    # and then 30 of each, which a corrected notice (no bridge day) moves back
    _provisional_rows(27, day=datetime.date(last_year, 12, 18), district=district)
    holiday_calendar_year_set(year=next_year, days=official_schedule(next_year), source="更正通知", by=None,
                              correction=True)
    # then recomputing 10 times the rows takes no more queries: a few per registered deadline field
    with django_assert_max_num_queries(len(few)):
        run = deadlines_recompute(year=next_year, by=None, trigger="30 rows")
    assert run.moved == 60
    assert len(few) <= 6 * len(deadlines.registered()) + 10, [q["sql"][:120] for q in few.captured_queries]
