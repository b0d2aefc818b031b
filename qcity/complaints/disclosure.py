"""Complaint disclosure (投诉公示): what the public may read about the complaints against one enterprise.

Only complaints (never reports: a report is a tip to the regulator and its handling stays confidential,
DOMAIN §9), only figures and reference-data labels (outcome, category, problem type) — never a name, a
phone number, a tracking number or any text a complainant or an officer typed, so nothing personal can leak
whatever was written in the facts or the notes.

The period is the last 12 months (the current month up to today and the 11 before it), or one calendar
year; a complaint counts in it by the day it was received. Outcomes count only finished complaints (`FINISHED_STATUSES`):
- kind of outcome: the status, and for a closed complaint the mediation outcome (达成调解协议, 撤回, 自行和解);
- direct-settlement rate: of the complaints sent to the enterprise for direct settlement (ODR) whose window
  is over, the share settled there;
- on-time rate: of the finished complaints, the share not finished late (`closed_late`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from qcity.credit.selectors import credit_file_public_get
from qcity.enterprises.models import Enterprise

from .choices import FINISHED_STATUSES, ComplaintKind, ComplaintStatus, MediationOutcome
from .indicators import percent
from .models import Complaint

UNCLASSIFIED = _("未分类")


@dataclass(frozen=True)
class DisclosureRow:
    label: str
    count: int


@dataclass(frozen=True)
class ComplaintDisclosure:
    """The published figures of one enterprise over one period (see the module docstring)."""

    uscc: str
    enterprise_name: str
    year: int | None
    period_from: datetime.date
    period_to: datetime.date
    received: int
    finished: int
    outcomes: list[DisclosureRow]
    categories: list[DisclosureRow]
    problem_types: list[DisclosureRow]
    months: list[DisclosureRow]  # complaints received per month of the period, oldest first
    direct_settlement_rate: Decimal | None
    on_time_rate: Decimal | None


def disclosure_period(*, today: datetime.date, year: int | None) -> tuple[datetime.date, datetime.date]:
    """A calendar year, or the last 12 months: the current month (up to today) and the 11 before it."""
    if year is not None:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    months_back = today.year * 12 + today.month - 1 - 11
    return datetime.date(months_back // 12, months_back % 12 + 1, 1), today


def _month_starts(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _outcome_label(status: str, outcome: str) -> str:
    if status == ComplaintStatus.CLOSED and outcome:
        return str(MediationOutcome(outcome).label)
    return str(ComplaintStatus(status).label)


def _rows(pairs: dict[str, int]) -> list[DisclosureRow]:
    return [DisclosureRow(label, count) for label, count in sorted(pairs.items(), key=lambda p: (-p[1], p[0]))]


def _count_by(queryset: QuerySet[Complaint], field: str) -> list[DisclosureRow]:
    counts: dict[str, int] = {}
    for row in queryset.order_by().values(field).annotate(n=Count("id")):
        label = str(row[field] or UNCLASSIFIED)
        counts[label] = counts.get(label, 0) + row["n"]
    return _rows(counts)


def complaint_disclosure(*, enterprise: Enterprise, today: datetime.date, year: int | None = None
                         ) -> ComplaintDisclosure:
    """The enterprise's published complaint figures (five aggregate queries)."""
    period_from, period_to = disclosure_period(today=today, year=year)
    complaints = Complaint.objects.filter(respondent=enterprise, kind=ComplaintKind.COMPLAINT,
                                          received_on__gte=period_from, received_on__lte=period_to)
    finished = complaints.filter(status__in=FINISHED_STATUSES)
    totals = complaints.aggregate(
        received=Count("id"),
        finished=Count("id", filter=Q(status__in=FINISHED_STATUSES)),
        on_time=Count("id", filter=Q(status__in=FINISHED_STATUSES, closed_late=False)),
        settlement_over=Count("id", filter=Q(settlement_started_on__isnull=False)
                              & ~Q(status=ComplaintStatus.DIRECT_SETTLEMENT)),
        settled=Count("id", filter=Q(settlement_started_on__isnull=False, status=ComplaintStatus.SETTLED)))
    outcomes: dict[str, int] = {}
    for row in finished.order_by().values("status", "outcome").annotate(n=Count("id")):
        label = _outcome_label(row["status"], row["outcome"])
        outcomes[label] = outcomes.get(label, 0) + row["n"]
    per_month = {row["month"]: row["n"] for row in complaints.order_by().annotate(month=TruncMonth("received_on"))
                 .values("month").annotate(n=Count("id"))}
    months = [DisclosureRow(f"{m:%Y-%m}", per_month.get(m, 0)) for m in _month_starts(period_from, period_to)]
    return ComplaintDisclosure(
        uscc=enterprise.uscc, enterprise_name=enterprise.name, year=year, period_from=period_from,
        period_to=period_to, received=totals["received"], finished=totals["finished"], outcomes=_rows(outcomes),
        categories=_count_by(complaints, "category__name"), problem_types=_count_by(complaints, "problem_type__name"),
        months=months, direct_settlement_rate=percent(totals["settled"], totals["settlement_over"]),
        on_time_rate=percent(totals["on_time"], totals["finished"]))


@dataclass(frozen=True)
class ComplaintStatistics:
    """The city's complaints of one year: how many, and the categories and problem types most complained of."""

    year: int
    received: int
    categories: list[DisclosureRow]
    problem_types: list[DisclosureRow]


def complaint_statistics(*, year: int, limit: int = 10) -> ComplaintStatistics:
    """City-wide, complaints only, by the day received; the unclassified are counted but not ranked."""
    complaints = Complaint.objects.filter(kind=ComplaintKind.COMPLAINT, received_on__year=year)
    return ComplaintStatistics(
        year=year, received=complaints.count(),
        categories=_count_by(complaints.filter(category__isnull=False), "category__name")[:limit],
        problem_types=_count_by(complaints.filter(problem_type__isnull=False), "problem_type__name")[:limit])


def complaint_received_count(*, enterprise: Enterprise, today: datetime.date) -> int:
    """Complaints received against the enterprise in the last 12 months: the line on its public credit file."""
    period_from, period_to = disclosure_period(today=today, year=None)
    return Complaint.objects.filter(respondent=enterprise, kind=ComplaintKind.COMPLAINT,
                                    received_on__gte=period_from, received_on__lte=period_to).count()


def disclosure_enterprise_get(uscc: str) -> Enterprise:
    """The registered enterprise with this credit code (404 otherwise): the same lookup as its public credit
    file, so both pages answer for the same enterprises."""
    return credit_file_public_get(uscc)
