"""The complaint module's working-day deadlines (DOMAIN §9), computed from the legal-durations table and
registered with `core.deadlines`, so they are recomputed when a year's official holiday schedule is entered.

Each compute function reads only the row: the start date of its period plus the working days the period was
suspended (testing, recusal) or extended, which push the end by as many working days.
"""

from __future__ import annotations

from django.urls import reverse

from qcity.core import deadlines, workdays
from qcity.core.deadlines import Deadline

from .choices import ComplaintKind
from .models import Complaint


def _plus(base: Deadline, extra_working_days: int) -> Deadline:
    if not extra_working_days:
        return base
    end = workdays.add_working_days(base.on, extra_working_days)
    year = workdays.provisional_year(base.on, end)
    return Deadline(end, base.provisional_year or year)


def settlement_deadline(c: Complaint) -> Deadline | None:
    """The enterprise's direct-settlement window (ODR) from the day the complaint was sent to it."""
    return deadlines.deadline("complaint-direct-settlement", c.settlement_started_on) if c.settlement_started_on else None


def acceptance_deadline(c: Complaint) -> Deadline | None:
    """A complaint: the decision to accept or decline (7 working days). A report: the case-opening check
    (15 working days, +15 when extended). Counted from `acceptance_clock_from` (receipt, the end of direct
    settlement, or the transfer to the competent unit)."""
    if c.acceptance_clock_from is None:
        return None
    if c.kind == ComplaintKind.REPORT_TIP:
        base = deadlines.deadline("report-tip-case-opening-check", c.acceptance_clock_from)
        if c.tip_check_extended:
            extra = deadlines.legal_duration_in_force("report-tip-case-opening-extension", c.acceptance_clock_from)
            base = _plus(base, extra.value)
        return base
    return deadlines.deadline("complaint-acceptance-decision", c.acceptance_clock_from)


def mediation_deadline(c: Complaint) -> Deadline | None:
    """45 working days from acceptance, plus the working days suspended (testing, recusal) and extended."""
    if c.kind != ComplaintKind.COMPLAINT or c.accepted_on is None:
        return None
    base = deadlines.deadline("complaint-mediation-limit", c.accepted_on)
    return _plus(base, c.suspended_working_days + c.extended_working_days)


def clue_verification_deadline(c: Complaint) -> Deadline | None:
    """A violation clue found in mediation: verified within 15 working days (+15 in special cases)."""
    if c.clue_found_on is None:
        return None
    base = deadlines.deadline("mediation-clue-verification", c.clue_found_on)
    if c.clue_extended:
        base = _plus(base, deadlines.legal_duration_in_force("mediation-clue-verification-extension",
                                                             c.clue_found_on).value)
    return base


def reporter_notice_deadline(c: Complaint) -> Deadline | None:
    """A real-name reporter is told within 5 working days of the case-opening decision."""
    if c.kind != ComplaintKind.REPORT_TIP or c.anonymous or c.tip_decided_on is None:
        return None
    return deadlines.deadline("report-tip-case-notice", c.tip_decided_on)


COMPUTE = {
    "settlement_deadline": (settlement_deadline, "settlement_started_on"),
    "acceptance_deadline": (acceptance_deadline, "acceptance_clock_from"),
    "mediation_deadline": (mediation_deadline, "accepted_on"),
    "clue_verification_deadline": (clue_verification_deadline, "clue_found_on"),
    "reporter_notice_deadline": (reporter_notice_deadline, "tip_decided_on"),
}


def refresh(complaint: Complaint) -> list[str]:
    """Recompute every deadline of the row in memory; returns the field names to save."""
    changed = []
    for field, (compute, _start) in COMPUTE.items():
        deadlines.assign(complaint, field, compute(complaint))
        changed += [field, deadlines.provisional_field_name(field)]
    return changed


def register() -> None:
    for field, (compute, start) in COMPUTE.items():
        deadlines.register(Complaint, field, compute=compute, start=start, org_unit="org_unit",
                           url=lambda c: reverse("complaints:complaint-detail", args=[c.pk]),
                           describe=lambda c: c.tracking_number, select_related=("org_unit",))
