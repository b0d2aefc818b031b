import datetime
import zoneinfo

import pytest
from django.utils import timezone

from qcity.core.demo import DemoContext
from qcity.core.models import Notification
from qcity.core.tests import demo_invariants
from qcity.core.workdays import add_working_days
from qcity.enterprises import demo as enterprises_demo
from qcity.inspections import demo
from qcity.inspections.models import (
    Draw,
    DrawnTarget,
    InspectionPlan,
    InspectionResult,
    Inspector,
    InspectorConflict,
)
from qcity.inspections.records import draw_verify

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 5)


@pytest.fixture
def ctx(time_machine):
    """The demo context for TODAY, on a clock showing TODAY (results are published no later than the clock's day)."""
    time_machine.move_to(datetime.datetime.combine(TODAY, datetime.time(10), tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")),
                         tick=False)
    context = DemoContext(scale="small", seed=7, enterprise_count=300, today=TODAY, log=lambda m: None)
    enterprises_demo.generate(context)
    return context


def test_demo_year_of_plans_draws_results_and_publication(ctx):
    # when the generator runs at a tiny count
    outcome = demo.generate(ctx)
    # then every district has inspectors, plans were drawn and verify, results were entered and published
    assert outcome["plans"] >= 10 and outcome["results"] > 0 and 0 < outcome["published"] < outcome["results"]
    assert Inspector.objects.filter(user__username="inspector", org_unit__name="金水区").exists()
    assert InspectorConflict.objects.exists()
    assert Draw.objects.filter(published_on__isnull=False).count() == outcome["plans"]
    assert all(draw_verify(d).ok for d in Draw.objects.all()[:3])
    assert InspectionResult.objects.filter(is_case_lead=True).exists() or outcome["results"] < 20
    # items are drawn only for the industries they apply to; what was found fits the item and the entity
    assert demo_invariants.inspection_items_outside_industries() == []
    food = InspectionResult.objects.filter(item__code="SJ-SP-01").values_list("target__enterprise__industry_code", flat=True)
    assert all(code.startswith(tuple(demo.FOOD_BUSINESS)) for code in food)
    for result in InspectionResult.objects.exclude(findings="").select_related("item", "target__enterprise"):
        if result.outcome == "problems_found":
            assert result.findings in demo.findings_for(result.item.code, result.target.enterprise.entity_type)
        if result.target.enterprise.entity_type == "individual_business":
            assert "股东" not in result.findings and "法定代表人" not in result.findings
    # an enterprise not found has that result on every item it was to be inspected on
    for target in DrawnTarget.objects.filter(results__outcome__in=["not_reachable", "closed_down"]).distinct():
        assert len({r.outcome for r in target.results.all()}) == 1
    # deterministic: same seed, same draws (the results too, once credit is reset: tests/test_demo.py)
    seeds = sorted(Draw.objects.values_list("seed", flat=True))
    assert demo.generate(ctx) == {"skipped": 1}
    demo.reset(ctx)
    assert not Draw.objects.exists() and not Inspector.objects.exists()
    demo.generate(ctx)
    assert sorted(Draw.objects.values_list("seed", flat=True)) == seeds


def test_the_current_plan_has_results_to_enter_and_to_publish_and_the_next_one_waits_for_its_draw(ctx):
    demo.generate(ctx)
    # this half-year's plans (July–December) were drawn before it began and are still running, with
    # targets not inspected yet; last half-year's plans are done
    current = InspectionPlan.objects.filter(status="drawn", period_start=datetime.date(2026, 7, 1))
    assert current.count() >= 10 and all(plan.period_end == datetime.date(2026, 12, 31) for plan in current)
    assert all(timezone.localdate(plan.draw.drawn_at) < plan.period_start for plan in current)
    assert DrawnTarget.objects.filter(draw__plan__in=current, results__isnull=True).exists()
    # every result was inspected before today; unpublished ones are due ahead or late by days, not months
    results = InspectionResult.objects.all()
    assert all(r.inspected_on < TODAY for r in results)
    unpublished = results.filter(published_on__isnull=True)
    assert unpublished.filter(publish_by__gte=TODAY).exists()
    assert not unpublished.filter(publish_by__lt=TODAY - datetime.timedelta(days=demo.OVERDUE_DAYS + 5)).exists()
    # the demo district's plan for the next half-year is created, not drawn
    assert InspectionPlan.objects.get(status="draft", org_unit__name="金水区").name == \
        "金水区2027年上半年产品质量及食品安全双随机抽查"


@pytest.mark.parametrize("today", [TODAY, datetime.date(2026, 7, 2), datetime.date(2026, 1, 5)], ids=str)
def test_plans_are_named_after_their_half_year_and_acts_fall_on_working_days(time_machine, today):
    # given the demo generated on `today` (the first working days of a half-year among them)
    time_machine.move_to(datetime.datetime.combine(today, datetime.time(10), tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")),
                         tick=False)
    context = DemoContext(scale="small", seed=7, enterprise_count=300, today=today, log=lambda m: None)
    enterprises_demo.generate(context)
    demo.generate(context)
    # then each plan's name says its half-year, the one waiting to be drawn is the next half-year's
    assert demo_invariants.inspection_plans_misnamed(today) == []
    # draws, inspections and publications are dated on working days
    assert demo_invariants.acts_on_rest_days(before=today) == []
    # and the demo district has a result entered on the last working day, to publish within 20 working days
    fresh = InspectionResult.objects.filter(target__draw__plan__org_unit__name="金水区",
                                            inspected_on=context.last_workday, published_on__isnull=True)
    assert fresh.exists()
    assert all(result.publish_by == add_working_days(context.last_workday, 20) for result in fresh)


def test_the_drawn_inspectors_heard_of_each_draw_when_it_was_drawn_and_read_the_old_news(ctx):
    # when the generator runs (last half-year's draw and this one's, both months ago on TODAY)
    demo.generate(ctx)
    # then each drawn inspector's message carries the moment of its draw, not the moment the demo ran, and
    # was read within hours of arriving
    messages = Notification.objects.filter(key__startswith="inspection-draw:")
    assert messages.exists()
    drawn_at = dict(Draw.objects.values_list("pk", "drawn_at"))
    for message in messages:
        assert message.created_at == drawn_at[int(message.key.split(":")[1])]
        assert datetime.timedelta(0) < message.read_at - message.created_at < datetime.timedelta(hours=4)
