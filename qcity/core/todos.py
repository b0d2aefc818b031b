"""The to-do registry: each module says what is due for whom; the home page, the menu and the daily
reminder job ask here.

A module registers its sources in its AppConfig.ready(), so complaints, trace, risk and awards plug in
later without touching core:

    from qcity.core import todos
    todos.register(todos.TodoSource(
        key="indicators.values-to-report", label=_("待填报的指标"), roles=frozenset({Role.DEPARTMENT_REPORTER}),
        items=values_to_report, count=values_to_report_count, menu="indicators:value-list",
        reminders=value_reminders))

`items(user, today, limit)` returns at most `limit` items, the nearest deadline first (undated items last);
`count(user, today)` the number of all of them; both apply the user's scope (the module's selectors do).
`reminders(today)` (optional) yields, in bulk, each (user, item) whose deadline is 3 working days ahead or
passed since the last working day (`reminder_days`, `reminder_condition`), for the daily notification job —
one query per source, not one per user; `district_officers` says who covers each unit.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from . import access, workdays
from .choices import Role
from .models import RoleAssignment, User


@dataclass(frozen=True)
class TodoItem:
    """One thing a user has to do: what, where to do it, by when."""

    title: str
    url: str
    due_on: date | None = None
    detail: str = ""  # e.g. the reason a value was returned
    provisional: bool = False  # the deadline was counted on a provisional calendar (暂定)


@dataclass(frozen=True)
class Reminder:
    """A deadline reminder for the daily job: `key` names the object and its deadline, so a reminder is
    sent once however often the job runs."""

    user_id: int
    item: TodoItem
    key: str


@dataclass(frozen=True)
class TodoSource:
    key: str
    label: str
    roles: frozenset[str]
    items: Callable[[User, date, int], list[TodoItem]]
    count: Callable[[User, date], int]
    menu: str = ""  # url name of the menu entry whose badge adds this count
    list_url: str = ""  # url name of the page listing all of them
    reminders: Callable[[date], Iterable[Reminder]] | None = None
    order: int = 100


class TodoEntry(NamedTuple):
    """An item with its countdown in working days (negative: overdue), unpacked as (item, days)."""

    item: TodoItem
    days: int | None

    @property
    def days_overdue(self) -> int:
        return -self.days if self.days is not None and self.days < 0 else 0

    @property
    def urgency(self) -> str:
        """How urgent: overdue (red), soon (amber: due today or within 3 working days), later, or "" undated."""
        if self.days is None:
            return ""
        if self.days < 0:
            return "overdue"
        return "soon" if self.days <= SOON_WORKING_DAYS else "later"


# Within this many working days a deadline is shown amber: the reminder goes out 3 working days ahead.
SOON_WORKING_DAYS = 3


@dataclass
class TodoGroup:
    source: TodoSource
    count: int
    items: list[TodoEntry] = field(default_factory=list)  # nearest deadline first

    @property
    def dom_id(self) -> str:
        """The group's id on the home page: "todo-" and the key, dots and other punctuation as hyphens."""
        return "todo-" + re.sub(r"[^A-Za-z0-9_-]+", "-", self.source.key)

    @property
    def list_href(self) -> str:
        """The page listing all of them: the source's list page, else its menu entry."""
        name = self.source.list_url or self.source.menu
        return reverse(name) if name else ""


_sources: dict[str, TodoSource] = {}


def register(source: TodoSource) -> None:
    _sources[source.key] = source


def unregister(key: str) -> None:
    _sources.pop(key, None)


def sources() -> list[TodoSource]:
    return sorted(_sources.values(), key=lambda s: (s.order, s.key))


def sources_for(user: User) -> list[TodoSource]:
    roles = access.roles_of(user)
    return [s for s in sources() if roles & s.roles]


def countdown(due_on: date | None, today: date) -> int | None:
    """Working days from today to the deadline: 0 on the day itself, negative once it has passed.

    A deadline on a rest day runs to the next working day (民法典 art. 203), so a Sunday deadline seen on
    Friday has 1 working day left; a deadline that passed on Friday is 1 working day overdue on Saturday
    already (it passed, even though no working day has gone by since)."""
    if due_on is None:
        return None
    if due_on >= today:
        return workdays.working_days_between(today, workdays.next_workday(due_on)) if due_on > today else 0
    return -max(1, workdays.working_days_between(due_on, today))


def shared(user: User, key: str, compute: Callable[[], object]):
    """A value several of a module's sources need while the registry asks them in one pass (the home page,
    the menu badges): e.g. one GROUP BY for the counts of three statuses instead of three COUNTs. Computed
    once per pass; outside a pass (a source called directly) computed on every call, so never stale.
    `key` names the module, the value and the day ("sampling.status-counts")."""
    memo = getattr(user, "_qcity_todo_pass", None)
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _counts(user: User, today: date) -> dict[str, int]:
    """Each of the user's sources' count, computed once per request: the home page and the menu badges
    both need them, so they are kept on the user object of the request (like `access.assignments`)."""
    memo = getattr(user, "_qcity_todo_counts", None)
    if memo is None or memo[0] != today:
        started = getattr(user, "_qcity_todo_pass", None) is None
        if started:
            user._qcity_todo_pass = {}
        try:
            memo = (today, {source.key: source.count(user, today) for source in sources_for(user)})
        finally:
            if started:
                user._qcity_todo_pass = None
        user._qcity_todo_counts = memo
    return memo[1]


def _entry(item: TodoItem, today: date) -> TodoEntry:
    """The item with its countdown; a countdown that runs through a year without an official holiday
    schedule is itself provisional (暂定), whatever the stored deadline says."""
    days = countdown(item.due_on, today)
    if item.due_on is not None and not item.provisional and workdays.provisional_year(today, item.due_on):
        item = replace(item, provisional=True)
    return TodoEntry(item, days)


def todo_list(user: User, *, today: date | None = None, limit: int = 8) -> list[TodoGroup]:
    """The user's to-do groups that have something in them, each with its nearest `limit` items (nearest
    deadline first, undated last: the sources' order, made sure of here); the most urgent group first, the
    registry's order among equals."""
    today = today or timezone.localdate()
    user._qcity_todo_counts = None  # the home page shows fresh counts; the menu badges then reuse them
    user._qcity_todo_pass = {}  # what the sources share in this pass (`shared`): counts, then items
    try:
        counts = _counts(user, today)
        groups = []
        for source in sources_for(user):
            count = counts[source.key]
            if not count:
                continue
            items = sorted(source.items(user, today, limit)[:limit],
                           key=lambda item: (item.due_on is None, item.due_on or today))
            groups.append(TodoGroup(source, count, [_entry(item, today) for item in items]))
    finally:
        user._qcity_todo_pass = None
    # the group whose nearest deadline comes first leads (overdue ones at the top); undated groups last
    return sorted(groups, key=lambda g: (not g.items or g.items[0].item.due_on is None,
                                         g.items[0].item.due_on or today if g.items else today))


def _cache_key(user: User, today: date) -> str:
    return f"todo-counts:{user.pk}:{today.isoformat()}"


def menu_counts(user: User, *, today: date | None = None) -> dict[str, int]:
    """Badge counts by menu url name ("home": the total), cached for a short while
    (`QCITY_TODO_COUNT_SECONDS`) per user: every page shows them, and a count a minute old is good enough
    for a badge. Counts this request already computed (the home page's) are used, and cached, instead."""
    today = today or timezone.localdate()
    seconds = getattr(settings, "QCITY_TODO_COUNT_SECONDS", 60)
    key = _cache_key(user, today)
    fresh = getattr(user, "_qcity_todo_counts", None)
    counts = cache.get(key) if seconds and not (fresh and fresh[0] == today) else None
    if counts is None:
        counts = {"home": 0}
        computed = _counts(user, today)
        for source in sources_for(user):
            n = computed[source.key]
            counts["home"] += n
            if source.menu and source.menu != "home":
                counts[source.menu] = counts.get(source.menu, 0) + n
        if seconds:
            cache.set(key, counts, seconds)
    return counts


def counted_in_request(user: User, *, today: date | None = None) -> bool:
    """Whether this request has counted the user's to-dos already (the home page does)."""
    memo = getattr(user, "_qcity_todo_counts", None)
    return bool(memo) and memo[0] == (today or timezone.localdate())


def menu_counts_forget(user: User, *, today: date | None = None) -> None:
    """Drop the cached badges after the user did something that changes them."""
    user._qcity_todo_counts = None
    cache.delete(_cache_key(user, today or timezone.localdate()))


# --- shared by the sources' reminders ---------------------------------------------------------------------

REMINDER_WORKING_DAYS = 3


def reminder_days(today: date) -> tuple[date, date]:
    """(the deadline reminded as near, the first deadline reminded as overdue): a deadline exactly
    3 working days ahead, and the deadlines that passed since the last working day before today (so a
    Friday deadline is reminded on Monday even if the job does not run at the weekend; the key of a
    reminder makes it once however often the job runs)."""
    soon = workdays.add_working_days(today, REMINDER_WORKING_DAYS)
    overdue_from = min(today - timedelta(days=1), workdays.add_working_days(today, -1))
    return soon, overdue_from


def reminder_kind(due_on: date, today: date) -> str | None:
    """"soon", "overdue" or None for a deadline on `today` (see `reminder_days`)."""
    soon, overdue_from = reminder_days(today)
    if due_on == soon:
        return "soon"
    if overdue_from <= due_on < today:
        return "overdue"
    return None


def reminder_condition(field: str, today: date) -> Q:
    """The rows whose deadline `field` is reminded of on `today` (see `reminder_days`), for a bulk query."""
    soon, overdue_from = reminder_days(today)
    return Q(**{field: soon}) | Q(**{f"{field}__gte": overdue_from, f"{field}__lt": today})


def district_officers(unit_paths: Iterable[str | None]) -> dict[str, list[int]]:
    """Per org-unit path, the active district officers whose unit is it or one above it (one query): the
    people reminded of a unit's deadlines (the city office sees every unit's on its home page instead)."""
    paths = {path for path in unit_paths if path}
    if not paths:
        return {}
    by_prefix: dict[str, set[int]] = defaultdict(set)
    for user_id, prefix in (RoleAssignment.objects.filter(role=Role.DISTRICT_OFFICER, user__is_active=True)
                            .values_list("user_id", "org_unit__path")):
        by_prefix[prefix].add(user_id)
    return {path: sorted({u for prefix, users in by_prefix.items() if path.startswith(prefix) for u in users})
            for path in paths}


def reminders(today: date) -> Iterable[tuple[TodoSource, Reminder]]:
    for source in sources():
        if source.reminders is not None:
            for reminder in source.reminders(today):
                yield source, reminder
