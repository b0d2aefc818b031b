import pytest

from qcity.core import demo as core_demo
from qcity.core.demo import DemoContext
from qcity.credit import demo
from qcity.credit.models import (
    CreditClassification,
    CreditEvent,
    CreditListEntry,
    Objection,
    RepairApplication,
)
from qcity.enterprises import demo as enterprises_demo

pytestmark = pytest.mark.django_db


def _snapshot():
    return list(CreditEvent.objects.order_by("enterprise_id", "kind", "occurred_on", "summary")
                .values_list("enterprise_id", "kind", "occurred_on", "published_on", "status"))


def test_demo_generator_at_a_tiny_count_is_deterministic_and_resets():
    ctx = DemoContext(scale="small", seed=7, enterprise_count=400, log=lambda m: None)
    enterprises_demo.generate(ctx)
    core_demo.generate(ctx)
    outcome = demo.generate(ctx)
    assert outcome["credit_events"] == CreditEvent.objects.count() > 20
    assert CreditListEntry.objects.filter(list_kind="abnormal_operations").exists()
    assert CreditListEntry.objects.filter(list_kind="serious_violation").exists()
    assert CreditListEntry.objects.filter(list_kind="red").exists()
    assert {r.status for r in RepairApplication.objects.all()} == {"submitted", "accepted", "approved", "rejected",
                                                                  "not_accepted"}
    assert {o.status for o in Objection.objects.all()} == {"submitted", "upheld", "dismissed"}
    assert outcome["escalated"] >= 1
    assert demo.classify(ctx)["classified"] == CreditClassification.objects.count() == 400
    first = _snapshot()
    demo.reset(ctx)
    assert not CreditEvent.objects.exists() and not CreditClassification.objects.exists()
    demo.generate(ctx)
    assert _snapshot() == first
