import dataclasses
import datetime

import pytest
from django.utils import timezone

from qcity.core.choices import DeliveryStatus, NotificationChannel, NotificationKind, Role
from qcity.core.demo import DemoContext
from qcity.core.models import Notification, User
from qcity.core.tests import demo_invariants
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.sampling import demo
from qcity.sampling.choices import SampleStatus, SamplingConclusion
from qcity.sampling.models import Followup, Sample, SamplingObjection, SamplingPlan, TestItemResult
from qcity.sampling.services.samples import served_key

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 10)


@pytest.fixture
def ctx(district):
    from qcity.indicators.services import plans_load_builtin

    plans_load_builtin(by=None)
    for n in range(30):
        EnterpriseFactory(org_unit=district, name=f"郑州测试食品{n}有限公司", industry_code="1499")
    return DemoContext(scale="small", seed=1, enterprise_count=400, today=TODAY, log=lambda m: None)


def test_demo_generates_a_year_of_sampling_deterministically(ctx, city, django_capture_on_commit_callbacks):
    from qcity.credit.models import CreditEvent

    outcome = demo.generate(ctx)

    samples = Sample.objects.all()
    assert outcome["samples"] == samples.count() == 120
    # a year of operations from 11 March 2025: the plans of 2025 and of 2026, each year's still running
    assert SamplingPlan.objects.filter(level="district").count() == 2 * city.children.count()
    assert set(SamplingPlan.objects.values_list("period_start__year", flat=True)) == {2025, 2026}
    assert samples.filter(status=SampleStatus.SERVED).count() > 80
    assert samples.filter(published_on__isnull=False).exists()
    final = samples.exclude(conclusion="").exclude(status=SampleStatus.RETESTING)
    assert final.filter(conclusion=SamplingConclusion.PASS).count() / final.count() > 0.9
    for sample in samples.filter(initial_conclusion=SamplingConclusion.FAIL):
        assert sample.items.filter(conforming=False).exists()
    assert CreditEvent.objects.filter(source_ref__startswith="sampling:sample:").count() == \
        samples.exclude(initial_conclusion="").count()
    assert outcome["indicator_values"] > 0
    assert all(s.samplers.count() == 2 for s in samples[:10])

    numbers = list(samples.order_by("number").values_list(
        "number", "conclusion", "sampling_date", "enterprise_id", "product_name", "specification", "quantity_unit"))
    demo.reset(ctx)
    assert not Sample.objects.exists() and not SamplingPlan.objects.exists()
    assert not SamplingObjection.objects.exists() and not Followup.objects.exists()
    CreditEvent.objects.filter(source_ref__startswith="sampling:").delete()
    demo.generate(ctx)
    assert list(Sample.objects.order_by("number").values_list(
        "number", "conclusion", "sampling_date", "enterprise_id", "product_name", "specification",
        "quantity_unit")) == numbers


def test_the_pipeline_stops_yesterday_with_work_left_for_today(ctx):
    demo.generate(ctx)
    samples = Sample.objects.all()
    # every sample was taken in the year of operations, in its year's plan, and nothing is dated today or later
    assert all(ctx.year_start <= s.sampling_date < TODAY for s in samples)
    assert all(s.plan.period_start <= s.sampling_date <= s.plan.period_end for s in samples.select_related("plan"))
    for field in ("concluded_on", "served_on", "published_on"):
        assert all(day < TODAY for day in samples.exclude(**{f"{field}__isnull": True})
                   .values_list(field, flat=True))
    # recent samples are still in the laboratory or waiting to be served; retest windows are open
    assert samples.filter(status=SampleStatus.SAMPLED).exists()
    assert samples.filter(retest_deadline__gte=TODAY).exists()
    # no follow-up is left unreported for months: past the grace period it is announced
    assert not Followup.objects.filter(status="ordered",
                                       rectification_deadline__lt=TODAY - datetime.timedelta(days=15)).exists()


@pytest.mark.parametrize("today", [TODAY, datetime.date(2026, 10, 8)], ids=str)
def test_every_step_falls_on_a_working_day_and_the_demo_district_has_a_result_to_serve(ctx, today):
    # given the sampling demo generated on `today` (the first working day after National Day among them)
    ctx = dataclasses.replace(ctx, today=today)
    demo.generate(ctx)
    # then sampling, conclusions, service, retests, publications and follow-ups are dated on working days
    assert demo_invariants.acts_on_rest_days(before=today) == []
    # and a result of the demo district, concluded on the last working day, waits to be served
    assert Sample.objects.filter(org_unit__name="金水区", concluded_on=ctx.last_workday,
                                 status=SampleStatus.CONCLUDED).exists()


def test_samples_are_of_their_categorys_products_and_from_its_makers_or_sellers(ctx, district):
    # given a registry of food makers (the fixture's), software firms, pharmacies, cable makers and fruit shops
    for n in range(10):
        EnterpriseFactory(org_unit=district, name=f"郑州测试软件{n}有限公司", industry_code="6513")
        EnterpriseFactory(org_unit=district, name=f"郑州测试大药房{n}有限公司", industry_code="5251")
        EnterpriseFactory(org_unit=district, name=f"郑州测试电缆{n}有限公司", industry_code="3831")
        EnterpriseFactory(org_unit=district, name=f"郑州测试水果店{n}", industry_code="5223")
    # when the sampling demo runs
    demo.generate(ctx)
    samples = Sample.objects.select_related("category", "enterprise")
    # then no sample comes from a software firm; each is a product of its category with the category's
    # specification and unit, taken in the warehouse of a maker or the market of a seller
    assert not samples.filter(enterprise__industry_code="6513").exists()
    assert demo_invariants.samples_misfit() == []
    assert {s.sampling_place for s in samples.filter(enterprise__industry_code="3831")} == {"warehouse"}
    assert set(samples.filter(enterprise__industry_code="3831").values_list("category__code", flat=True)) == {"GY01"}
    assert set(samples.filter(enterprise__industry_code="5251").values_list("category__kind", flat=True)) <= {
        "drug", "other"}
    water = samples.filter(product_name="饮用纯净水")
    assert all(s.quantity_unit in {"瓶", "桶"} and s.specification.endswith(("/瓶", "/桶")) for s in water)
    # and test items are the product's: no conductor resistance of a drug, no pesticide of a cable
    cable_items = set(TestItemResult.objects.filter(sample__category__code="GY01").values_list("item_name", flat=True))
    assert cable_items and not cable_items & {"毒死蜱", "含量测定", "铅（以Pb计）"}
    for sample in samples.filter(initial_conclusion=SamplingConclusion.FAIL):
        assert sample.items.filter(conforming=False).exists()
    # results are written as a laboratory reports them: colony counts whole, nothing below detection as 0
    counts = TestItemResult.objects.filter(unit__startswith="CFU", measured_value__isnull=False)
    assert all(i.measured_value == i.measured_value.to_integral_value() for i in counts)
    assert not TestItemResult.objects.filter(measured_value=0, conforming=True).exists()


def test_the_demo_enterprise_has_a_failed_result_served_on_it_with_its_sms(ctx, district, make_user):
    # given the demo enterprise, a maker of auto parts in the demo district, its account with a mobile number,
    # and the district officer
    enterprise = EnterpriseFactory(org_unit=district, name="郑州测试汽车配件有限公司", industry_code="3670")
    ctx.results["demo_enterprise"] = enterprise
    account = make_user(Role.ENTERPRISE_USER, district, username="enterprise", enterprise=enterprise)
    User.objects.filter(pk=account.pk).update(phone="13900000000")
    make_user(Role.DISTRICT_OFFICER, district, username="jinshui")
    # when the sampling demo runs
    demo.generate(ctx)
    # then its account was served one result through the service (the history's samples are written in bulk):
    # a failure, served on the last working day, its retest window open
    message = Notification.objects.get(recipient=account, kind=NotificationKind.SAMPLING_RESULT_SERVED)
    sample = next(s for s in Sample.objects.filter(enterprise=enterprise) if served_key(s) == message.key)
    assert sample.status == SampleStatus.SERVED and sample.served_on == ctx.last_workday and message.read_at is None
    assert sample.conclusion == SamplingConclusion.FAIL and sample.items.filter(conforming=False).exists()
    assert sample.retest_deadline > TODAY
    # dated at the service, with the SMS (the proof of service) recorded as sent then
    assert timezone.localdate(message.created_at) == ctx.last_workday
    sms = message.deliveries.get(channel=NotificationChannel.SMS)
    assert sms.status == DeliveryStatus.SENT and sms.address == "13900000000" and sms.sent_at > message.created_at
