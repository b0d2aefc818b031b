"""What double-random inspection asks of people, for the to-do registry (`qcity.core.todos`).

Managers (the office city-wide, district officers in their unit): plans whose period has begun with no draw
yet (due by the period's end), entered results to publish within 20 working days (DOMAIN §5), and results
past that deadline. Inspectors: the targets they were drawn for whose results are not all entered, due by
the plan's end.

Each source answers `items` with one query, `count` with one COUNT and `reminders` in bulk.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Count, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qcity.core import access, todos
from qcity.core.choices import Role
from qcity.core.models import User
from qcity.core.roles import MARKET_MANAGERS
from qcity.core.todos import Reminder, TodoItem, TodoSource

from .choices import InspectionPlanStatus
from .models import Assignment, DrawnTarget, InspectionPlan, InspectionResult


class JSONArrayLength(Func):
    """The length of a JSON array column (SQLite json_array_length, PostgreSQL jsonb_array_length)."""

    function = "JSON_ARRAY_LENGTH"
    output_field = IntegerField()

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="JSONB_ARRAY_LENGTH", **extra)


# --- draws to run ----------------------------------------------------------------------------------------


def _undrawn(user: User | None, today: date) -> QuerySet[InspectionPlan]:
    queryset = InspectionPlan.objects.filter(status=InspectionPlanStatus.DRAFT, period_start__lte=today)
    return access.scope_filter(queryset, user=user, roles=MARKET_MANAGERS)


def _draw_item(plan_id: int, name: str, unit: str, end: date) -> TodoItem:
    return TodoItem(title=_("随机抽取检查对象：%(plan)s") % {"plan": name},
                    url=reverse("inspections:inspection-plan-detail", args=[plan_id]), due_on=end, detail=unit)


def draws_to_run(user: User, today: date, limit: int) -> list[TodoItem]:
    rows = (_undrawn(user, today).order_by("period_end", "pk")
            .values_list("pk", "name", "org_unit__name", "period_end")[:limit])
    return [_draw_item(*row) for row in rows]


def draws_to_run_count(user: User, today: date) -> int:
    return _undrawn(user, today).count()


def draws_to_run_reminders(today: date) -> Iterator[Reminder]:
    rows = list(_undrawn(None, today).filter(todos.reminder_condition("period_end", today))
                .values_list("pk", "name", "org_unit__name", "period_end", "org_unit__path"))
    officers = todos.district_officers(row[-1] for row in rows)
    for *fields, path in rows:
        item = _draw_item(*fields)
        for user_id in officers.get(path, []):
            yield Reminder(user_id=user_id, item=item, key=f"inspection-plan:{fields[0]}:draw-by:{fields[3]}")


# --- results to enter ------------------------------------------------------------------------------------


def _incomplete(queryset: QuerySet[DrawnTarget]) -> QuerySet[DrawnTarget]:
    """Targets with fewer results than drawn items."""
    entered = (InspectionResult.objects.filter(target=OuterRef("pk")).order_by().values("target")
               .annotate(n=Count("pk")).values("n"))
    return (queryset.alias(entered=Coalesce(Subquery(entered, output_field=IntegerField()), 0),
                           wanted=JSONArrayLength("item_ids"))
            .filter(entered__lt=F("wanted")))


def _to_enter(user: User) -> QuerySet[DrawnTarget]:
    if not user.is_authenticated:
        return DrawnTarget.objects.none()
    return _incomplete(DrawnTarget.objects.filter(assignments__inspector__user_id=user.pk))


def _enter_item(target_id: int, enterprise: str, plan: str, end: date) -> TodoItem:
    return TodoItem(title=_("检查并录入结果：%(enterprise)s") % {"enterprise": enterprise},
                    url=reverse("inspections:target-detail", args=[target_id]), due_on=end, detail=plan)


def results_to_enter(user: User, today: date, limit: int) -> list[TodoItem]:
    rows = (_to_enter(user).order_by("draw__plan__period_end", "pk")
            .values_list("pk", "enterprise__name", "draw__plan__name", "draw__plan__period_end")[:limit])
    return [_enter_item(*row) for row in rows]


def results_to_enter_count(user: User, today: date) -> int:
    return _to_enter(user).count()


def results_to_enter_reminders(today: date) -> Iterator[Reminder]:
    """Each drawn inspector of a target still short of results when its plan ends."""
    targets = _incomplete(DrawnTarget.objects.filter(todos.reminder_condition("draw__plan__period_end", today)))
    rows = (Assignment.objects.filter(target__in=targets.values("pk"))
            .values_list("inspector__user_id", "target_id", "target__enterprise__name", "target__draw__plan__name",
                         "target__draw__plan__period_end"))
    for user_id, *fields in rows:
        yield Reminder(user_id=user_id, item=_enter_item(*fields),
                       key=f"inspection-target:{fields[0]}:enter-by:{fields[3]}")


# --- results to publish ------------------------------------------------------------------------------------


def _unpublished(user: User | None) -> QuerySet[InspectionResult]:
    queryset = InspectionResult.objects.filter(published_on__isnull=True)
    return access.scope_filter(queryset, user=user, roles=MARKET_MANAGERS, field="target__draw__plan__org_unit")


def _publish_item(target_id: int, enterprise: str, item: str, due: date, provisional_year: int | None,
                  ) -> TodoItem:
    return TodoItem(title=_("公示检查结果：%(enterprise)s · %(item)s") % {"enterprise": enterprise, "item": item},
                    url=reverse("inspections:target-detail", args=[target_id]), due_on=due,
                    provisional=provisional_year is not None)


_RESULT_FIELDS = ("target_id", "target__enterprise__name", "item__name", "publish_by", "publish_by_provisional_year")


def _results(queryset: QuerySet[InspectionResult], limit: int) -> list[TodoItem]:
    rows = queryset.order_by("publish_by", "pk").values_list(*_RESULT_FIELDS)[:limit]
    return [_publish_item(*row) for row in rows]


def results_to_publish(user: User, today: date, limit: int) -> list[TodoItem]:
    return _results(_unpublished(user).filter(publish_by__gte=today), limit)


def _publication_counts(user: User, today: date) -> dict[str, int]:
    """Results to publish and overdue, counted in one query (shared by the two sources in a registry pass)."""
    return todos.shared(user, f"inspections.publication-counts:{today}", lambda: _unpublished(user).aggregate(
        due=Count("pk", filter=Q(publish_by__gte=today)), overdue=Count("pk", filter=Q(publish_by__lt=today))))


def results_to_publish_count(user: User, today: date) -> int:
    return _publication_counts(user, today)["due"]


def results_overdue(user: User, today: date, limit: int) -> list[TodoItem]:
    return _results(_unpublished(user).filter(publish_by__lt=today), limit)


def results_overdue_count(user: User, today: date) -> int:
    return _publication_counts(user, today)["overdue"]


def _publication_reminders(condition: Q) -> Iterator[Reminder]:
    """One reminder per plan and deadline (a plan's results are published together), not one per result."""
    rows = list(_unpublished(None).filter(condition).order_by()
                .values("target__draw__plan_id", "target__draw__plan__name", "target__draw__plan__org_unit__path",
                        "publish_by", "publish_by_provisional_year")
                .annotate(n=Count("pk")))
    officers = todos.district_officers(row["target__draw__plan__org_unit__path"] for row in rows)
    for row in rows:
        plan_id, day = row["target__draw__plan_id"], row["publish_by"]
        item = TodoItem(title=_("公示检查结果：%(plan)s（%(n)s 条）") % {"plan": row["target__draw__plan__name"],
                                                                  "n": row["n"]},
                        url=reverse("inspections:inspection-plan-detail", args=[plan_id]), due_on=day,
                        provisional=row["publish_by_provisional_year"] is not None)
        for user_id in officers.get(row["target__draw__plan__org_unit__path"], []):
            yield Reminder(user_id=user_id, item=item, key=f"inspection-plan:{plan_id}:publish-by:{day}")


def results_to_publish_reminders(today: date) -> Iterator[Reminder]:
    return _publication_reminders(Q(publish_by=todos.reminder_days(today)[0]))


def results_overdue_reminders(today: date) -> Iterator[Reminder]:
    return _publication_reminders(Q(publish_by__gte=todos.reminder_days(today)[1], publish_by__lt=today))


def register() -> None:
    plans = "inspections:inspection-plan-list"
    todos.register(TodoSource(
        key="inspections.draws-to-run", label=gettext_lazy("待随机抽取的抽查计划"), roles=MARKET_MANAGERS,
        items=draws_to_run, count=draws_to_run_count, menu=plans, list_url=plans,
        reminders=draws_to_run_reminders, order=30))
    todos.register(TodoSource(
        key="inspections.results-to-enter", label=gettext_lazy("待检查并录入结果的对象"), roles=frozenset({Role.INSPECTOR}),
        items=results_to_enter, count=results_to_enter_count, menu="inspections:my-assignments",
        list_url="inspections:my-assignments", reminders=results_to_enter_reminders, order=31))
    todos.register(TodoSource(
        key="inspections.results-to-publish", label=gettext_lazy("待公示的检查结果"), roles=MARKET_MANAGERS,
        items=results_to_publish, count=results_to_publish_count, menu=plans, list_url="inspections:result-list",
        reminders=results_to_publish_reminders, order=32))
    todos.register(TodoSource(
        key="inspections.results-overdue", label=gettext_lazy("逾期未公示的检查结果"), roles=MARKET_MANAGERS,
        items=results_overdue, count=results_overdue_count, menu=plans, list_url="inspections:result-list",
        reminders=results_overdue_reminders, order=33))
