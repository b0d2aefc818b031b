"""What a reviewer checks in a freshly loaded demo city, as queries the demo tests share.

Each function returns the offending rows as readable strings (an empty list when the demo is believable),
so a failing assertion names them. The checks are written from the rules, not from the generators'
code: officials act on working days; the demo district's accounts find fresh work from the last working
day; an inspection plan's name says its half-year; a progress report's wording fits its percent; a sample is
of its category's products and from its makers or sellers; an inspection item is drawn for its industries;
a supervised task is overdue by days or weeks.
"""

from __future__ import annotations

import datetime
import json
import re

from django.apps import apps
from django.utils import timezone

from qcity.core import workdays
from qcity.core.demo import DEMO_CITY_CODE

# Dates of acts by an authority (the enterprises' own acts — filing an objection, applying for repair,
# reporting a rectification — and computed values the system stamps when it runs are not listed).
OFFICIAL_ACTS: list[tuple[str, tuple[str, ...], dict]] = [
    ("sampling.Sample", ("sampling_date", "concluded_on", "served_on", "published_on"), {}),
    ("sampling.SamplingObjection", ("retested_on",), {}),
    ("sampling.Followup", ("ordered_on", "reinspected_on", "announced_on", "transferred_on"), {}),
    ("inspections.InspectionItem", ("published_on",), {}),
    ("inspections.InspectorConflict", ("declared_on",), {}),
    ("inspections.PoolSnapshot", ("built_at",), {}),
    ("inspections.Draw", ("drawn_at", "published_on"), {}),
    ("inspections.InspectionResult", ("inspected_on", "entered_at", "published_on"), {}),
    ("credit.CreditEvent", ("occurred_on", "published_on", "withdrawn_on"), {}),
    ("credit.CreditListEntry", ("decided_on", "published_on", "removed_on"), {}),
    ("credit.CreditRepair", ("accepted_on", "decided_on"), {}),
    ("credit.CreditObjection", ("decided_on",), {}),
    ("workplan.TaskProgress", ("reported_at",), {}),
    ("workplan.PlanTask", ("completed_at",), {}),
    ("workplan.Supervision", ("opened_at", "escalated_at", "resolved_at"), {}),
    ("workplan.Notice", ("issued_at",), {}),
    ("indicators.ReportedValue", ("submitted_at", "reviewed_at", "approved_at"), {"source": "reported"}),
    ("complaints.Complaint", ("accepted_on", "tip_decided_on", "reporter_notified_on", "clue_verified_on"), {}),
    ("complaints.ComplaintEscalation", ("escalated_at",), {}),
    ("complaints.Complaint", ("closed_on",), {"status__in": ("declined", "terminated", "closed")}),
    ("complaints.Reward", ("proposed_on", "decided_on", "paid_on"), {}),
]
DEMO_DISTRICT = "金水区"  # the scope of the demo accounts `jinshui` and `inspector`


def _day(value) -> datetime.date:
    return timezone.localdate(value) if isinstance(value, datetime.datetime) else value


def acts_on_rest_days(*, before: datetime.date) -> list[str]:
    """Official acts of the history (dated before `before`, the demo's today) on a weekend or a statutory
    holiday, e.g. "sampling.Sample.served_on 2026-10-05". What is dated today is not history but the
    load itself: the services' own reactions, which take the clock's day (a credit list reacting to an
    inspection result entered while the demo loads, for one)."""
    found = []
    for label, fields, condition in OFFICIAL_ACTS:
        model = apps.get_model(label)
        for field in fields:
            kind = model._meta.get_field(field).get_internal_type()
            until = timezone.make_aware(datetime.datetime.combine(before, datetime.time())) \
                if kind == "DateTimeField" else before
            rows = model.objects.filter(**condition, **{f"{field}__isnull": False, f"{field}__lt": until})
            days = {_day(value) for value in rows.values_list(field, flat=True).distinct()}
            found += [f"{label}.{field} {day}" for day in sorted(days) if not workdays.is_workday(day)]
    return found


def demo_district_fresh_work(day: datetime.date) -> list[str]:
    """What the demo district's accounts should find from `day` (the last working day) but do not: a credit
    event to publish, an inspection result to publish, an objection to answer — each with its deadline
    marked provisional when it runs into a year without an official holiday schedule."""
    from qcity.core.models import OrgUnit
    from qcity.credit.models import CreditEvent, CreditObjection
    from qcity.inspections.models import InspectionResult

    district = OrgUnit.objects.get(parent__division_code=DEMO_CITY_CODE, name=DEMO_DISTRICT)
    inside = {"enterprise__org_unit__path__startswith": district.path}
    fresh = {
        "credit event to publish": CreditEvent.objects.filter(
            **inside, occurred_on=day, status="recorded", published_on__isnull=True,
            publication_due_on__isnull=False),
        "inspection result to publish": InspectionResult.objects.filter(
            target__draw__plan__org_unit=district, inspected_on=day, published_on__isnull=True),
        "objection to answer": CreditObjection.objects.filter(**inside, submitted_on=day, status="submitted"),
    }
    due = {"credit event to publish": "publication_due_on", "inspection result to publish": "publish_by",
           "objection to answer": "reply_due_on"}
    missing = []
    for what, rows in fresh.items():
        if not rows.exists():
            missing.append(f"no {what} from {day}")
            continue
        for deadline, provisional in rows.values_list(due[what], f"{due[what]}_provisional_year"):
            expected = workdays.provisional_year(day, deadline)
            if provisional != expected:
                missing.append(f"{what}: due {deadline}, provisional year {provisional}, expected {expected}")
    return missing


HALF_YEAR_NAME = re.compile(r"^(?P<unit>.+?)(?P<year>\d{4})年(?P<half>[上下])半年.+双随机抽查$")


def inspection_plans_misnamed(today: datetime.date) -> list[str]:
    """Plans whose name does not say their period (a half-year: 1 January – 30 June, 1 July – 31 December),
    drawn plans not yet started, and a plan waiting to be drawn that is not for the next half-year."""
    from qcity.inspections.models import InspectionPlan

    found = []
    this_half_ends = datetime.date(today.year, 6, 30) if today.month <= 6 else datetime.date(today.year, 12, 31)
    for plan in InspectionPlan.objects.select_related("org_unit"):
        match = HALF_YEAR_NAME.match(plan.name)
        if match is None or match["unit"] != plan.org_unit.name:
            found.append(f"{plan.name}: not named after a district's half-year")
            continue
        year = int(match["year"])
        period = ((datetime.date(year, 1, 1), datetime.date(year, 6, 30)) if match["half"] == "上"
                  else (datetime.date(year, 7, 1), datetime.date(year, 12, 31)))
        if (plan.period_start, plan.period_end) != period or plan.year != year:
            found.append(f"{plan.name}: runs {plan.period_start} – {plan.period_end}")
        if plan.status == "draft" and plan.period_start != this_half_ends + datetime.timedelta(days=1):
            found.append(f"{plan.name}: waiting to be drawn, but not the next half-year's plan")
        if plan.status != "draft" and plan.period_start > today:
            found.append(f"{plan.name}: drawn, but its half-year has not begun")
    return found


def progress_reports_contradicting() -> list[str]:
    """Progress reports whose wording does not fit their percent or their timing: "基本完成" (mostly done)
    only from 85 %, "已制定工作方案" (plan drawn up) only below 30 %, a delay ("滞后", "未能按期") exactly
    when reported after the deadline; and a task's percent never going down."""
    from qcity.workplan.models import TaskProgress

    found, previous = [], {}
    for report in TaskProgress.objects.select_related("task").order_by("task_id", "reported_at", "pk"):
        task, percent, text = report.task, report.percent, report.text
        late = timezone.localdate(report.reported_at) > task.deadline
        where = f"{task.code} {timezone.localdate(report.reported_at)} {percent}%: {text}"
        if ("基本完成" in text) != (percent >= 85):
            found.append(f"{where} (percent and wording disagree)")
        if "已制定工作方案" in text and percent >= 30:
            found.append(f"{where} (still planning at this percent?)")
        if ("滞后" in text or "未能按期" in text) != late:
            found.append(f"{where} (deadline {task.deadline})")
        if percent < previous.get(task.pk, 0):
            found.append(f"{where} (down from {previous[task.pk]}%)")
        previous[task.pk] = percent
    return found


def samples_misfit() -> list[str]:
    """Samples whose product, specification or unit is not one of their category's in the sampling
    vocabulary (饮用纯净水 in mm², 熟牛肉 in mL), or taken from an enterprise whose industry neither makes nor
    sells the category (makers in their warehouse, sellers and users in the market)."""
    path = apps.get_app_config("sampling").path + "/data/demo_vocabulary.json"
    with open(path, encoding="utf-8") as handle:
        categories = json.load(handle)["categories"]
    bad = []
    rows = apps.get_model("sampling", "Sample").objects.values_list(
        "number", "category__code", "product_name", "specification", "quantity_unit", "sampling_place",
        "enterprise__industry_code")
    for number, code, product, specification, unit, place, industry in rows:
        entry = categories.get(code)
        if entry is None or not any(p["name"] == product and specification in p["specs"] and p["unit"] == unit
                                    for p in entry["products"]):
            bad.append(f"{number}: {code} {product} {specification} in {unit}")
            continue
        fits = {"warehouse": entry["makers"], "market": entry["makers"] + entry["sellers"]}[place]
        if not industry.startswith(tuple(fits)) or not fits:
            bad.append(f"{number}: {code} {product} sampled at {place} of an enterprise of industry {industry}")
    return bad


def inspection_items_outside_industries() -> list[str]:
    """Drawn targets inspected on an item that does not apply to their industry (a food-safety check of a
    software firm)."""
    items = {pk: (code, prefixes) for pk, code, prefixes in
             apps.get_model("inspections", "InspectionItem").objects.values_list("pk", "code", "industry_codes")}
    bad = []
    for draw_id, industry, item_ids in apps.get_model("inspections", "DrawnTarget").objects.values_list(
            "draw_id", "enterprise__industry_code", "item_ids"):
        for item_id in item_ids:
            code, prefixes = items[item_id]
            if prefixes and not industry.startswith(tuple(prefixes)):
                bad.append(f"draw {draw_id}: {code} for an enterprise of industry {industry}")
    return bad


def supervisions_overdue_too_long(today: datetime.date, *, days: int) -> list[str]:
    """Supervisions opened `days` or more after their task's deadline, or still open on a task overdue that
    long today: a fresh demo supervises tasks overdue by days or weeks, not years."""
    bad = []
    for supervision in apps.get_model("workplan", "Supervision").objects.select_related("task"):
        opened = timezone.localdate(supervision.opened_at)
        late = (opened - supervision.task.deadline).days
        if late >= days:
            bad.append(f"{supervision.task.code}: supervised {late} days after its deadline")
        if supervision.status == "open" and (today - supervision.task.deadline).days >= days:
            bad.append(f"{supervision.task.code}: open, overdue {(today - supervision.task.deadline).days} days")
    return bad


# What each status of a complaint or report needs (set) and must not have (unset) yet.
COMPLAINT_STATUS_FIELDS = {
    "triage": ((), ("org_unit", "acceptance_clock_from", "accepted_on", "tip_decided_on", "closed_on")),
    "direct_settlement": (("org_unit", "settlement_started_on", "settlement_deadline"),
                          ("acceptance_clock_from", "accepted_on", "closed_on")),
    "received": (("org_unit", "acceptance_clock_from", "acceptance_deadline"),
                 ("accepted_on", "tip_decided_on", "closed_on")),
    "accepted": (("accepted_on", "mediation_deadline"), ("mediation_mode", "closed_on")),
    "mediating": (("accepted_on", "mediation_deadline", "mediation_mode"), ("closed_on",)),
    "verifying": (("acceptance_deadline",), ("tip_decided_on", "closed_on")),
    "case_opened": (("tip_decided_on", "case_number"), ("closed_on",)),
    "settled": (("settlement_answer", "closed_on"), ("accepted_on",)),
    "declined": (("decline_ground", "closed_on"), ("accepted_on",)),
    "terminated": (("accepted_on", "termination_ground", "closed_on"), ("outcome",)),
    "closed": (("closed_on",), ("termination_ground", "decline_ground")),
}
COMPLAINT_ONLY = {"direct_settlement", "accepted", "mediating", "settled", "declined", "terminated"}
REPORT_ONLY = {"verifying", "case_opened"}


def complaints_inconsistent(today: datetime.date) -> list[str]:
    """Complaints and reports whose status does not fit their dates: a step recorded that the status has not
    reached (or one it needs missing), a status of the other kind, dates out of order or not before today,
    a rating before the end, a stored deadline that differs from the one computed from the row."""
    from qcity.complaints import deadlines as complaint_deadlines
    from qcity.complaints.models import Complaint

    bad = []
    order = ("received_on", "acceptance_clock_from", "accepted_on", "tip_decided_on", "closed_on")
    for c in Complaint.objects.select_related("org_unit"):
        where = f"{c.tracking_number} {c.kind} {c.status}"
        needed, unset = COMPLAINT_STATUS_FIELDS[c.status]
        bad += [f"{where}: no {name}" for name in needed if getattr(c, name) in (None, "")]
        bad += [f"{where}: has {name}" for name in unset if getattr(c, name) not in (None, "")]
        if (c.status in COMPLAINT_ONLY and c.kind != "complaint") or (c.status in REPORT_ONLY and c.kind != "report_tip"):
            bad.append(f"{where}: not a status of its kind")
        if c.status == "closed" and c.kind == "complaint" and not (c.outcome and c.accepted_on):
            bad.append(f"{where}: closed without a mediation outcome")
        days = [getattr(c, name) for name in order if getattr(c, name) is not None]
        if days != sorted(days) or days[-1] >= today or timezone.localdate(c.received_at) != c.received_on:
            bad.append(f"{where}: dates {days}")
        if c.satisfaction is not None and c.closed_on is None:
            bad.append(f"{where}: rated before its end")
        stored = {name: getattr(c, name) for name in complaint_deadlines.COMPUTE}
        complaint_deadlines.refresh(c)
        if stored != {name: getattr(c, name) for name in complaint_deadlines.COMPUTE}:
            bad.append(f"{where}: deadlines {stored}")
    return bad


def complaint_notes_with_personal_data() -> list[str]:
    """History notes that name the complainant or reporter or give their phone: the history is shown to the
    complainant and audited, and the person's data stays in its masked columns."""
    from qcity.complaints.models import ComplaintEvent

    bad = []
    for note, name, phone, number in ComplaintEvent.objects.exclude(note="").values_list(
            "note", "complaint__person_name", "complaint__person_phone", "complaint__tracking_number"):
        if (name and name in note) or (phone and phone in note):
            bad.append(f"{number}: {note}")
    return bad
