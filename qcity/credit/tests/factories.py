"""Credit test data. `<Model>Factory` (factory-boy) writes rows straight into the tables, with no rule and no
reclassification: for states the code under test then reads. `make_credit_event` records an event through
the service, so its rules, audit and reclassification apply as in production. `repair_documents()` gives
the two documents a repair application needs (small valid PDFs), fresh for each call."""

import datetime

import factory

from qcity.credit.choices import CreditEventStatus, CreditListEntryStatus
from qcity.credit.demo import placeholder_documents
from qcity.credit.models import CreditEvent, CreditListEntry, CreditObjection, CreditRepair
from qcity.credit.services import credit_event_record

TODAY = datetime.date(2025, 11, 28)  # a Friday, a working day


def repair_documents() -> dict:
    """compliance_proof_file and commitment_letter_file for `credit_repair_apply`: one-page PDFs."""
    return placeholder_documents()


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


class CreditObjectionFactory(factory.django.DjangoModelFactory):
    """CreditObjectionFactory(credit_event=e, reply_due_on=...): an open objection against a published event
    (the enterprise is the event's)."""

    class Meta:
        model = CreditObjection

    credit_event = factory.SubFactory(CreditEventFactory, status=CreditEventStatus.PUBLISHED,
                                      enterprise=factory.SelfAttribute("..enterprise"))
    grounds = "处罚事实认定有误"
    submitted_on = TODAY
    reply_due_on = TODAY + datetime.timedelta(days=28)


class CreditRepairFactory(factory.django.DjangoModelFactory):
    """CreditRepairFactory(enterprise=e, acceptance_due_on=...): a submitted application to leave the abnormal
    list (pass status="accepted", accepted_on and decision_due_on for one awaiting its decision)."""

    class Meta:
        model = CreditRepair

    kind = "abnormal_list_removal"
    list_entry = factory.SubFactory(CreditListEntryFactory, enterprise=factory.SelfAttribute("..enterprise"))
    compliance_proof = "已补报年度报告"
    commitment_letter = "本企业承诺"
    submitted_on = TODAY
    acceptance_due_on = TODAY + datetime.timedelta(days=4)
