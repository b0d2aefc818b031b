import pytest

from qcity.core.demo import DemoContext
from qcity.enterprises.tests.factories import enterprise_factory
from qcity.sampling import demo
from qcity.sampling.choices import Conclusion, SampleStatus
from qcity.sampling.models import Followup, Objection, Sample, SamplingPlan

pytestmark = pytest.mark.django_db


def test_demo_generates_a_year_of_sampling_deterministically(city, district, django_capture_on_commit_callbacks):
    from qcity.credit.models import CreditEvent
    from qcity.indicators.services import plans_load_builtin

    plans_load_builtin(by=None)
    for n in range(30):
        enterprise_factory(org_unit=district, name=f"郑州测试食品{n}有限公司", industry_code="1499")
    ctx = DemoContext(scale="small", seed=1, enterprise_count=400, log=lambda m: None)
    outcome = demo.generate(ctx)

    samples = Sample.objects.all()
    assert outcome["samples"] == samples.count() == 120
    assert SamplingPlan.objects.filter(level="district").count() == city.children.count()
    assert samples.filter(status=SampleStatus.SERVED).count() > 80
    assert samples.filter(published_on__isnull=False).exists()
    final = samples.exclude(conclusion="").exclude(status=SampleStatus.RETESTING)
    assert final.filter(conclusion=Conclusion.PASS).count() / final.count() > 0.9
    for sample in samples.filter(initial_conclusion=Conclusion.FAIL):
        assert sample.items.filter(conforming=False).exists()
    assert CreditEvent.objects.filter(source_ref__startswith="sampling:sample:").count() == \
        samples.exclude(initial_conclusion="").count()
    assert outcome["indicator_values"] > 0
    assert all(s.samplers.count() == 2 for s in samples[:10])

    numbers = list(samples.order_by("number").values_list("number", "conclusion", "sampling_date"))
    demo.reset(ctx)
    assert not Sample.objects.exists() and not SamplingPlan.objects.exists()
    assert not Objection.objects.exists() and not Followup.objects.exists()
    CreditEvent.objects.filter(source_ref__startswith="sampling:").delete()
    demo.generate(ctx)
    assert list(Sample.objects.order_by("number").values_list("number", "conclusion", "sampling_date")) == numbers
