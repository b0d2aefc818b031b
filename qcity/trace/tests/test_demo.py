"""The trace demo: supply chains captured through the capture service, deterministic, fast at small scale,
with codes, a recall and a chain gap, and reset."""

import datetime
import time

import pytest

from qcity.core import demo as core_demo
from qcity.core.demo import DemoContext
from qcity.enterprises import demo as enterprises_demo
from qcity.enterprises.models import Enterprise
from qcity.sampling.tests.factories import concluded, make_plan, make_sample, make_samplers
from qcity.trace import demo
from qcity.trace.identifiers import gln_clean, gtin_clean
from qcity.trace.indicators import qr_coverage
from qcity.trace.models import CaptureJob, Event, EventEpc, Location, Lot, Party, Product, Recall, TraceCode
from qcity.trace.signals import trace_gaps

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 17)


@pytest.fixture
def ctx():
    ctx = DemoContext(scale="small", seed=3, enterprise_count=400, today=TODAY, log=lambda m: None)
    enterprises_demo.generate(ctx)
    core_demo.generate(ctx)
    return ctx


def _snapshot():
    return (list(Party.objects.order_by("gln").values_list("gln", "enterprise_id")),
            list(Product.objects.order_by("gtin").values_list("gtin", "name", "category__name")),
            list(Event.objects.order_by("event_time", "event_hash").values_list("event_hash", flat=True)))


def test_the_small_demo_captures_a_few_hundred_events_quickly_and_deterministically(ctx):
    # when the small demo runs
    started = time.monotonic()
    counts = demo.generate(ctx)
    elapsed = time.monotonic() - started
    # then a few hundred events went through capture (jobs, hashes, index), in seconds
    assert 200 <= counts["trace_events"] == Event.objects.count() <= 1000
    assert elapsed < 10
    assert CaptureJob.objects.filter(status="success").exists()
    assert EventEpc.objects.filter(biz_step="transforming").count() + EventEpc.objects.filter(
        event_type="TransformationEvent").count() > 0
    assert not Event.objects.filter(event_time__date__gte=TODAY).exists()  # all before the demo's today
    # and the master data is valid GS1 with Chinese prefixes, linked to the registry
    for party in Party.objects.all():
        assert gln_clean(party.gln) == party.gln and party.gln.startswith("69") and party.enterprise_id
    for product in Product.objects.all():
        assert gtin_clean(product.gtin) == product.gtin and product.gtin[1:3] == "69"
    assert Location.objects.count() == Party.objects.count()
    assert Product.objects.filter(category__name="乳制品").exists()
    assert Product.objects.filter(category__name="婴幼儿配方食品").exists()
    assert Product.objects.filter(category__name="药品制剂类").exists()
    assert Lot.objects.count() == counts["trace_lots"] > 0
    # and codes, one open recall with holders, a coverage below 100 % and a chain gap for the risk signal
    assert TraceCode.objects.count() == counts["trace_codes"] > 0
    recall = Recall.objects.get(status="open")
    assert recall.lot.product.category.name == "乳制品" and recall.holders.exists()
    traceable, producers = qr_coverage(None, TODAY - datetime.timedelta(days=60), TODAY)
    assert 0 < traceable <= producers
    assert [g for g in trace_gaps(on=TODAY, window_days=30) if g.kind == "chain"]
    # and the same seed and day give the same data after a reset
    first = _snapshot()
    demo.reset(ctx)
    assert not Event.objects.exists() and not Party.objects.exists()
    demo.generate(ctx)
    assert _snapshot() == first


def test_the_recall_is_on_the_batch_of_a_failed_dairy_sample_made_by_its_plant(ctx, make_user, city):
    # given a failed sample of the sampling demo's kind: dairy, an enterprise of the registry, a batch number
    plant = Enterprise.objects.order_by("pk").first()
    plan = make_plan(city, codes=("SP05",))
    sample = concluded(make_sample(plan, plant, make_samplers(make_user, plant.org_unit), code="SP05",
                                   batch="20260110B07", product="巴氏杀菌乳"), fail=True)
    # when the trace demo runs
    demo.generate(ctx)
    # then the recalled lot is that batch, of the plant's product, traced to its holders
    recall = Recall.objects.get(status="open")
    assert recall.lot.lot_number == "20260110B07" and recall.lot.product.producer.enterprise == plant
    assert recall.lot.product.name == "巴氏杀菌乳" and sample.number in recall.reason
    assert recall.holders.count() >= 2


def test_events_made_in_a_helper_process_are_the_ones_made_here(ctx, monkeypatch, helper_calls):
    # given spans of one day, so that the small demo (four production days) has enough of them for a helper process
    monkeypatch.setattr(demo, "SPAN_DAYS", 1)
    monkeypatch.setattr(demo.os, "cpu_count", lambda: 2)
    forked = helper_calls(demo)

    # when the demo runs with the helper, then again in this process alone
    demo.generate(ctx)
    with_helper = _snapshot()
    lots = list(Lot.objects.order_by("product__gtin", "lot_number").values_list("lot_number", "produced_on"))
    demo.reset(ctx)
    monkeypatch.setattr(demo.os, "cpu_count", lambda: 1)
    demo.generate(ctx)
    # then the helper was used once and both runs stored the same events, one capture job per span
    assert forked == [True, False]
    assert _snapshot() == with_helper
    assert list(Lot.objects.order_by("product__gtin", "lot_number").values_list("lot_number", "produced_on")) == lots
    # the production runs' lots carry the demo's dates, not capture's empty ones (the chain gap's lot has none)
    assert all(produced for number, produced in lots if not number.endswith("Z")) and len(lots) > 10
    assert CaptureJob.objects.filter(status="success").count() == 4 + 1  # a job per span, one for the chain gap
    # and each product's lots expire after its own shelf life; live pigs have none
    shelf = {"风味酸奶": 21, "冷鲜猪肉": 7, "生鲜乳": 2, "婴幼儿配方奶粉": 540, "阿莫西林胶囊": 730}
    for lot in Lot.objects.select_related("product").exclude(lot_number__endswith="Z"):
        for name, days in shelf.items():
            if name in lot.product.name:
                assert (lot.expires_on - lot.produced_on).days == days, lot.product.name
    assert Lot.objects.filter(product__name__contains="生猪", expires_on__isnull=True).exists()
