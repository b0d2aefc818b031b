import datetime

import pytest

from qcity.core import demo as core_demo
from qcity.core import workdays
from qcity.core.demo import DemoContext
from qcity.core.tests import demo_invariants
from qcity.credit import demo
from qcity.credit.models import (
    CreditClassification,
    CreditEvent,
    CreditListEntry,
    CreditObjection,
    CreditRepair,
)
from qcity.credit.selectors import credit_public_personal_data_hits
from qcity.enterprises import demo as enterprises_demo

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 10, 20)


def _snapshot():
    return list(CreditEvent.objects.order_by("enterprise_id", "kind", "occurred_on", "summary")
                .values_list("enterprise_id", "kind", "occurred_on", "published_on", "status"))


def test_demo_generator_at_a_tiny_count_is_deterministic_and_resets():
    ctx = DemoContext(scale="small", seed=7, enterprise_count=400, today=TODAY, log=lambda m: None)
    enterprises_demo.generate(ctx)
    core_demo.generate(ctx)
    outcome = demo.generate(ctx)
    assert outcome["credit_events"] == CreditEvent.objects.count() > 20
    assert CreditListEntry.objects.filter(list_kind="abnormal_operations").exists()
    assert CreditListEntry.objects.filter(list_kind="serious_violation").exists()
    assert CreditListEntry.objects.filter(list_kind="red").exists()
    assert {r.status for r in CreditRepair.objects.all()} == {"submitted", "accepted", "approved", "rejected",
                                                                  "not_accepted"}
    assert {o.status for o in CreditObjection.objects.all()} == {"submitted", "upheld", "dismissed"}
    # every demo repair went through the service, so it carries its two documents (placeholder PDFs)
    assert {tuple(sorted(r.attachments.values_list("kind", flat=True))) for r in CreditRepair.objects.all()} == {
        ("commitment_letter", "compliance_proof")}
    assert outcome["escalated"] >= 1
    assert demo.classify(ctx)["classified"] == CreditClassification.objects.count() == 400
    # every text the public credit files show was written for publication: no personal data in any
    assert CreditEvent.objects.filter(status="published").exclude(public_summary="").exists()
    assert not CreditEvent.objects.filter(public_summary="").exists()
    assert credit_public_personal_data_hits(today=TODAY) == []
    first = _snapshot()
    demo.reset(ctx)
    assert not CreditEvent.objects.exists() and not CreditClassification.objects.exists()
    demo.generate(ctx)
    assert _snapshot() == first


def test_the_year_of_events_ends_yesterday_and_what_is_open_is_due_around_today():
    # given the credit demo generated for TODAY
    ctx = DemoContext(scale="small", seed=3, enterprise_count=400, today=TODAY, log=lambda m: None)
    enterprises_demo.generate(ctx)
    core_demo.generate(ctx)
    demo.generate(ctx)

    # then the year of events ends before today, and starts a year before it (a few escalated listings
    # were decided three years ago)
    events = CreditEvent.objects.exclude(kind="abnormal_operations_listing")
    assert max(events.values_list("occurred_on", flat=True)) < TODAY
    assert min(events.values_list("occurred_on", flat=True)) >= ctx.year_start - datetime.timedelta(days=30)
    # an unpublished penalty is overdue by days or weeks at most
    unpublished = CreditEvent.objects.filter(published_on__isnull=True, publication_due_on__isnull=False,
                                             status="recorded")
    assert all(due >= TODAY - datetime.timedelta(days=demo.OVERDUE_DAYS + 5)
               for due in unpublished.values_list("publication_due_on", flat=True))
    # the open objections and repairs were filed in the last days and are due around today
    for objection in CreditObjection.objects.filter(status="submitted"):
        assert TODAY - datetime.timedelta(days=14) <= objection.submitted_on < TODAY <= objection.reply_due_on
    for repair in CreditRepair.objects.filter(status__in=["submitted", "accepted"]):
        due = repair.decision_due_on or repair.acceptance_due_on
        assert TODAY - datetime.timedelta(days=10) <= repair.submitted_on < TODAY
        assert due >= TODAY - datetime.timedelta(days=1)


@pytest.mark.parametrize("today", [TODAY, datetime.date(2026, 12, 5)], ids=str)
def test_decisions_fall_on_working_days_and_the_demo_district_has_the_days_work(today):
    # given the credit demo generated on `today` (a Saturday in December among them)
    ctx = DemoContext(scale="small", seed=3, enterprise_count=400, today=today, log=lambda m: None)
    enterprises_demo.generate(ctx)
    core_demo.generate(ctx)
    demo.generate(ctx)

    # then decisions, publications and replies are dated on working days
    assert demo_invariants.acts_on_rest_days(before=today) == []
    # and the demo district's officer finds, from the last working day, a penalty to publish and an
    # objection to answer, both within 20 working days — provisional when they run into a year without
    # an official holiday schedule
    penalty = CreditEvent.objects.get(enterprise__org_unit__name="金水区", occurred_on=ctx.last_workday,
                                      source_ref__startswith="credit:demo:", published_on__isnull=True)
    objection = CreditObjection.objects.get(enterprise__org_unit__name="金水区", submitted_on=ctx.last_workday,
                                      status="submitted")
    due = workdays.add_working_days(ctx.last_workday, 20)
    assert (penalty.publication_due_on, objection.reply_due_on) == (due, due)
    provisional = workdays.provisional_year(ctx.last_workday, due)
    assert penalty.publication_due_on_provisional_year == objection.reply_due_on_provisional_year == provisional
    assert (provisional is not None) == (today.month == 12 and not workdays.is_official(today.year + 1))
