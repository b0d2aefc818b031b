"""What a sampling outcome sends to the other modules: credit events and the computed indicators.

Credit is imported when called: the credit module depends on enterprises only, never on sampling, and a
late import keeps the two apps loadable in either order.
"""

from __future__ import annotations

from django.db import transaction

from qcity.core.models import User
from qcity.credit.choices import CreditEventKind
from qcity.credit.services import credit_event_publish, credit_event_record, credit_event_withdraw
from qcity.indicators.services import computed_indicators_refresh

from ..choices import SamplingConclusion
from ..models import Sample
from ..pass_rates import KEY_OF_KIND


def source_ref(sample: Sample) -> str:
    return f"sampling:sample:{sample.pk}"


def credit_event_fields(sample: Sample, conclusion: str) -> dict:
    """What a conclusion contributes to the credit file (also used by the demo's bulk writer)."""
    plan = sample.plan
    failed = conclusion == SamplingConclusion.FAIL
    summary = (f"{sample.product_name}（批号 {sample.batch_number}）监督抽检"  # i18n-ignore: public credit record text, stored in Chinese
               f"{'不合格' if failed else '合格'}，检验报告 {sample.test_report_number}")
    return {
        "kind": CreditEventKind.SAMPLING_FAILURE if failed else CreditEventKind.SAMPLING_PASS,
        "occurred_on": sample.concluded_on,
        "source_authority": f"{plan.org_unit.name}市场监督管理局（{plan.get_level_display()}监督抽查）"[:100],  # i18n-ignore: public credit record text, stored in Chinese
        "summary": summary[:500],
        "source_ref": source_ref(sample),
    }


def credit_record(sample: Sample, *, by: User | None):
    return credit_event_record(enterprise=sample.enterprise, **credit_event_fields(sample, sample.conclusion), by=by)


def credit_publish(sample: Sample, *, by: User | None):
    """An overturned failure's event was withdrawn: it stays unpublished (the public sees the final pass here)."""
    if overturned(sample):
        return None
    return credit_event_publish(source_ref=source_ref(sample), published_on=sample.published_on, by=by)


def overturned(sample: Sample) -> bool:
    return sample.initial_conclusion == SamplingConclusion.FAIL and sample.conclusion == SamplingConclusion.PASS


def credit_withdraw(sample: Sample, *, reason: str, by: User | None):
    return credit_event_withdraw(source_ref=source_ref(sample), reason=reason, by=by)


def indicators_refresh_on_commit(sample: Sample) -> None:
    """The pass-rate indicator of the sample's product kind, for its sampling year, once committed."""
    key = KEY_OF_KIND.get(sample.category.kind)
    if key is None:
        return
    year = sample.sampling_date.year

    def refresh():
        computed_indicators_refresh(key=key, year=year)

    transaction.on_commit(refresh)
