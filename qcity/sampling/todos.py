"""What supervision sampling asks of people, for the to-do registry (`qcity.core.todos`).

Officers (in their scope, as `selectors.sample_list`): samples whose test results are to be entered and
concluded (due by the plan's end), results to serve on the enterprise, retests to decide, and follow-ups
whose rectification deadline runs. Enterprise users: their results served on them, with the 15-day retest
window (DOMAIN §6) counting down, while a failure is open to objection or the message is unread.

Each source answers `items` with one query, `count` with one COUNT and `reminders` in bulk (a handful of
queries for the whole city, never one per user).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qcity.core import access, todos
from qcity.core.choices import Role
from qcity.core.models import Notification, User
from qcity.core.roles import MARKET_OFFICERS
from qcity.core.todos import Reminder, TodoItem, TodoSource

from . import selectors
from .choices import FollowupStatus, SampleStatus, SamplingConclusion
from .models import Followup, Sample

OPEN_FOLLOWUP = (FollowupStatus.ORDERED, FollowupStatus.REPORTED, FollowupStatus.REINSPECTION_FAILED)


def _url(sample_id: int) -> str:
    return reverse("sampling:sample-detail", args=[sample_id])


def _first(queryset: QuerySet[Sample], order: tuple[str, ...], fields: tuple[str, ...], limit: int) -> list[tuple]:
    """The first `limit` samples in `order`, as `fields`, in one query: the order is worked out on the
    samples alone (a subquery), and only those few are joined to the enterprise register for their names —
    the office's queue has a thousand samples, the register 1.5 million enterprises."""
    first = queryset.order_by(*order).values("pk")[:limit]
    return list(Sample.objects.filter(pk__in=first).order_by(*order).values_list(*fields))


def _officer_samples(user: User) -> QuerySet[Sample]:
    return selectors.sample_list(user=user) if user.is_authenticated else Sample.objects.none()


# --- samples to conclude ---------------------------------------------------------------------------------


def _to_conclude(user: User) -> QuerySet[Sample]:
    return _officer_samples(user).filter(status=SampleStatus.SAMPLED)


def _conclude_item(sample_id: int, number: str, product: str, enterprise: str, due: date) -> TodoItem:
    return TodoItem(title=_("录入检验结果：%(product)s（%(number)s）") % {"product": product, "number": number},
                    url=_url(sample_id), due_on=due, detail=enterprise)


def samples_to_conclude(user: User, today: date, limit: int) -> list[TodoItem]:
    rows = _first(_to_conclude(user), ("plan__period_end", "sampling_date", "pk"),
                  ("pk", "number", "product_name", "enterprise__name", "plan__period_end"), limit)
    return [_conclude_item(*row) for row in rows]


def _status_counts(user: User) -> dict[str, int]:
    """The officer's samples to conclude, serve and retest, counted by status in one query (shared by the
    three sources in a pass of the registry)."""
    def compute() -> dict[str, int]:
        if not user.is_authenticated:
            return {}
        statuses = (SampleStatus.SAMPLED, SampleStatus.CONCLUDED, SampleStatus.RETESTING)
        return dict(_officer_samples(user).filter(status__in=statuses).order_by().values_list("status")
                    .annotate(n=Count("pk")))

    return todos.shared(user, "sampling.status-counts", compute)


def samples_to_conclude_count(user: User, today: date) -> int:
    return _status_counts(user).get(SampleStatus.SAMPLED, 0)


def samples_to_conclude_reminders(today: date) -> Iterator[Reminder]:
    """To the samplers of each sample not concluded when its plan ends (3 working days ahead, just passed)."""
    rows = (Sample.samplers.through.objects
            .filter(todos.reminder_condition("sample__plan__period_end", today), sample__status=SampleStatus.SAMPLED)
            .values_list("user_id", "sample_id", "sample__number", "sample__product_name",
                         "sample__enterprise__name", "sample__plan__period_end"))
    for user_id, sample_id, number, product, enterprise, due in rows:
        yield Reminder(user_id=user_id, item=_conclude_item(sample_id, number, product, enterprise, due),
                       key=f"sample:{sample_id}:conclude-by:{due.isoformat()}")


# --- results to serve, retests to decide -----------------------------------------------------------------


def _to_serve(user: User) -> QuerySet[Sample]:
    return _officer_samples(user).filter(status=SampleStatus.CONCLUDED)


def samples_to_serve(user: User, today: date, limit: int) -> list[TodoItem]:
    """No legal deadline: the oldest conclusion first."""
    rows = _first(_to_serve(user), ("concluded_on", "pk"),
                  ("pk", "number", "product_name", "enterprise__name", "conclusion"), limit)
    return [TodoItem(title=_("送达检验结论：%(product)s（%(number)s）") % {"product": product, "number": number},
                     url=_url(pk), detail=f"{enterprise} · {SamplingConclusion(conclusion).label}")
            for pk, number, product, enterprise, conclusion in rows]


def samples_to_serve_count(user: User, today: date) -> int:
    return _status_counts(user).get(SampleStatus.CONCLUDED, 0)


def _retesting(user: User) -> QuerySet[Sample]:
    return _officer_samples(user).filter(status=SampleStatus.RETESTING)


def retests_to_decide(user: User, today: date, limit: int) -> list[TodoItem]:
    """No legal deadline: the oldest application first."""
    rows = _first(_retesting(user), ("objection__applied_on", "pk"),
                  ("pk", "number", "product_name", "enterprise__name", "objection__applied_on"), limit)
    return [TodoItem(title=_("登记复检结果：%(product)s（%(number)s）") % {"product": product, "number": number},
                     url=_url(pk), detail=_("%(enterprise)s %(applied_on)s 申请复检") % {
                         "enterprise": enterprise, "applied_on": applied_on})
            for pk, number, product, enterprise, applied_on in rows]


def retests_to_decide_count(user: User, today: date) -> int:
    return _status_counts(user).get(SampleStatus.RETESTING, 0)


# --- follow-ups ------------------------------------------------------------------------------------------


def _followups(user: User) -> QuerySet[Followup]:
    if not user.is_authenticated:
        return Followup.objects.none()
    # the officer's scope of `selectors.sample_list`, on the sample's unit through the join (a city-wide
    # officer then reads the open follow-ups on their status index, not every sample)
    return access.scope_filter(Followup.objects.filter(status__in=OPEN_FOLLOWUP), user=user, roles=MARKET_OFFICERS,
                               field="sample__org_unit")


def _followup_item(sample_id: int, number: str, product: str, enterprise: str, status: str,
                   due: date) -> TodoItem:
    return TodoItem(title=_("不合格后处理：%(product)s（%(number)s）") % {"product": product, "number": number},
                    url=_url(sample_id), due_on=due,
                    detail=f"{enterprise} · {FollowupStatus(status).label}")


def followups_due(user: User, today: date, limit: int) -> list[TodoItem]:
    rows = (_followups(user).order_by("rectification_deadline", "pk")
            .values_list("sample_id", "sample__number", "sample__product_name", "sample__enterprise__name",
                         "status", "rectification_deadline")[:limit])
    return [_followup_item(*row) for row in rows]


def followups_due_count(user: User, today: date) -> int:
    return _followups(user).count()


def followups_due_reminders(today: date) -> Iterator[Reminder]:
    """Rectification ordered, no report yet: the district officers of the enterprise's unit."""
    rows = list(Followup.objects.filter(todos.reminder_condition("rectification_deadline", today),
                                        status=FollowupStatus.ORDERED)
                .values_list("sample_id", "sample__number", "sample__product_name", "sample__enterprise__name",
                             "status", "rectification_deadline", "sample__org_unit__path"))
    officers = todos.district_officers(row[-1] for row in rows)
    for *fields, path in rows:
        item = _followup_item(*fields)
        for user_id in officers.get(path, []):
            yield Reminder(user_id=user_id, item=item,
                           key=f"sample:{fields[0]}:rectify-by:{item.due_on.isoformat()}")


# --- enterprises: results served on them ------------------------------------------------------------------


def _served_on_me(user: User, today: date) -> QuerySet[Sample]:
    if not user.is_authenticated or not user.enterprise_id:
        return Sample.objects.none()
    unread = Notification.objects.filter(
        recipient_id=user.pk, read_at__isnull=True,
        key=Concat(Value("sample:"), Cast(OuterRef("pk"), CharField()), Value(":served")))
    return Sample.objects.filter(
        Q(enterprise_id=user.enterprise_id) | Q(manufacturer_id=user.enterprise_id),
        status=SampleStatus.SERVED, retest_deadline__gte=today,
    ).filter(Q(conclusion=SamplingConclusion.FAIL) | Exists(unread))


def _served_item(sample_id: int, number: str, product: str, conclusion: str, due: date,
                 provisional_year: int | None) -> TodoItem:
    if conclusion == SamplingConclusion.FAIL:
        title = _("抽检不合格结果已送达，可在期限内申请复检：%(product)s（%(number)s）")
    else:
        title = _("抽检结果已送达，请查阅：%(product)s（%(number)s）")
    return TodoItem(title=title % {"product": product, "number": number}, url=_url(sample_id), due_on=due,
                    detail=_("检验结论：%(conclusion)s") % {"conclusion": SamplingConclusion(conclusion).label},
                    provisional=provisional_year is not None)


_SERVED_FIELDS = ("pk", "number", "product_name", "conclusion", "retest_deadline", "retest_deadline_provisional_year")


def results_served(user: User, today: date, limit: int) -> list[TodoItem]:
    rows = _served_on_me(user, today).order_by("retest_deadline", "pk").values_list(*_SERVED_FIELDS)[:limit]
    return [_served_item(*row) for row in rows]


def results_served_count(user: User, today: date) -> int:
    return _served_on_me(user, today).count()


def results_served_reminders(today: date) -> Iterator[Reminder]:
    """A failure's retest window closing in 3 working days: every account of the enterprise (and of the named
    manufacturer). A window already closed is no longer anyone's to-do."""
    ahead = todos.reminder_days(today)[0]
    samples = list(Sample.objects.filter(status=SampleStatus.SERVED, conclusion=SamplingConclusion.FAIL,
                                         retest_deadline=ahead)
                   .values_list(*_SERVED_FIELDS, "enterprise_id", "manufacturer_id"))
    firms = {e for row in samples for e in row[-2:] if e}
    users: dict[int, list[int]] = {}
    for user_id, enterprise_id in (User.objects.filter(
            is_active=True, enterprise_id__in=firms, role_assignments__role=Role.ENTERPRISE_USER)
            .values_list("pk", "enterprise_id").distinct()):
        users.setdefault(enterprise_id, []).append(user_id)
    for *fields, enterprise_id, manufacturer_id in samples:
        item = _served_item(*fields)
        for user_id in sorted(set(users.get(enterprise_id, []) + users.get(manufacturer_id, []))):
            yield Reminder(user_id=user_id, item=item,
                           key=f"sample:{fields[0]}:retest-window:{item.due_on.isoformat()}")


def register() -> None:
    menu = "sampling:sample-list"
    todos.register(TodoSource(
        key="sampling.samples-to-conclude", label=gettext_lazy("待录入检验结果的样品"), roles=MARKET_OFFICERS,
        items=samples_to_conclude, count=samples_to_conclude_count, menu=menu, list_url=menu,
        reminders=samples_to_conclude_reminders, order=40))
    todos.register(TodoSource(
        key="sampling.samples-to-serve", label=gettext_lazy("待送达的检验结论"), roles=MARKET_OFFICERS,
        items=samples_to_serve, count=samples_to_serve_count, menu=menu, list_url=menu, order=41))
    todos.register(TodoSource(
        key="sampling.retests-to-decide", label=gettext_lazy("待登记结果的复检"), roles=MARKET_OFFICERS,
        items=retests_to_decide, count=retests_to_decide_count, menu=menu, list_url=menu, order=42))
    todos.register(TodoSource(
        key="sampling.followups-due", label=gettext_lazy("进行中的不合格后处理"), roles=MARKET_OFFICERS,
        items=followups_due, count=followups_due_count, menu=menu,
        list_url="sampling:followup-list", reminders=followups_due_reminders, order=43))
    todos.register(TodoSource(
        key="sampling.results-served", label=gettext_lazy("已送达的抽检结果"),
        roles=frozenset({Role.ENTERPRISE_USER}), items=results_served, count=results_served_count, menu=menu,
        list_url=menu, reminders=results_served_reminders, order=44))
