"""The indicators demo: a believable decomposition (指标分解) and values that sit around each unit's own target."""

import datetime
import zoneinfo
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from qcity.core.selectors import org_root_and_children
from qcity.core.units import is_count
from qcity.indicators.choices import IndicatorDecomposition, TargetDecompositionStatus, TargetStatus
from qcity.indicators.models import Plan, ReportedValue, Target, TargetDecomposition, UnitTarget
from qcity.indicators.selectors import indicator_list, indicator_statuses

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 5)


@pytest.fixture
def demo(time_machine, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    time_machine.move_to(datetime.datetime.combine(TODAY, datetime.time(10), tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")),
                         tick=False)
    call_command("demo", scale="small", today=TODAY.isoformat(), count=300, no_forced_change=True,
                 stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_demo_splits_totals_that_add_up_and_reports_whole_counts_around_own_targets(demo):
    # every split total is confirmed, adds up to the city target, and no district share exceeds it
    decompositions = TargetDecomposition.objects.select_related("indicator")
    split = [d for d in decompositions if d.indicator.decomposition == IndicatorDecomposition.SPLIT]
    assert split and all(d.status == TargetDecompositionStatus.CONFIRMED for d in split)
    targets = {(t.indicator_id, t.year): t for t in Target.objects.all()}
    for decomposition in split:
        target = targets[(decomposition.indicator_id, decomposition.year)]
        city = target.value if target.value is not None else target.low
        shares = list(decomposition.unit_targets.filter(org_unit__isnull=False).values_list("value", flat=True))
        assert max(shares) <= city
        assert sum(shares, Decimal(0)) == city
    # no district target for a city title
    assert not UnitTarget.objects.filter(decomposition__indicator__decomposition=IndicatorDecomposition.CITY_ONLY,
                                         org_unit__isnull=False).exists()
    # a total or a title that one department answers for is assigned to it, whole, and confirmed
    assigned = UnitTarget.objects.filter(department__isnull=False).select_related("decomposition__indicator")
    kinds = {u.decomposition.indicator.decomposition for u in assigned}
    assert kinds == {IndicatorDecomposition.SPLIT, IndicatorDecomposition.CITY_ONLY}
    for unit_target in assigned:
        decomposition = unit_target.decomposition
        target = targets[(decomposition.indicator_id, decomposition.year)]
        assert decomposition.status == TargetDecompositionStatus.CONFIRMED
        assert unit_target.value == (target.value if target.value is not None else target.low)
        assert list(decomposition.indicator.departments.all()) == [unit_target.department]

    # counts (件, 个, 家…) are whole numbers, everywhere
    fractional = [(v.indicator.name, v.value) for v in ReportedValue.objects.select_related("indicator")
                  if is_count(name=v.indicator.name, unit=v.indicator.unit) and v.value != v.value.to_integral_value()]
    assert fractional == []

    # a split total's city value is the districts' sum, not each district reporting the city's total
    plan = Plan.objects.get(code="zz-2021-14th-fyp")
    city, districts = org_root_and_children()
    area = plan.indicators.get(code="P2-08")  # 新增绿色建筑总面积 ≥ 9000 万㎡
    per_unit = dict(ReportedValue.objects.filter(indicator=area, year=2025).values_list("org_unit").annotate(s=Sum("value")))
    assert per_unit[city.pk] == sum(v for unit, v in per_unit.items() if unit != city.pk)
    assert all(per_unit[d.pk] < 3000 for d in districts if d.pk in per_unit)

    # the districts are graded against their own targets: a believable mix, city titles not applicable
    statuses = indicator_statuses(indicators=indicator_list(plan=plan), org_units=districts, year=2025)
    counts = Counter(s.status for s in statuses)
    assert counts[TargetStatus.NOT_APPLICABLE] > 0
    graded = sum(counts[s] for s in (TargetStatus.ACHIEVED, TargetStatus.ON_TRACK, TargetStatus.AT_RISK, TargetStatus.OFF_TRACK))
    assert counts[TargetStatus.ACHIEVED] > graded / 3
    assert 0 < counts[TargetStatus.OFF_TRACK] < graded / 3
    by_kind = defaultdict(Counter)
    for s in statuses:
        by_kind[s.indicator.decomposition][s.status] += 1
    assert by_kind[IndicatorDecomposition.SPLIT][TargetStatus.ACHIEVED] > 0
