import dataclasses
import datetime

import pytest

from qcity.complaints import demo
from qcity.complaints.choices import FINISHED_STATUSES, ComplaintKind, ComplaintStatus
from qcity.complaints.models import Complaint, ComplaintEvent, DirectSettlementMembership, Reward
from qcity.core import demo as core_demo
from qcity.core.demo import DemoContext
from qcity.core.tests import demo_invariants
from qcity.credit.models import CreditEvent
from qcity.enterprises import demo as enterprises_demo
from qcity.enterprises.demo import accounts as enterprise_accounts_demo

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 17)  # two days after 3·15
ENTERPRISES = 2000  # small-scale shape (0.3 complaints per enterprise) at a size a test can afford


@pytest.fixture
def ctx():
    ctx = DemoContext(scale="small", seed=3, enterprise_count=ENTERPRISES, today=TODAY, log=lambda m: None)
    enterprises_demo.generate(ctx)
    core_demo.generate(ctx)
    enterprise_accounts_demo.generate(ctx)
    return ctx


def _snapshot():
    return list(Complaint.objects.order_by("tracking_number").values_list(
        "tracking_number", "kind", "status", "respondent_id", "org_unit_id", "received_at", "closed_on", "subject"))


def test_a_year_of_complaints_is_deterministic_and_resets(ctx):
    # when the demo runs twice on the same seed and day, with a reset between
    outcome = demo.generate(ctx)
    first = _snapshot()
    assert outcome["complaints"] + outcome["reports"] == Complaint.objects.count() > 600
    assert outcome["events"] == ComplaintEvent.objects.count()
    counts = demo.reset(ctx)
    assert counts["complaints_deleted"] == len(first) and not ComplaintEvent.objects.exists()
    assert not DirectSettlementMembership.objects.exists()
    assert not CreditEvent.objects.filter(source_ref__startswith="complaint:").exists()
    demo.generate(ctx)
    # then it gives the same rows
    assert _snapshot() == first


@pytest.mark.parametrize("today", [TODAY, datetime.date(2026, 10, 8)], ids=str)
def test_every_status_fits_its_dates_and_no_note_names_a_person(ctx, today):
    # given the demo loaded on `today` (the first working day after National Day among them)
    ctx = dataclasses.replace(ctx, today=today)
    demo.generate(ctx)
    # then each status has the steps it needs and none it has not reached, the dates are in order and
    # before today, the deadlines are the ones computed from the row, and the acts fall on working days
    assert demo_invariants.complaints_inconsistent(today) == []
    assert demo_invariants.acts_on_rest_days(before=today) == []
    # and no history note names the complainant or gives their phone
    assert demo_invariants.complaint_notes_with_personal_data() == []
    assert ComplaintEvent.objects.exclude(note="").exists()


def test_shares_of_kinds_people_and_outcomes_are_believable(ctx):
    demo.generate(ctx)
    rows = Complaint.objects.all()
    total = rows.count()
    reports = rows.filter(kind=ComplaintKind.REPORT_TIP)
    # about four in five are complaints; about one in twenty is an anonymous report, with no person at all
    assert 0.7 < rows.filter(kind=ComplaintKind.COMPLAINT).count() / total < 0.9
    assert 0.02 < reports.filter(anonymous=True).count() / total < 0.09
    assert not reports.filter(anonymous=True).exclude(person_name="", person_phone="").exists()
    # fake people: numbers of the 1380000xxxx block, ID numbers of 18 characters
    people = rows.filter(anonymous=False)
    assert all(p.startswith("1380000") and len(p) == 11 for p in people.values_list("person_phone", flat=True))
    assert all(len(i) == 18 for i in people.values_list("person_id_number", flat=True))
    # a few mixed submissions were split: the report points at its complaint
    assert reports.filter(split_from__kind=ComplaintKind.COMPLAINT).exists()
    # most respondents are in the registry; some are placed by the gazetteer, some sell on a platform
    assert rows.filter(respondent__isnull=False).count() / total > 0.8
    assert rows.filter(routing_method="gazetteer").exists() and rows.exclude(platform_name="").exists()
    # food leads the categories; the five big ones together are about half
    by_category = {code: rows.filter(category__code=code).count() for code in demo.CATEGORY_SHARES}
    assert max(by_category, key=by_category.get) in {"food", "living-services", "internet-services"}
    big = ("food", "household-appliances", "communication-products", "internet-services", "living-services")
    assert 0.35 < sum(by_category[c] for c in big) / total < 0.65
    # the weeks of 3·15 are busier than the Spring Festival's
    march = rows.filter(received_on__range=(datetime.date(2026, 3, 8), datetime.date(2026, 3, 16))).count()
    festival = rows.filter(received_on__range=(datetime.date(2026, 2, 15), datetime.date(2026, 2, 23))).count()
    assert march > 1.5 * festival
    # old complaints are finished with outcomes and some ratings; the substantiated ones are credit events
    old = rows.filter(kind=ComplaintKind.COMPLAINT, received_on__lt=TODAY - datetime.timedelta(days=120))
    assert old.exists() and not old.exclude(status__in=FINISHED_STATUSES).exists()
    assert {ComplaintStatus.CLOSED, ComplaintStatus.DECLINED, ComplaintStatus.TERMINATED} <= set(
        old.values_list("status", flat=True))
    assert old.filter(satisfaction__isnull=False).exists()
    assert CreditEvent.objects.filter(source_ref__startswith="complaint:", kind="substantiated_complaint").count() \
        == rows.filter(substantiated=True, respondent__isnull=False).count() > 0
    assert Reward.objects.exists()


def test_the_handlers_and_the_demo_enterprise_have_work_today(ctx):
    demo.generate(ctx)
    district = ctx.demo_district
    local = Complaint.objects.filter(org_unit=district)
    # the district's handler: a complaint from the last working day to accept, one accepted to mediate,
    # one in mediation, one overdue and escalated, a report to check
    assert local.filter(status=ComplaintStatus.RECEIVED, kind=ComplaintKind.COMPLAINT,
                        received_on=ctx.last_workday, handler__username="jinshui-handler").exists()
    assert local.filter(status=ComplaintStatus.ACCEPTED).exists()
    assert local.filter(status=ComplaintStatus.MEDIATING, mediation_deadline__gte=TODAY).exists()
    overdue = local.filter(status=ComplaintStatus.RECEIVED, acceptance_deadline__lt=TODAY)
    assert overdue.exists() and not overdue.filter(escalation__isnull=True).exists()
    assert local.filter(status=ComplaintStatus.RECEIVED, kind=ComplaintKind.REPORT_TIP).exists()
    # the city's handler: the triage queue
    assert Complaint.objects.filter(status=ComplaintStatus.TRIAGE, org_unit__isnull=True).count() >= 2
    # the demo enterprise joined direct settlement and has complaints to settle, received recently
    enterprise = ctx.results["demo_enterprise"]
    assert DirectSettlementMembership.objects.filter(enterprise=enterprise).exists()
    waiting = Complaint.objects.filter(respondent=enterprise, status=ComplaintStatus.DIRECT_SETTLEMENT)
    assert waiting.filter(settlement_deadline__gte=TODAY).count() >= 2


def test_chunks_drawn_in_a_helper_process_are_the_ones_drawn_here(ctx, monkeypatch, helper_calls):
    # given chunks of 200 complaints, so that the small demo (600) has enough of them for a helper process
    monkeypatch.setattr(demo, "CHUNK", 200)
    monkeypatch.setattr(demo.os, "cpu_count", lambda: 2)
    forked = helper_calls(demo)

    def written():
        return (_snapshot(), list(ComplaintEvent.objects.order_by("complaint__tracking_number", "at", "kind")
                                  .values_list("complaint__tracking_number", "kind", "at", "by", "to_unit", "note")),
                list(Complaint.objects.filter(split_from__isnull=False).order_by("tracking_number")
                     .values_list("tracking_number", "split_from__tracking_number")),
                list(Reward.objects.order_by("complaint__tracking_number").values_list("complaint__tracking_number",
                                                                                       "status", "amount")),
                list(CreditEvent.objects.filter(source_ref__startswith="complaint:").order_by("summary")
                     .values_list("enterprise", "occurred_on", "summary")))

    # when the demo runs with the helper, then again in this process alone
    outcome = demo.generate(ctx)
    with_helper = written()
    demo.reset(ctx)
    monkeypatch.setattr(demo.os, "cpu_count", lambda: 1)
    assert demo.generate(ctx) == outcome
    # then the helper was used once and both runs wrote the same complaints, history, splits, rewards and credit
    assert forked == [True, False]
    assert written() == with_helper
    assert with_helper[2] and with_helper[3] and with_helper[4]  # something of each was drawn
    # the credit events name their own complaints
    for complaint in Complaint.objects.filter(substantiated=True, respondent__isnull=False):
        assert CreditEvent.objects.get(source_ref=f"complaint:{complaint.pk}").enterprise_id == complaint.respondent_id
    # and every chunk kept to its own block of tracking numbers
    numbers = [int(n[-6:]) for n in Complaint.objects.values_list("tracking_number", flat=True)]
    assert len(set(numbers)) == len(numbers) and max(numbers) > 3 * demo.CHUNK_NUMBERS
