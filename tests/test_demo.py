"""`qcity demo --today`: the demo city lives in the day it is loaded on, whatever that day is.

Each test moves the clock to the day it loads the demo for (the services refuse acts dated after the
clock's today), so none depends on the real date or on the suite's pinned day.
"""

import datetime
import re
import zoneinfo
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F, Max
from django.db.models.functions import Floor
from django.urls import reverse

from qcity.assessment.models import AssessmentScheme
from qcity.core import workdays
from qcity.core.choices import DeliveryStatus, NotificationKind
from qcity.core.models import Notification, NotificationDelivery, RoleAssignment, User
from qcity.core.selectors import org_root_and_children
from qcity.core.tests import demo_invariants
from qcity.core.units import COUNT_UNITS, is_count
from qcity.credit.models import CreditEvent, CreditObjection, CreditRepair
from qcity.enterprises.models import Enterprise
from qcity.indicators.choices import IndicatorSource, ReportedValueStatus, ReportingPeriodKind
from qcity.indicators.models import Indicator, Plan, ReportedValue
from qcity.inspections.models import Draw, DrawnTarget, InspectionPlan, InspectionResult
from qcity.sampling.models import Followup, Sample
from qcity.trace import demo as trace_demo
from qcity.workplan.models import PlanTask, Supervision

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# a Saturday in December (deadlines run into a year without an official schedule), a Monday before the
# Dragon Boat holiday, the first working day after New Year and after National Day, a day of a later year
DAYS = [datetime.date(2026, 12, 5), datetime.date(2026, 6, 15), datetime.date(2027, 1, 4), datetime.date(2026, 10, 8),
        datetime.date(2028, 3, 1)]
OVERDUE_AT_MOST = datetime.timedelta(days=60)


@pytest.fixture
def load_demo(time_machine, tmp_path, settings):
    """load_demo(day, **options): `qcity demo --today day` at a tiny count, on a clock showing that day."""
    settings.MEDIA_ROOT = tmp_path

    def load(day: datetime.date, **options) -> None:
        time_machine.move_to(datetime.datetime.combine(day, datetime.time(10), tzinfo=SHANGHAI), tick=False)
        options.setdefault("count", 300)
        call_command("demo", today=day.isoformat(), stdout=open("/dev/null", "w"), **options)  # noqa: SIM115

    return load


def _period_end(value: ReportedValue) -> datetime.date:
    if value.period_kind == ReportingPeriodKind.QUARTER:
        return datetime.date(value.year + value.period_number // 4, value.period_number * 3 % 12 + 1, 1) \
            - datetime.timedelta(days=1)
    if value.period_kind == ReportingPeriodKind.MONTH:
        return datetime.date(value.year + value.period_number // 12, value.period_number % 12 + 1, 1) \
            - datetime.timedelta(days=1)
    return datetime.date(value.year, 12, 31)


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_a_fresh_demo_is_believable_and_has_work_for_today_whatever_the_day(load_demo, today):
    # given the demo loaded on `today`
    load_demo(today)
    soon = today + datetime.timedelta(days=45)

    # then nothing happened after yesterday (a credit list reacts to an inspection result on the day it is
    # entered, which the inspection services take from the clock)
    assert Enterprise.objects.aggregate(d=Max("established_on"))["d"] < today
    assert CreditEvent.objects.aggregate(d=Max("occurred_on"))["d"] <= today
    assert Sample.objects.aggregate(d=Max("sampling_date"))["d"] < today
    assert InspectionResult.objects.aggregate(d=Max("inspected_on"))["d"] < today

    # tasks: a few overdue, by days or weeks, supervised; the rest done or in progress with deadlines ahead
    open_tasks = PlanTask.objects.exclude(status="completed")
    overdue = open_tasks.filter(deadline__lt=today)
    assert 1 <= overdue.count() <= 4
    assert not overdue.filter(deadline__lt=today - OVERDUE_AT_MOST).exists()
    assert open_tasks.filter(deadline__gte=today).exists()
    assert Supervision.objects.filter(status="open").exists()

    # indicator values: none for a period not over; the latest ended period partly in the approval queue
    reported = ReportedValue.objects.filter(source=IndicatorSource.REPORTED)
    assert reported.exists()
    assert all(_period_end(v) < today for v in reported)
    pending = reported.filter(status__in=[ReportedValueStatus.SUBMITTED, ReportedValueStatus.REVIEWED])
    assert pending.exists()
    latest = max(_period_end(v) for v in reported)
    assert all(_period_end(v) == latest for v in pending)
    assert latest >= today - datetime.timedelta(days=92)  # the last quarter (or year) that ended

    # assessment: last year published, this year a draft
    assert set(AssessmentScheme.objects.values_list("year", "status")) == {
        (today.year - 1, "published"), (today.year, "draft")}

    # credit: objections and repairs waiting for a reply, acceptance or decision due in the coming days
    assert CreditObjection.objects.filter(status="submitted", reply_due_on__gte=today, reply_due_on__lte=soon).exists()
    assert CreditRepair.objects.filter(status="submitted", acceptance_due_on__lte=soon).exists()
    assert CreditRepair.objects.filter(status="accepted", decision_due_on__gte=today).exists()
    late = CreditEvent.objects.filter(published_on__isnull=True, status="recorded", publication_due_on__lt=today)
    assert not late.filter(publication_due_on__lt=today - datetime.timedelta(days=35)).exists()

    # inspections: a running plan with results to enter and to publish; the next plan to draw
    running = InspectionPlan.objects.filter(status="drawn", period_end__gte=today)
    assert running.exists()
    assert DrawnTarget.objects.filter(draw__plan__in=running, results__isnull=True).exists()
    unpublished = InspectionResult.objects.filter(published_on__isnull=True)
    assert unpublished.filter(publish_by__gte=today).exists()
    assert not unpublished.filter(publish_by__lt=today - datetime.timedelta(days=25)).exists()
    assert InspectionPlan.objects.filter(status="draft", period_start__gt=today).exists()

    # sampling: samples in the laboratory, results to serve, retest windows open, no old unreported follow-up
    assert Sample.objects.filter(status="sampled").exists()
    assert Sample.objects.filter(status="concluded").exists()
    assert Sample.objects.filter(retest_deadline__gte=today).exists()
    assert not Followup.objects.filter(status="ordered",
                                       rectification_deadline__lt=today - datetime.timedelta(days=15)).exists()

    # every official act is dated on a working day
    last_workday = workdays.add_working_days(today, -1)
    assert demo_invariants.acts_on_rest_days(before=today) == []
    # the demo district's accounts have fresh work from the last working day: a penalty and an inspection
    # result to publish, an objection to answer (their deadlines provisional when they run into a year
    # without an official holiday schedule)
    assert demo_invariants.demo_district_fresh_work(last_workday) == []
    if today.month == 12 and not workdays.is_official(today.year + 1):
        provisional = CreditEvent.objects.filter(publication_due_on_provisional_year=today.year + 1,
                                                 enterprise__org_unit__name=demo_invariants.DEMO_DISTRICT)
        assert provisional.exists()
    # inspection plans are named after their half-year, the next one waiting to be drawn
    assert demo_invariants.inspection_plans_misnamed(today) == []
    assert InspectionPlan.objects.filter(status="drawn", period_start__lte=today, period_end__gte=today).exists()
    # progress reports say what their percent and timing say
    assert demo_invariants.progress_reports_contradicting() == []
    # samples are of their category's products, specifications and units, from its makers or sellers;
    # inspection items are drawn only for the industries they apply to; supervisions are days or weeks late
    assert demo_invariants.samples_misfit() == []
    assert demo_invariants.inspection_items_outside_industries() == []
    assert demo_invariants.supervisions_overdue_too_long(today, days=OVERDUE_AT_MOST.days) == []


def _snapshot():
    return {
        "tasks": list(PlanTask.objects.order_by("plan__code", "code").values_list("code", "status", "deadline")),
        "values": list(ReportedValue.objects.order_by("indicator_id", "org_unit_id", "year", "period_kind",
                                                      "period_number").values_list("value", "status")),
        "events": list(CreditEvent.objects.order_by("enterprise__uscc", "kind", "occurred_on", "summary")
                       .values_list("enterprise__uscc", "kind", "occurred_on", "published_on")),
        "samples": list(Sample.objects.order_by("number").values_list(
            "number", "sampling_date", "status", "enterprise__uscc", "product_name", "specification", "quantity_unit")),
        "results": list(InspectionResult.objects.order_by("target__enterprise__uscc", "item__code", "inspected_on")
                        .values_list("target__enterprise__uscc", "item__code", "inspected_on", "published_on",
                                     "outcome", "findings")),
    }


def test_same_seed_and_day_give_the_same_data_and_another_day_moves_it(load_demo):
    day = datetime.date(2026, 10, 20)
    load_demo(day)
    first = _snapshot()
    load_demo(day, reset=True)
    assert _snapshot() == first
    load_demo(day + datetime.timedelta(days=30), reset=True)
    assert _snapshot()["samples"] != first["samples"]


def test_a_day_after_the_clocks_or_before_the_rules_is_refused_before_anything_is_written(time_machine):
    time_machine.move_to(datetime.datetime(2026, 10, 20, 10, tzinfo=SHANGHAI), tick=False)
    with pytest.raises(CommandError, match="after today"):
        call_command("demo", today="2026-10-21", count=50, stdout=open("/dev/null", "w"))  # noqa: SIM115
    with pytest.raises(CommandError, match="2022-09-01 or later"):
        call_command("demo", today="2022-08-31", count=50, stdout=open("/dev/null", "w"))  # noqa: SIM115
    with pytest.raises(CommandError, match="not a date"):
        call_command("demo", today="2026-13-01", count=50, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not Enterprise.objects.exists()


FRACTIONAL_COUNT = re.compile(r"\d+\.\d+\s*(件|个|家|户|项)")  # i18n-ignore: the count units


def test_the_cockpit_the_status_board_and_the_assessment_show_no_fractional_count(load_demo, client):
    # given the demo, whose count indicators carry fractional sums and means (1.99件, 643.0家)
    load_demo(DAYS[0])
    fractional = (ReportedValue.objects.filter(indicator__unit__in=COUNT_UNITS, status=ReportedValueStatus.APPROVED)
                  .annotate(part=F("value") - Floor("value")).filter(part__gt=0))
    assert fractional.exists()
    User.objects.filter(username="office").update(must_change_password=False)
    client.force_login(User.objects.get(username="office"))
    # when the office opens the cockpit and the status board of every plan
    pages = [client.get(reverse("reports:cockpit"))]
    pages += [client.get(reverse("indicators:status"), {"plan": code})
              for code in Plan.objects.values_list("code", flat=True)]
    # and every demo assessment: the scheme (its items), the results and each subject's breakdown
    schemes = list(AssessmentScheme.objects.prefetch_related("results"))
    assert schemes and all(scheme.results.all() for scheme in schemes)
    for scheme in schemes:
        pages += [client.get(reverse("assessment:scheme-detail", args=[scheme.pk])),
                  client.get(reverse("assessment:scheme-results", args=[scheme.pk]))]
        pages += [client.get(reverse("assessment:result-detail", args=[result.pk])) for result in scheme.results.all()]
    # then every count is a whole number (a ratio in a count unit, 每万人…个, keeps its decimals: its rows are left out)
    ratios = [re.escape(name) for name, unit in Indicator.objects.values_list("name", "unit")
              if unit in COUNT_UNITS and not is_count(unit=unit, name=name)]
    names = "|".join(ratios)
    ratio_rows = re.compile(rf"<tr[^>]*>(?:(?!</tr>).)*?(?:{names})(?:(?!</tr>).)*?</tr>", re.S)
    for response in pages:
        assert response.status_code == 200
        html = ratio_rows.sub("", response.content.decode()) if ratios else response.content.decode()
        assert not FRACTIONAL_COUNT.findall(html), FRACTIONAL_COUNT.search(html).group(0)


def _messages():
    """Each demo message as its recipient sees it (keys name rows by pk, which a reset does not reuse). The
    inspectors a draw picks depend on their ids, which a reset renews: of the draws' messages, what they say."""
    draws = Notification.objects.filter(key__startswith="inspection-draw:")
    return (sorted(Notification.objects.exclude(pk__in=draws).values_list(
                "recipient__username", "kind", "title", "body", "created_at", "read_at")),
            sorted(set(draws.values_list("title", "body", "created_at"))))


def test_the_demos_messages_are_dated_at_their_events_and_the_same_for_the_same_seed_and_day(load_demo):
    # given the demo loaded on a day
    day = datetime.date(2026, 12, 4)
    load_demo(day)
    now = datetime.datetime.combine(day, datetime.time(10), tzinfo=SHANGHAI)
    week_ago = now - datetime.timedelta(days=7)
    messages = Notification.objects.all()

    # then every message is dated at its event, before now, and read if it is more than a week old (soon after
    # it arrived), unread if newer
    assert messages.filter(created_at__lt=week_ago).exists() and messages.filter(created_at__gte=week_ago).exists()
    assert not messages.filter(created_at__gte=now).exists()  # one left undated has the (frozen) clock's time
    assert not messages.filter(created_at__lt=week_ago, read_at__isnull=True).exists()
    assert not messages.filter(created_at__gte=week_ago, read_at__isnull=False).exists()
    for message in messages.filter(read_at__isnull=False):
        assert datetime.timedelta(0) < message.read_at - message.created_at < datetime.timedelta(hours=4)
    # an inspector's draw message carries the moment of the draw
    for message in messages.filter(key__startswith="inspection-draw:"):
        draw = Draw.objects.get(pk=message.key.split(":")[1])
        assert message.created_at == draw.drawn_at
    # the demo enterprise had a failed result served on it by the district officer the last working day,
    # with its SMS (the proof of service) recorded as sent, and a retest window still open on its home page
    enterprise = User.objects.get(username="enterprise")
    served = Notification.objects.get(recipient=enterprise, kind=NotificationKind.SAMPLING_RESULT_SERVED)
    sample = Sample.objects.get(pk=served.key.split(":")[1])
    assert sample.served_on == workdays.add_working_days(day, -1) == served.created_at.astimezone(SHANGHAI).date()
    assert sample.retest_deadline >= day and served.read_at is None
    assert served.deliveries.get(channel="sms").status == DeliveryStatus.SENT
    assert not NotificationDelivery.objects.exclude(status=DeliveryStatus.SENT).exists()  # nothing printed
    # the daily reminder job ran on each of the last two weeks' days: officers have deadline messages, each
    # dated at the job's hour
    reminders = messages.filter(kind__in=[NotificationKind.DEADLINE_SOON, NotificationKind.DEADLINE_OVERDUE])
    assert reminders.exists()
    for created_at in reminders.values_list("created_at", flat=True):
        local = created_at.astimezone(SHANGHAI)
        assert local.time() == datetime.time(7, 30) and day - datetime.timedelta(days=14) <= local.date() <= day

    # when the demo is loaded again from scratch with the same seed and day, then the messages are the same
    first = _messages()
    load_demo(day, reset=True)
    assert _messages() == first


def test_a_province_demo_runs_the_programme_over_henan_s_18_cities(load_demo, client, monkeypatch):
    # given the province demo, its trace chains at the small shape (the province's is the benchmarks' volume)
    monkeypatch.setitem(trace_demo.SHAPES, "province", trace_demo.SHAPES["small"])
    day = DAYS[1]
    load_demo(day, scale="province", count=900)
    # then the province is the root over its cities, Zhengzhou first, and the register spreads over them
    root, cities = org_root_and_children()
    assert (root.name, len(cities), cities[0].name) == ("河南省", 18, "郑州市")
    city_of = {u.pk: c.name for c in cities for u in [c, *c.children.all()]}
    per_city = Counter(city_of[pk] for pk in Enterprise.objects.values_list("org_unit_id", flat=True))
    assert len(per_city) >= 15 and per_city.most_common(1)[0][0] == "郑州市"
    # the office and the handler work over the province; the district accounts over 金水区 of Zhengzhou
    assigned = dict(RoleAssignment.objects.filter(user__username__in=["office", "handler", "jinshui"])
                    .values_list("user__username", "org_unit__name"))
    assert assigned == {"office": "河南省", "handler": "河南省", "jinshui": "金水区"}
    assert demo_invariants.demo_district_fresh_work(workdays.add_working_days(day, -1)) == []
    # the programme reports and assesses the cities; the supervision history is Zhengzhou's
    assert ReportedValue.objects.filter(org_unit=root).exists()
    assert ReportedValue.objects.filter(org_unit__in=cities[1:]).exists()
    results = AssessmentScheme.objects.filter(status="published").first().results
    assert set(results.exclude(org_unit=None).values_list("org_unit__parent", flat=True)) == {root.pk}
    assert Sample.objects.exists() and not Sample.objects.exclude(enterprise__org_unit__path__startswith=cities[0].path).exists()
    # and the office's pages answer for the province
    User.objects.filter(username="office").update(must_change_password=False)
    client.force_login(User.objects.get(username="office"))
    for name in ["reports:cockpit", "indicators:status", "enterprises:list", "assessment:quality-index"]:
        assert client.get(reverse(name)).status_code == 200, name
