"""Sampling services: what sampling feeds into the credit file."""

import datetime

import pytest

from qcity.sampling import services
from qcity.sampling.choices import SamplingConclusion

from ..factories import TODAY, concluded, make_sample

pytestmark = pytest.mark.django_db


# --- credit file -------------------------------------------------------------------------------------

def test_the_credit_file_follows_conclusion_publication_and_overturn(city_plan, enterprise, samplers):
    from qcity.credit.models import CreditEvent

    # given a failing conclusion: a sampling-failure event under the sample's source_ref
    sample = concluded(make_sample(city_plan, enterprise, samplers), fail=True)
    event = CreditEvent.objects.get(source_ref=f"sampling:sample:{sample.pk}")
    assert event.kind == "sampling_failure" and event.enterprise == enterprise and event.status == "recorded"
    # when the retest overturns it, then the event is withdrawn (and stays so when the final pass is published)
    services.sampling_objection_apply(sample=sample, applied_on=datetime.date(2025, 4, 2), reason="x", by=None, today=TODAY)
    services.retest_conclude(sample=sample, retest_conclusion=SamplingConclusion.PASS, retest_report_number="FJ-3",
                             by=None, retested_on=datetime.date(2025, 4, 20), today=TODAY)
    event.refresh_from_db()
    assert event.status == "withdrawn"
    services.sample_publish(sample=sample, by=None, published_on=datetime.date(2025, 4, 21), today=TODAY)
    event.refresh_from_db()
    assert event.status == "withdrawn" and sample.published_on == datetime.date(2025, 4, 21)
    # a passing sample's event is published with the result
    passed = concluded(make_sample(city_plan, enterprise, samplers, batch="P"))
    services.sample_publish(sample=passed, by=None, published_on=datetime.date(2025, 4, 3), today=TODAY)
    published = CreditEvent.objects.get(source_ref=f"sampling:sample:{passed.pk}")
    assert published.kind == "sampling_pass" and published.published_on == datetime.date(2025, 4, 3)
