import pytest

from qcity.core.demo import DemoContext
from qcity.enterprises import demo as enterprises_demo
from qcity.inspections import demo
from qcity.inspections.models import Draw, InspectionResult, Inspector, InspectorConflict
from qcity.inspections.records import draw_verify

pytestmark = pytest.mark.django_db


def test_demo_year_of_plans_draws_results_and_publication():
    ctx = DemoContext(scale="small", seed=7, enterprise_count=300, log=lambda m: None)
    enterprises_demo.generate(ctx)
    # when the generator runs at a tiny count
    outcome = demo.generate(ctx)
    # then every district has inspectors, plans were drawn and verify, results were entered and published
    assert outcome["plans"] >= 10 and outcome["results"] > 0 and 0 < outcome["published"] < outcome["results"]
    assert Inspector.objects.filter(user__username="inspector", org_unit__name="金水区").exists()
    assert InspectorConflict.objects.exists()
    assert Draw.objects.filter(published_on__isnull=False).count() == outcome["plans"]
    assert all(draw_verify(d).ok for d in Draw.objects.all()[:3])
    assert InspectionResult.objects.filter(is_case_lead=True).exists() or outcome["results"] < 20
    # deterministic: same seed, same draws
    seeds = sorted(Draw.objects.values_list("seed", flat=True))
    assert demo.generate(ctx) == {"skipped": 1}
    demo.reset(ctx)
    assert not Draw.objects.exists() and not Inspector.objects.exists()
    demo.generate(ctx)
    assert sorted(Draw.objects.values_list("seed", flat=True)) == seeds
