"""The credit module's to-do sources (registered from `CreditConfig.ready()` with `core.todos`).

For the market-regulation managers (district officers in their units, the leadership office city-wide),
each read through the module's scoped selectors and ordered by the stored working-day deadline:

* objections to answer (`reply_due_on`, 20 working days from filing);
* repair applications to accept (`acceptance_due_on`) or, once accepted, to decide (`decision_due_on`);
* credit events still to publish (`publication_due_on`: a penalty within 20 working days of the decision);
* list entries still to publish (`publication_due_on` of the listing decision).

The 3 working days for withdrawing a publication (DOMAIN §2.3) are not a to-do: the platform withdraws an
item on the day its revocation is recorded, so no withdrawal is ever pending. Nothing waits for an
enterprise user's action (there is no "returned for more material" step); enterprises hear the decisions
through notifications instead.

`reminders(today)` finds, in one query per source, the items due exactly 3 working days ahead or that
passed since the last working day (`core.todos.reminder_condition`), and addresses them to the unit's
deciders: the district officers over the enterprise's unit, or the leadership office where none is.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from django.db.models import Case, F, QuerySet, When
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qcity.core import todos
from qcity.core.choices import Role
from qcity.core.models import RoleAssignment, User
from qcity.core.roles import MARKET_MANAGERS

from . import selectors
from .choices import CreditListEntryStatus, CreditObjectionStatus, CreditRepairStatus
from .models import CreditEvent, CreditListEntry, CreditObjection, CreditRepair

# ---- querysets: the open items of each source, in the user's scope (user=None: everyone's) ----


def _objections(user: User | None) -> QuerySet[CreditObjection]:
    queryset = CreditObjection.objects.select_related("enterprise__org_unit", "credit_event", "list_entry")
    if user is not None:
        queryset = selectors.credit_objection_list(user=user)
    return queryset.filter(status=CreditObjectionStatus.SUBMITTED).annotate(due=F("reply_due_on"))


def _repairs(user: User | None) -> QuerySet[CreditRepair]:
    queryset = CreditRepair.objects.select_related("enterprise__org_unit")
    if user is not None:
        queryset = selectors.credit_repair_list(user=user)
    return queryset.filter(status__in=selectors.OPEN_REPAIR_STATUSES).annotate(
        due=Case(
            When(status=CreditRepairStatus.SUBMITTED, then=F("acceptance_due_on")),
            default=F("decision_due_on"),
        )
    )


def _events(user: User | None) -> QuerySet[CreditEvent]:
    return selectors.credit_event_to_publish_list(user=user).annotate(due=F("publication_due_on"))


def _entries(user: User | None) -> QuerySet[CreditListEntry]:
    queryset = CreditListEntry.objects.select_related("enterprise__org_unit")
    if user is not None:
        queryset = selectors.credit_list_entry_list(user=user)
    return queryset.filter(
        status=CreditListEntryStatus.LISTED, published_on__isnull=True, publication_due_on__isnull=False
    ).annotate(due=F("publication_due_on"))


# ---- one item per row ----


def _objection_item(objection: CreditObjection) -> todos.TodoItem:
    target = objection.credit_event or objection.list_entry
    if objection.credit_event is not None:
        what = f"{target.get_kind_display()} {target.occurred_on:%Y-%m-%d}"
    else:
        what = f"{target.get_list_kind_display()} {target.decided_on:%Y-%m-%d}"
    return todos.TodoItem(
        title=_("答复%(enterprise)s的信用异议") % {"enterprise": objection.enterprise.name},
        url=reverse("credit:objection-queue"),
        due_on=objection.reply_due_on,
        detail=_("异议对象：%(what)s") % {"what": what},
        provisional=objection.reply_due_on_provisional_year is not None,
    )


def _repair_item(application: CreditRepair) -> todos.TodoItem:
    if application.status == CreditRepairStatus.SUBMITTED:
        title = _("受理%(enterprise)s的信用修复申请")
        provisional = application.acceptance_due_on_provisional_year is not None
    else:
        title = _("对%(enterprise)s的信用修复申请作出决定")
        provisional = application.decision_due_on_provisional_year is not None
    return todos.TodoItem(
        title=title % {"enterprise": application.enterprise.name},
        url=reverse("credit:repair-queue"),
        due_on=application.due,
        detail=application.get_kind_display(),
        provisional=provisional,
    )


def _event_item(event: CreditEvent) -> todos.TodoItem:
    return todos.TodoItem(
        title=_("公示%(enterprise)s的%(kind)s")
        % {"enterprise": event.enterprise.name, "kind": event.get_kind_display()},
        url=reverse("credit:event-publish", args=[event.pk]),
        due_on=event.publication_due_on,
        detail=_("形成日期 %(day)s") % {"day": f"{event.occurred_on:%Y-%m-%d}"},
        provisional=event.publication_due_on_provisional_year is not None,
    )


def _entry_item(entry: CreditListEntry) -> todos.TodoItem:
    return todos.TodoItem(
        title=_("公示%(enterprise)s列入%(list)s的决定")
        % {"enterprise": entry.enterprise.name, "list": entry.get_list_kind_display()},
        url=reverse("credit:file", args=[entry.enterprise_id]),
        due_on=entry.publication_due_on,
        detail=_("决定日期 %(day)s") % {"day": f"{entry.decided_on:%Y-%m-%d}"},
        provisional=entry.publication_due_on_provisional_year is not None,
    )


# ---- the source functions ----


class _Source:
    """items/count/reminders of one queryset builder and its item maker."""

    def __init__(self, name: str, rows, make):
        self.name, self.rows, self.make = name, rows, make

    def items(self, user: User, today: datetime.date, limit: int) -> list[todos.TodoItem]:
        return [self.make(row) for row in self.rows(user).order_by("due", "id")[:limit]]

    def count(self, user: User, today: datetime.date) -> int:
        return self.rows(user).count()

    def reminders(self, today: datetime.date) -> Iterator[todos.Reminder]:
        rows = list(self.rows(None).filter(todos.reminder_condition("due", today)).order_by("due", "id"))
        if not rows:
            return
        deciders = _deciders(row.enterprise.org_unit.path for row in rows)
        for row in rows:
            when = todos.reminder_kind(row.due, today)
            item = self.make(row)
            for user_id in deciders[row.enterprise.org_unit.path]:
                yield todos.Reminder(
                    user_id=user_id, item=item, key=f"{self.name}:{row.pk}:{row.due:%Y-%m-%d}:{when}"
                )


def _deciders(unit_paths: Iterable[str]) -> dict[str, list[int]]:
    """Who is reminded of an item of an enterprise in each unit (as `services.access.deciders_by_unit`):
    the active district officers over it; where none is, the leadership office."""
    officers = todos.district_officers(unit_paths)
    office: list[int] | None = None
    found = {}
    for path, user_ids in officers.items():
        if not user_ids and office is None:
            office = sorted(
                set(
                    RoleAssignment.objects.filter(
                        role=Role.LEADERSHIP_OFFICE, user__is_active=True
                    ).values_list("user_id", flat=True)
                )
            )
        found[path] = user_ids or office
    return found


OBJECTIONS = _Source("credit-objection", _objections, _objection_item)
REPAIRS = _Source("credit-repair", _repairs, _repair_item)
EVENTS = _Source("credit-event-publication", _events, _event_item)
ENTRIES = _Source("credit-list-entry-publication", _entries, _entry_item)


def sources() -> Iterable[todos.TodoSource]:
    common = {"roles": MARKET_MANAGERS, "menu": "credit:file-search"}
    return [
        todos.TodoSource(
            key="credit.objections-to-answer",
            label=gettext_lazy("待答复的信用异议"),
            items=OBJECTIONS.items,
            count=OBJECTIONS.count,
            reminders=OBJECTIONS.reminders,
            list_url="credit:objection-queue",
            order=50,
            **common,
        ),
        todos.TodoSource(
            key="credit.repairs-to-decide",
            label=gettext_lazy("待办理的信用修复申请"),
            items=REPAIRS.items,
            count=REPAIRS.count,
            reminders=REPAIRS.reminders,
            list_url="credit:repair-queue",
            order=51,
            **common,
        ),
        todos.TodoSource(
            key="credit.events-to-publish",
            label=gettext_lazy("待公示的信用事项"),
            items=EVENTS.items,
            count=EVENTS.count,
            reminders=EVENTS.reminders,
            list_url="credit:overdue-publications",
            order=52,
            **common,
        ),
        todos.TodoSource(
            key="credit.list-entries-to-publish",
            label=gettext_lazy("待公示的名录名单决定"),
            items=ENTRIES.items,
            count=ENTRIES.count,
            reminders=ENTRIES.reminders,
            order=53,
            **common,
        ),
    ]


def register() -> None:
    for source in sources():
        todos.register(source)
