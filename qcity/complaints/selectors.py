"""Reads of complaints and reports, with the visibility scope applied once for pages and the API.

Who sees what (DOMAIN §9, PIPL):
- complaint handlers, district officers and the office: the complaints of the units they cover (a city-level
  holder also sees the triage queue, whose rows have no unit yet), with the person's data on the detail;
- an enterprise user: the complaints (never the reports) against its own enterprise, with the person masked —
  a reporter's identity is never shown to the respondent;
- everyone else: nothing.
Lists and exports always show the person masked; only the detail shows it in full, to the handling scope.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import re

from django.core.cache import cache
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    F,
    PositiveSmallIntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from qcity.core import access
from qcity.core.choices import Role
from qcity.core.masking import mask_id_number, mask_person_name, mask_phone, mask_text
from qcity.core.models import User
from qcity.core.roles import COMPLAINT_HANDLERS, OFFICE

from . import rewards
from .choices import (
    FINISHED_STATUSES,
    ComplaintKind,
    ComplaintStatus,
    ReporterChannel,
    RewardStatus,
    SuspensionReason,
)
from .models import (
    Complaint,
    ComplaintAttachment,
    ComplaintCategory,
    ComplaintEvent,
    DirectSettlementMembership,
    GazetteerEntry,
    ProblemType,
    Reward,
    RewardRule,
)
from .todos import DUTIES


def is_handler(user: User | None) -> bool:
    return user is None or access.has_role(user, *COMPLAINT_HANDLERS)


def _scope(user: User | None) -> Q | None:
    if user is None:
        return None
    if access.has_role(user, *COMPLAINT_HANDLERS):
        return access.scope_condition(user=user, roles=COMPLAINT_HANDLERS)
    if access.has_role(user, Role.ENTERPRISE_USER) and user.enterprise_id:
        return Q(respondent_id=user.enterprise_id, kind=ComplaintKind.COMPLAINT)
    return Q(pk__in=[])


# The deadline a complaint is working against now (its "current deadline", shown in the lists and behind the
# overdue filter): the duties of the to-do list and the overdue scan (`todos.DUTIES`, one definition), an open
# clue verification or reporter notice first (the shorter, running beside the rest), then the enterprise's
# direct-settlement window, the acceptance decision (a report: the case-opening check), the mediation limit.
CURRENT_DEADLINES = (
    (DUTIES["clue"].field, DUTIES["clue"].condition),
    (DUTIES["reporter-notice"].field, DUTIES["reporter-notice"].condition),
    ("settlement_deadline", Q(status=ComplaintStatus.DIRECT_SETTLEMENT, settlement_answer="")),
    (DUTIES["acceptance"].field, DUTIES["acceptance"].condition),
    (DUTIES["mediation"].field, DUTIES["mediation"].condition),
)


def _current(then, output_field) -> Case:
    return Case(*[When(condition & Q(**{f"{field}__isnull": False}), then=then(field))
                  for field, condition in CURRENT_DEADLINES], default=None, output_field=output_field)


def current_deadline_annotations() -> dict:
    """`current_deadline`, its `current_deadline_provisional_year` (so `{% deadline %}` and `export_mark`
    read it like a stored deadline) and `current_deadline_field` (which one it is), computed in SQL."""
    return {"current_deadline": _current(F, DateField()),
            "current_deadline_provisional_year": _current(lambda f: F(f"{f}_provisional_year"),
                                                          PositiveSmallIntegerField()),
            "current_deadline_field": _current(Value, CharField())}


def overdue_condition(today: datetime.date) -> Q:
    """Past its current deadline (on a queryset from `complaint_list`, which carries the annotation)."""
    return Q(current_deadline__lt=today)


def complaint_list(*, user: User | None) -> QuerySet[Complaint]:
    """Complaints and reports the user may see, newest first, with what a list row shows (its current
    deadline included)."""
    queryset = (Complaint.objects.select_related("org_unit", "respondent", "category", "problem_type", "handler")
                .annotate(**current_deadline_annotations()))
    scope = _scope(user)
    return queryset if scope is None else queryset.filter(scope)


def complaint_get(*, user: User | None, pk: int) -> Complaint:
    return get_object_or_404(complaint_list(user=user).select_related("escalation"), pk=pk)


def complaint_event_list(*, user: User | None, complaint: Complaint | None = None) -> QuerySet[ComplaintEvent]:
    """The history of the complaints the user may see, oldest first; outside the handling scope (an
    enterprise user) only the steps shown to the complainant too (`public`)."""
    queryset = ComplaintEvent.objects.select_related("by", "from_unit", "to_unit").filter(
        complaint__in=complaint_list(user=user).values("pk"))
    if complaint is not None:
        queryset = queryset.filter(complaint=complaint)
    if not is_handler(user):
        queryset = queryset.filter(public=True)
    return queryset


def complaint_attachment_get(*, user: User | None, pk: int) -> ComplaintAttachment:
    """Evidence is personal data: the handling scope only (never the respondent)."""
    if not is_handler(user):
        raise Http404
    return get_object_or_404(ComplaintAttachment.objects.select_related("complaint"), pk=pk,
                             complaint__in=complaint_list(user=user).values("pk"))


def triage_visible(user: User | None) -> bool:
    """The city-level triage queue (complaints no unit was found for) is the city-level holders' work."""
    return user is None or (access.has_role(user, *COMPLAINT_HANDLERS)
                            and access.org_unit_scope(user, COMPLAINT_HANDLERS) is None)


def personal_data_visible(*, user: User | None, complaint: Complaint) -> bool:
    """The person's name, phone, ID number and address: the handling officer and above only (the triage
    queue, which has no unit yet, to the city-level holders)."""
    if user is None:
        return True
    if not access.has_role(user, *COMPLAINT_HANDLERS):
        return False
    if complaint.org_unit_id is None:
        return access.org_unit_scope(user, COMPLAINT_HANDLERS) is None
    return access.covers(user, complaint.org_unit, COMPLAINT_HANDLERS)


def person_shown(*, user: User | None, complaint: Complaint) -> dict[str, str]:
    """The person as this user may see it: in full for the handling scope, masked for everyone else (an
    anonymous report shows no person at all)."""
    if complaint.anonymous:
        return {"name": "", "phone": "", "id_number": "", "address": ""}
    if personal_data_visible(user=user, complaint=complaint):
        return {"name": complaint.person_name, "phone": complaint.person_phone,
                "id_number": complaint.person_id_number, "address": complaint.person_address}
    return person_masked(complaint)


def person_masked(complaint: Complaint) -> dict[str, str]:
    """What lists, exports, other roles and messages show of the person."""
    if complaint.anonymous:
        return {"name": "", "phone": "", "id_number": "", "address": ""}
    return {"name": mask_person_name(complaint.person_name), "phone": mask_phone(complaint.person_phone),
            "id_number": mask_id_number(complaint.person_id_number),
            "address": ""}


# --- the public's tracking lookup ----------------------------------------------------------------------
# Failed lookups allowed per hour, per client address and per tracking number: the four digits are all that
# protects a number, so a script trying digits (or numbers) stops long before it could find one.
TRACK_WINDOW_SECONDS = 3600
TRACK_FAILURES_PER_ADDRESS = 20
TRACK_FAILURES_PER_NUMBER = 5
TRACKING_NUMBER_PATTERN = re.compile(r"^TS\d{16}$")


class TrackingThrottled(Exception):
    """Too many failed lookups: the page answers 429 and says when to try again."""

    def __init__(self, wait_seconds: int):
        super().__init__(wait_seconds)
        self.wait_seconds = wait_seconds


def _track_windows(tracking_number: str, client_ip: str | None) -> list[tuple[str, int]]:
    number_key = hashlib.sha256(tracking_number.encode()).hexdigest()[:32]
    windows = [(f"qcity:complaint-track:number:{number_key}", TRACK_FAILURES_PER_NUMBER)]
    if client_ip:
        windows.append((f"qcity:complaint-track:address:{client_ip}", TRACK_FAILURES_PER_ADDRESS))
    return windows


def _track_failure_count(key: str, now: float) -> None:
    cache.add(key, {"since": now, "count": 0}, timeout=TRACK_WINDOW_SECONDS)
    window = cache.get(key) or {"since": now, "count": 0}
    window["count"] += 1
    cache.set(key, window, timeout=max(1, math.ceil(window["since"] + TRACK_WINDOW_SECONDS - now)))


def complaint_track(*, tracking_number: str, phone_last4: str, client_ip: str | None = None) -> Complaint | None:
    """The complaint with this tracking number when `phone_last4` are the last four digits of the phone it
    was filed with; None otherwise — a wrong number and wrong digits get the same answer, so the lookup
    tells nobody which numbers exist. An anonymous report filed without a phone cannot be looked up.

    Failed lookups are counted (a fixed one-hour window in the shared cache) per number and per client
    address; over the limit every lookup is refused with TrackingThrottled, the right digits too."""
    tracking_number = (tracking_number or "").strip().upper()[:40]
    phone_last4 = (phone_last4 or "").strip()
    now = timezone.now().timestamp()
    windows = _track_windows(tracking_number, client_ip)
    for key, limit in windows:
        window = cache.get(key)
        if window and window["count"] >= limit:
            raise TrackingThrottled(max(1, math.ceil(window["since"] + TRACK_WINDOW_SECONDS - now)))
    complaint = None
    if TRACKING_NUMBER_PATTERN.match(tracking_number) and re.fullmatch(r"\d{4}", phone_last4):
        complaint = Complaint.objects.select_related("org_unit").filter(tracking_number=tracking_number).first()
    if complaint is None or not complaint.phone_last4 or not constant_time_compare(complaint.phone_last4,
                                                                                   phone_last4):
        for key, _limit in windows:
            _track_failure_count(key, now)
        return None
    return complaint


def complaint_public_event_list(complaint: Complaint) -> QuerySet[ComplaintEvent]:
    """The history shown to the complainant: the public steps, without who did them."""
    return complaint.events.filter(public=True).only("kind", "at", "note", "complaint_id").order_by("at", "id")


def complaint_available_steps(*, complaint: Complaint, user: User | None) -> list[str]:
    """The handling steps `user` may take on `complaint` now, in the order the page offers them; each name is
    the step's URL (`complaints:complaint-<step>`) and form prefix. The services re-check their own rules."""
    if user is not None and not access.covers(user, complaint.org_unit, COMPLAINT_HANDLERS):
        return []
    if complaint.org_unit_id is None:
        return []
    status = complaint.status
    open_clue = complaint.clue_found_on is not None and complaint.clue_verified_on is None
    if complaint.kind == ComplaintKind.COMPLAINT:
        mediation_open = status in (ComplaintStatus.ACCEPTED, ComplaintStatus.MEDIATING)
        suspended = complaint.suspended_since is not None
        recusal_pending = complaint.suspension_reason == SuspensionReason.RECUSAL
        steps = {
            "accept": status == ComplaintStatus.RECEIVED,
            "decline": status == ComplaintStatus.RECEIVED,
            "mediation-start": status == ComplaintStatus.ACCEPTED and not suspended,
            "recusal": status == ComplaintStatus.MEDIATING and (not suspended or recusal_pending),
            "suspend": mediation_open and not suspended,
            "resume": suspended and not recusal_pending,
            "extend": mediation_open,
            "clue-record": mediation_open and complaint.clue_found_on is None,
            "clue-extend": open_clue and not complaint.clue_extended,
            "clue-verify": open_clue,
            "close": mediation_open and not suspended,
            "terminate": mediation_open and not suspended,
        }
    else:
        steps = {
            "verify-start": status == ComplaintStatus.RECEIVED,
            "check-extend": status in (ComplaintStatus.RECEIVED, ComplaintStatus.VERIFYING)
            and not complaint.tip_check_extended,
            "decide": status == ComplaintStatus.VERIFYING,
            "reporter-notify": complaint.tip_decided_on is not None and not complaint.anonymous
            and complaint.reporter_notified_on is None,
            "report-close": status == ComplaintStatus.CASE_OPENED,
        }
    steps["assign"] = status not in FINISHED_STATUSES
    return [step for step, allowed in steps.items() if allowed]


# --- rewards for reports (有奖举报) ------------------------------------------------------------------------


def reward_list(*, user: User | None) -> QuerySet[Reward]:
    """Rewards of the reports in the handlers' scope (the office: all); never the enterprise users'."""
    queryset = Reward.objects.select_related("complaint", "complaint__org_unit", "proposed_by", "decided_by")
    return access.scope_filter(queryset, user=user, roles=COMPLAINT_HANDLERS, field="complaint__org_unit")


def reward_get(*, user: User | None, pk: int) -> Reward:
    return get_object_or_404(reward_list(user=user), pk=pk)


def reward_rule_list() -> QuerySet[RewardRule]:
    """The reward table (reference data: every handler may read it, the office edits it)."""
    return RewardRule.objects.all()


def reward_proposable(*, complaint: Complaint, user: User | None) -> bool:
    """Whether the user may propose a reward for this report now (the detail page's reward panel)."""
    return (rewards.reward_eligible(complaint) and not Reward.objects.filter(complaint=complaint).exists()
            and (user is None or access.covers(user, complaint.org_unit, COMPLAINT_HANDLERS)))


def reward_available_steps(*, reward: Reward, user: User | None) -> set[str]:
    """The steps open on a reward for this user: decide and pay (the office), the phoned reporter (handlers
    in scope, once paid)."""
    office = user is None or access.has_role(user, *OFFICE)
    steps = set()
    if office and reward.status == RewardStatus.PROPOSED:
        steps.add("decide")
    if office and reward.status == RewardStatus.APPROVED:
        steps.add("pay")
    if (reward.status == RewardStatus.PAID and reward.reporter_notified_at is None
            and reward.complaint.reporter_channel == ReporterChannel.PHONE
            and (user is None or access.covers(user, reward.complaint.org_unit, COMPLAINT_HANDLERS))):
        steps.add("reporter-notified")
    return steps


# --- routing and direct settlement ---------------------------------------------------------------------------


def settlement_complaint_list(*, user: User | None) -> QuerySet[Complaint]:
    """The complaints sent to the user's enterprise for direct settlement, those still open first (the
    selector's scope already keeps an enterprise user to its own complaints, never the reports)."""
    return (complaint_list(user=user).filter(kind=ComplaintKind.COMPLAINT, settlement_started_on__isnull=False)
            .order_by("settlement_answered_at", "-settlement_started_on", "-id"))


def direct_settlement_membership_list(*, user: User | None) -> QuerySet[DirectSettlementMembership]:
    """The enterprises that have joined (or left) direct settlement, in the officer's units."""
    queryset = DirectSettlementMembership.objects.select_related("enterprise", "enterprise__org_unit", "by")
    return access.scope_filter(queryset, user=user, roles=COMPLAINT_HANDLERS,
                               field="enterprise__org_unit").order_by("left_on", "-joined_on", "id")


def direct_settlement_membership_get(enterprise_id: int | None) -> DirectSettlementMembership | None:
    return DirectSettlementMembership.objects.filter(enterprise_id=enterprise_id).first() if enterprise_id else None


def gazetteer_entry_list() -> QuerySet[GazetteerEntry]:
    """Reference data: the whole gazetteer (the pages are the city level's)."""
    return GazetteerEntry.objects.select_related("org_unit").order_by("org_unit__path", "kind", "name")


def complaint_category_list() -> QuerySet[ComplaintCategory]:
    """Reference data, each row with the number of complaints filed under it (a used row is switched off,
    not deleted)."""
    return ComplaintCategory.objects.annotate(complaint_count=Count("complaints")).order_by("group", "sort_order",
                                                                                           "id")


def problem_type_list() -> QuerySet[ProblemType]:
    return ProblemType.objects.annotate(complaint_count=Count("complaints")).order_by("sort_order", "id")


def classification_initial(complaint: Complaint) -> dict:
    """What the classify form preselects: the confirmed classification, else the suggestion stored at intake."""
    if complaint.classification_confirmed:
        return {"category": complaint.category_id, "problem_type": complaint.problem_type_id}
    return {"category": complaint.suggested_category_id, "problem_type": complaint.suggested_problem_type_id}


# What only the handling scope reads: the officers' notes and the steps of an investigation (a violation clue,
# a report's case), which would tell the respondent more than the complaint's own course.
INTERNAL_FIELDS = ("source_ref", "routing_note", "decision_note", "extension_reason", "clue_found_on",
                   "clue_verified_on", "clue_verification_deadline", "clue_verification_deadline_provisional",
                   "tip_decision", "tip_decided_on", "case_number", "reporter_notice_deadline",
                   "reporter_notice_deadline_provisional", "reporter_notified_on", "reporter_channel", "escalated_at",
                   "substantiated")
INTERNAL_DEADLINES = ("clue_verification_deadline", "reporter_notice_deadline")


def text_shown(*, user: User | None, complaint: Complaint, text: str) -> str:
    """The complainant's free text as this user may read it: as typed for the handling scope, with any name,
    phone or ID number masked for everyone else (the respondent reads the facts to settle)."""
    if not text or personal_data_visible(user=user, complaint=complaint):
        return text
    return mask_text(text, known_names=[complaint.person_name] if complaint.person_name else [])
