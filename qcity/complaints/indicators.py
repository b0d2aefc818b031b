"""The complaint module's computed indicators (registered with `qcity.indicators.computed` from ready()).

Each is `compute(org_unit, year) -> Decimal | None` over the complaints and reports of the unit and every
unit below it (the city: all, the triage queue included), one aggregate query each:
- complaints.count: complaints and reports received in the year (by `received_on`);
- complaints.on_time_rate: % of those finished in the year (by `closed_on`) not finished late;
- complaints.mediation_success_rate: % of the complaints accepted for mediation and finished in the year
  (closed or mediation terminated) that were closed with a mediation agreement;
- complaints.satisfaction_rate: % of the complaints and reports finished in the year and rated that were
  rated 4 or 5 (满意, 很满意).
A rate is None when there is nothing to divide by; the count is 0 for a unit without complaints.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from qcity.core.models import OrgUnit
from qcity.indicators.computed import register

from .choices import FINISHED_STATUSES, ComplaintKind, ComplaintStatus, MediationOutcome
from .models import Complaint

SATISFIED_FROM = 4  # 4 满意 and 5 很满意 on the 1–5 scale


def _in_unit(org_unit: OrgUnit) -> QuerySet[Complaint]:
    if org_unit.parent_id is None:  # the city: every complaint, those still in the triage queue too
        return Complaint.objects.all()
    return Complaint.objects.filter(org_unit__path__startswith=org_unit.path)


def percent(part: int, total: int) -> Decimal | None:
    """A rate in per cent to 0.01, as the indicators store it (and the disclosure shows it)."""
    if not total:
        return None
    return (Decimal(part) * 100 / Decimal(total)).quantize(Decimal("0.01"))


def _finished_in(org_unit: OrgUnit, year: int) -> QuerySet[Complaint]:
    return _in_unit(org_unit).filter(status__in=FINISHED_STATUSES, closed_on__year=year)


def complaint_count(org_unit: OrgUnit, year: int) -> Decimal | None:
    return Decimal(_in_unit(org_unit).filter(received_on__year=year).count())


def on_time_rate(org_unit: OrgUnit, year: int) -> Decimal | None:
    totals = _finished_in(org_unit, year).aggregate(total=Count("id"), late=Count("id", filter=Q(closed_late=True)))
    return percent(totals["total"] - totals["late"], totals["total"])


def mediation_success_rate(org_unit: OrgUnit, year: int) -> Decimal | None:
    totals = _finished_in(org_unit, year).filter(
        kind=ComplaintKind.COMPLAINT, accepted_on__isnull=False,
        status__in=(ComplaintStatus.CLOSED, ComplaintStatus.TERMINATED),
    ).aggregate(total=Count("id"), agreed=Count("id", filter=Q(outcome=MediationOutcome.AGREEMENT)))
    return percent(totals["agreed"], totals["total"])


def satisfaction_rate(org_unit: OrgUnit, year: int) -> Decimal | None:
    totals = _finished_in(org_unit, year).filter(satisfaction__isnull=False).aggregate(
        total=Count("id"), satisfied=Count("id", filter=Q(satisfaction__gte=SATISFIED_FROM)))
    return percent(totals["satisfied"], totals["total"])


# key → (label, function)
INDICATORS = {
    "complaints.count": (_("投诉举报登记量（件）"), complaint_count),
    "complaints.on_time_rate": (_("投诉举报按时办结率"), on_time_rate),
    "complaints.mediation_success_rate": (_("投诉调解成功率"), mediation_success_rate),
    "complaints.satisfaction_rate": (_("投诉举报处理满意率"), satisfaction_rate),
}


def register_indicators() -> None:
    for key, (label, compute) in INDICATORS.items():
        register(key, label, compute)
