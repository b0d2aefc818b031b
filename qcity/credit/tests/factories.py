"""Credit test data. `<Model>Factory` (factory-boy) writes rows straight into the tables, with no rule and no
reclassification: for states the code under test then reads. `make_credit_event` records an event through
the service, so its rules, audit and reclassification apply as in production."""

import datetime

import factory

from qcity.credit.choices import CreditEventStatus, CreditListEntryStatus
from qcity.credit.models import CreditEvent, CreditListEntry
from qcity.credit.services import credit_event_record

TODAY = datetime.date(2025, 11, 28)  # a Friday, a working day


def make_credit_event(enterprise, *, kind="administrative_penalty", occurred_on=None, by=None, **kw):
    kw.setdefault("source_authority", "郑州市市场监督管理局")
    kw.setdefault("summary", "测试信用事项")
    kw.setdefault("today", TODAY)
    return credit_event_record(enterprise=enterprise, kind=kind, occurred_on=occurred_on or TODAY - datetime.timedelta(days=10),
                               by=by, **kw)


class CreditEventFactory(factory.django.DjangoModelFactory):
    """CreditEventFactory(enterprise=e, ...): a published event is published on the day it occurred, a
    withdrawn one withdrawn that day."""

    class Meta:
        model = CreditEvent

    kind = "administrative_penalty"
    occurred_on = TODAY - datetime.timedelta(days=10)
    source_authority = "郑州市市场监督管理局"
    summary = "测试信用事项"
    status = CreditEventStatus.RECORDED
    published_on = factory.LazyAttribute(
        lambda o: o.occurred_on if o.status == CreditEventStatus.PUBLISHED else None)
    withdrawn_on = factory.LazyAttribute(
        lambda o: o.occurred_on if o.status == CreditEventStatus.WITHDRAWN else None)


class CreditListEntryFactory(factory.django.DjangoModelFactory):
    """CreditListEntryFactory(enterprise=e, list_kind=..., reason=...): an entry in force unless
    status=removed (then removed on the day it was decided)."""

    class Meta:
        model = CreditListEntry

    list_kind = "abnormal_operations"
    reason = "no_annual_report"
    decided_on = TODAY
    decision_authority = "郑州市金水区市场监督管理局"
    status = CreditListEntryStatus.LISTED
    removed_on = factory.LazyAttribute(
        lambda o: o.decided_on if o.status == CreditListEntryStatus.REMOVED else None)
