"""What complaints and reports ask of people, for the to-do registry (`qcity.core.todos`).

Complaint handlers, and the district officers and the office over them (in their scope, as
`selectors.complaint_list`): complaints and reports to decide on (the 7-working-day acceptance decision,
the report's case-opening check), complaints in mediation (45 working days), violation clues to verify,
real-name reporters to tell of the case-opening decision, the city's triage queue (city-level holders only:
its rows have no unit yet) and reporters to phone about their paid reward. The office: rewards to decide.
Enterprise users: complaints sent to them for direct settlement, with their 10-working-day window.

Each source answers `items` with one query and `count` with one COUNT (on the status and deadline indexes);
`reminders` are in bulk: the deadline 3 working days ahead and just passed, to the assigned handler, else to
every complaint handler over the unit. The same duties are what the daily overdue scan escalates
(services/escalation.py), so the to-do list and the escalation never disagree on what is overdue.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qcity.core import access, todos
from qcity.core.choices import Role
from qcity.core.models import RoleAssignment, User
from qcity.core.roles import COMPLAINT_HANDLERS, OFFICE
from qcity.core.todos import Reminder, TodoItem, TodoSource

from .choices import (
    ACCEPTANCE_OPEN,
    MEDIATION_OPEN,
    ComplaintKind,
    ComplaintStatus,
    ReporterChannel,
    RewardStatus,
)
from .models import Complaint, Reward


@dataclass(frozen=True)
class Duty:
    """One deadline a complaint can be waiting on: which rows, which field, what the item says."""

    key: str
    field: str
    condition: Q
    title: str  # gettext_lazy, with %(number)s and %(subject)s


DUTIES = {
    "acceptance": Duty("acceptance", "acceptance_deadline", Q(status__in=ACCEPTANCE_OPEN, org_unit__isnull=False),
                       gettext_lazy("作出受理（立案核查）决定：%(number)s %(subject)s")),
    "mediation": Duty("mediation", "mediation_deadline",
                      Q(status__in=MEDIATION_OPEN, kind=ComplaintKind.COMPLAINT, suspended_since__isnull=True),
                      gettext_lazy("调解或终止调解：%(number)s %(subject)s")),
    "clue": Duty("clue", "clue_verification_deadline",
                 Q(clue_found_on__isnull=False, clue_verified_on__isnull=True),
                 gettext_lazy("核查违法线索：%(number)s %(subject)s")),
    "reporter-notice": Duty("reporter-notice", "reporter_notice_deadline",
                            Q(kind=ComplaintKind.REPORT_TIP, anonymous=False, tip_decided_on__isnull=False,
                              reporter_notified_on__isnull=True) & ~Q(reporter_channel=ReporterChannel.NONE),
                            gettext_lazy("告知举报人立案结果：%(number)s %(subject)s")),
}
# The duties the overdue scan escalates (services/escalation.py): all of the above.
ESCALATED_DUTIES = tuple(DUTIES.values())

_FIELDS = ("pk", "tracking_number", "subject", "respondent_name")


def _url(pk: int) -> str:
    return reverse("complaints:complaint-detail", args=[pk])


def _item(title, pk: int, number: str, subject: str, respondent: str, due: date | None,
          provisional_year: int | None) -> TodoItem:
    return TodoItem(title=str(title) % {"number": number, "subject": subject}, url=_url(pk), due_on=due,
                    detail=respondent, provisional=provisional_year is not None)


def _handled(user: User) -> QuerySet[Complaint]:
    if not user.is_authenticated:
        return Complaint.objects.none()
    # the handlers' scope of `selectors.complaint_list`, without the list's joins and annotations
    return access.scope_filter(Complaint.objects.all(), user=user, roles=COMPLAINT_HANDLERS)


def _duty_rows(duty: Duty, queryset: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return queryset.filter(duty.condition, **{f"{duty.field}__isnull": False})


def _duty_source(duty: Duty):
    provisional = f"{duty.field}_provisional_year"

    def items(user: User, today: date, limit: int) -> list[TodoItem]:
        rows = (_duty_rows(duty, _handled(user)).order_by(duty.field, "pk")
                .values_list(*_FIELDS, duty.field, provisional)[:limit])
        return [_item(duty.title, *row) for row in rows]

    def count(user: User, today: date) -> int:
        return _duty_rows(duty, _handled(user)).count()

    def reminders(today: date) -> Iterator[Reminder]:
        rows = list(_duty_rows(duty, Complaint.objects.filter(todos.reminder_condition(duty.field, today)))
                    .values_list(*_FIELDS, duty.field, provisional, "handler_id", "org_unit__path"))
        handlers = unit_handlers(row[-1] for row in rows if row[-2] is None)
        for *fields, handler_id, path in rows:
            item = _item(duty.title, *fields)
            for user_id in [handler_id] if handler_id else handlers.get(path, []):
                yield Reminder(user_id=user_id, item=item,
                               key=f"complaint:{fields[0]}:{duty.key}-by:{item.due_on.isoformat()}")

    return items, count, reminders


def unit_handlers(unit_paths: Iterable[str | None]) -> dict[str, list[int]]:
    """Per org-unit path, the active complaint handlers over it (one query): who is reminded of a deadline of
    a complaint not yet assigned to a handler."""
    paths = {path for path in unit_paths if path}
    if not paths:
        return {}
    by_prefix: dict[str, set[int]] = defaultdict(set)
    for user_id, prefix in (RoleAssignment.objects.filter(role=Role.COMPLAINT_HANDLER, user__is_active=True)
                            .values_list("user_id", "org_unit__path")):
        by_prefix[prefix].add(user_id)
    return {path: sorted({u for prefix, users in by_prefix.items() if path.startswith(prefix) for u in users})
            for path in paths}


# --- the triage queue: complaints no rule could place, for the city-level holders ------------------------


def _triage(user: User) -> QuerySet[Complaint]:
    if not user.is_authenticated or access.org_unit_scope(user, COMPLAINT_HANDLERS) is not None:
        return Complaint.objects.none()
    return _handled(user).filter(status=ComplaintStatus.TRIAGE, org_unit__isnull=True)


def triage_queue(user: User, today: date, limit: int) -> list[TodoItem]:
    rows = (_triage(user).order_by("acceptance_deadline", "received_at", "pk")
            .values_list(*_FIELDS, "acceptance_deadline", "acceptance_deadline_provisional_year")[:limit])
    return [_item(gettext_lazy("分派到承办单位：%(number)s %(subject)s"), *row) for row in rows]


def triage_queue_count(user: User, today: date) -> int:
    return _triage(user).count()


# --- rewards: to decide (the office), reporters to phone (handlers) -------------------------------------


def _rewards_to_decide(user: User) -> QuerySet[Reward]:
    if not user.is_authenticated or not access.has_role(user, *OFFICE):
        return Reward.objects.none()
    return Reward.objects.filter(status=RewardStatus.PROPOSED)


def rewards_to_decide(user: User, today: date, limit: int) -> list[TodoItem]:
    """No legal deadline: the oldest proposal first."""
    rows = (_rewards_to_decide(user).order_by("proposed_on", "pk")
            .values_list("pk", "complaint__tracking_number", "amount", "proposed_on")[:limit])
    return [TodoItem(title=_("审批举报奖励：%(number)s，拟奖励%(amount)s元") % {"number": number, "amount": amount},
                     url=reverse("complaints:reward-detail", args=[pk]),
                     detail=_("%(on)s 提出") % {"on": proposed_on})
            for pk, number, amount, proposed_on in rows]


def rewards_to_decide_count(user: User, today: date) -> int:
    return _rewards_to_decide(user).count()


def _reporters_to_call(user: User) -> QuerySet[Reward]:
    if not user.is_authenticated or not access.has_role(user, *COMPLAINT_HANDLERS):
        return Reward.objects.none()
    return access.scope_filter(
        Reward.objects.filter(status=RewardStatus.PAID, reporter_notified_at__isnull=True,
                              complaint__reporter_channel=ReporterChannel.PHONE),
        user=user, roles=COMPLAINT_HANDLERS, field="complaint__org_unit")


def reporters_to_call(user: User, today: date, limit: int) -> list[TodoItem]:
    rows = (_reporters_to_call(user).order_by("paid_on", "pk")
            .values_list("pk", "complaint__tracking_number", "amount")[:limit])
    return [TodoItem(title=_("电话告知举报人奖励已发放：%(number)s（%(amount)s元）") % {
                "number": number, "amount": amount}, url=reverse("complaints:reward-detail", args=[pk]))
            for pk, number, amount in rows]


def reporters_to_call_count(user: User, today: date) -> int:
    return _reporters_to_call(user).count()


# --- enterprises: complaints waiting for their direct-settlement answer ---------------------------------


def _settlement_open(user: User) -> QuerySet[Complaint]:
    if not user.is_authenticated or not user.enterprise_id or not access.has_role(user, Role.ENTERPRISE_USER):
        return Complaint.objects.none()
    return Complaint.objects.filter(respondent_id=user.enterprise_id, kind=ComplaintKind.COMPLAINT,
                                    status=ComplaintStatus.DIRECT_SETTLEMENT, settlement_answer="",
                                    settlement_deadline__isnull=False)


_SETTLEMENT_TITLE = gettext_lazy("答复在线和解：%(number)s %(subject)s")
_SETTLEMENT_FIELDS = ("pk", "tracking_number", "subject", "product", "settlement_deadline",
                      "settlement_deadline_provisional_year")


def settlements_to_answer(user: User, today: date, limit: int) -> list[TodoItem]:
    rows = _settlement_open(user).order_by("settlement_deadline", "pk").values_list(*_SETTLEMENT_FIELDS)[:limit]
    return [_item(_SETTLEMENT_TITLE, *row) for row in rows]


def settlements_to_answer_count(user: User, today: date) -> int:
    return _settlement_open(user).count()


def settlements_to_answer_reminders(today: date) -> Iterator[Reminder]:
    """The window closing in 3 working days: every account of the enterprise (a passed window lapses to the
    regulator, so it is no longer the enterprise's to-do)."""
    ahead = todos.reminder_days(today)[0]
    rows = list(Complaint.objects.filter(status=ComplaintStatus.DIRECT_SETTLEMENT, settlement_answer="",
                                         kind=ComplaintKind.COMPLAINT, settlement_deadline=ahead)
                .values_list(*_SETTLEMENT_FIELDS, "respondent_id"))
    users: dict[int, list[int]] = defaultdict(list)
    for user_id, enterprise_id in (User.objects.filter(
            is_active=True, enterprise_id__in={row[-1] for row in rows},
            role_assignments__role=Role.ENTERPRISE_USER).values_list("pk", "enterprise_id").distinct()):
        users[enterprise_id].append(user_id)
    for *fields, enterprise_id in rows:
        item = _item(_SETTLEMENT_TITLE, *fields)
        for user_id in users.get(enterprise_id, []):
            yield Reminder(user_id=user_id, item=item,
                           key=f"complaint:{fields[0]}:settle-by:{item.due_on.isoformat()}")


def register() -> None:
    menu = "complaints:complaint-list"
    labels = {
        "acceptance": gettext_lazy("待作出受理决定的投诉举报"),
        "mediation": gettext_lazy("调解中的投诉"),
        "clue": gettext_lazy("待核查的违法线索"),
        "reporter-notice": gettext_lazy("待告知的实名举报人"),
    }
    for order, duty in enumerate(DUTIES.values(), start=70):
        items, count, reminders = _duty_source(duty)
        todos.register(TodoSource(key=f"complaints.{duty.key}", label=labels[duty.key], roles=COMPLAINT_HANDLERS,
                                  items=items, count=count, menu=menu, list_url=menu, reminders=reminders,
                                  order=order))
    todos.register(TodoSource(
        key="complaints.triage-queue", label=gettext_lazy("待分派的投诉举报"), roles=COMPLAINT_HANDLERS,
        items=triage_queue, count=triage_queue_count, menu=menu, list_url=menu, order=74))
    todos.register(TodoSource(
        key="complaints.reporters-to-call", label=gettext_lazy("待电话告知奖励的举报人"), roles=COMPLAINT_HANDLERS,
        items=reporters_to_call, count=reporters_to_call_count, menu="complaints:reward-list",
        list_url="complaints:reward-list", order=75))
    todos.register(TodoSource(
        key="complaints.rewards-to-decide", label=gettext_lazy("待审批的举报奖励"), roles=OFFICE,
        items=rewards_to_decide, count=rewards_to_decide_count, menu="complaints:reward-list",
        list_url="complaints:reward-list", order=76))
    todos.register(TodoSource(
        key="complaints.settlements-to-answer", label=gettext_lazy("待答复的在线和解投诉"),
        roles=frozenset({Role.ENTERPRISE_USER}), items=settlements_to_answer, count=settlements_to_answer_count,
        menu=menu, list_url=menu, reminders=settlements_to_answer_reminders, order=77))
