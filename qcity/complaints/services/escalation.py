"""The daily overdue scan (逾期督办): open complaints and reports whose acceptance, mediation, clue-verification
or reporter-notice deadline has passed are escalated once, and the officers over each unit are told.

A city has hundreds of thousands of open items, so the scan is done in the database in a fixed handful of
statements whatever the number of rows, and reads the open rows once: one INSERT … SELECT of the marks
(`ComplaintEscalation`, a narrow table: an UPDATE of the wide complaint rows rewrote every index of each and took
20 s for 250,000 rows on PostgreSQL), stamped with the run's time; then, from this run's marks only, one GROUP BY
for the summary and one INSERT … SELECT for the (non-public) history events; one notification per unit to its
district officers and one summary to the office — never one message or one query per complaint.
An item is escalated once (it has its mark): a second run the same day, or the next, finds nothing new.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateTimeField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.constants import OnConflict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qcity.core import todos as core_todos
from qcity.core.audit import audit_record
from qcity.core.choices import AuditAction, NotificationKind, Role
from qcity.core.models import OrgUnit, RoleAssignment
from qcity.core.notifications import NotificationMessage, notifications_create

from ..choices import FINISHED_STATUSES, ComplaintEventKind
from ..models import Complaint, ComplaintEscalation, ComplaintEvent
from ..todos import ESCALATED_DUTIES, Duty

# What the history says for each kind of deadline that passed.
NOTES = {
    "acceptance": gettext_lazy("逾期未作出受理（立案核查）决定，已督办"),
    "mediation": gettext_lazy("调解期限届满未办结，已督办"),
    "clue": gettext_lazy("违法线索核查逾期，已督办"),
    "reporter-notice": gettext_lazy("逾期未告知举报人，已督办"),
}


def _passed(duty: Duty, today: datetime.date) -> Q:
    return duty.condition & Q(**{f"{duty.field}__lt": today})


def overdue_condition(today: datetime.date) -> Q:
    """Open items with at least one passed deadline (escalated already or not: the marks are inserted skipping
    those there already — an anti-join with the table being written was planned as a nested loop re-reading it
    for each row when its statistics said empty, minutes for 250,000 rows on PostgreSQL)."""
    passed = Q(pk__in=[])
    for duty in ESCALATED_DUTIES:
        passed |= _passed(duty, today)
    # the open-status terms are those of the partial index `complaint_open`, so the planner can use it
    return passed & ~Q(status__in=sorted(FINISHED_STATUSES))


def _insert_select(model, columns: dict[str, Value | Case], rows: QuerySet, *, skip_existing: bool = False) -> int:
    """One INSERT INTO `model` (complaint_id, *columns) SELECT pk, *columns FROM `rows`; returns how many rows
    were inserted. `skip_existing`: rows whose key is there already are left out (ON CONFLICT DO NOTHING)."""
    names = [f"_{name}" for name in columns]
    select = rows.annotate(**dict(zip(names, columns.values(), strict=True))).values_list("pk", *names)
    sql, params = select.query.sql_with_params()
    ops, conflict = connection.ops, OnConflict.IGNORE if skip_existing else None
    table = ops.quote_name(model._meta.db_table)
    fields = [model._meta.get_field("complaint")]
    quoted = ", ".join(ops.quote_name(c) for c in ("complaint_id", *columns))
    suffix = ops.on_conflict_suffix_sql(fields, conflict, None, None) or ""
    with connection.cursor() as cursor:
        cursor.execute(f"{ops.insert_statement(on_conflict=conflict)} {table} ({quoted}) {sql} {suffix}", params)
        return cursor.rowcount


def complaints_overdue_escalate(*, today: datetime.date) -> int:
    """Escalate every open item whose deadline passed before `today`; returns how many were escalated now."""
    at = timezone.now()
    with transaction.atomic():
        overdue = Complaint.objects.filter(overdue_condition(today)).order_by()
        # the marks, each naming the first of its deadlines that passed: the one scan of the open rows
        first_passed = Case(*[When(_passed(duty, today), then=Value(duty.field)) for duty in ESCALATED_DUTIES],
                            default=Value(ESCALATED_DUTIES[0].field), output_field=CharField())
        escalated = _insert_select(ComplaintEscalation, {
            "escalated_at": Value(at, output_field=DateTimeField()), "deadline_field": first_passed}, overdue,
            skip_existing=True)
        if not escalated:
            return 0
        marks = ComplaintEscalation.objects.filter(escalated_at=at).order_by()
        per_unit = Counter(dict(marks.values_list("complaint__org_unit_id").annotate(n=Count("pk"))))
        note = Case(*[When(deadline_field=duty.field, then=Value(str(NOTES[duty.key]))) for duty in ESCALATED_DUTIES],
                    output_field=CharField())
        _insert_select(ComplaintEvent, {
            "kind": Value(ComplaintEventKind.ESCALATED.value, output_field=CharField()),
            "at": Value(at, output_field=DateTimeField()), "note": note,
            "public": Value(False, output_field=BooleanField())}, marks)
        units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=[pk for pk in per_unit if pk])}
        for unit_id, n in per_unit.items():
            audit_record(action=AuditAction.UPDATE, by=None, org_unit=units.get(unit_id),
                         object_type="complaints.complaint", object_repr=str(units.get(unit_id, "")),
                         message=f"overdue scan {today}: {n} complaints and reports escalated")
        _notify(today, per_unit, units)
    return escalated


def _notify(today: datetime.date, per_unit: Counter, units: dict[int, OrgUnit]) -> None:
    """One message per unit to its district officers, one summary to the office (bulk, after the commit)."""
    url = reverse("complaints:complaint-list")
    officers = core_todos.district_officers(u.path for u in units.values())
    messages = []
    for unit_id, unit in units.items():
        title = _("%(unit)s有%(n)s件投诉举报逾期，已督办") % {"unit": unit.name, "n": per_unit[unit_id]}
        for user_id in officers.get(unit.path, []):
            messages.append(NotificationMessage(
                recipient_id=user_id, kind=NotificationKind.DEADLINE_OVERDUE, title=title, url=url,
                key=f"complaints:escalated:{today.isoformat()}:unit:{unit_id}"))
    total = sum(per_unit.values())
    lines = [_("%(unit)s：%(n)s件") % {"unit": units[pk].name if pk in units else _("市级分派"), "n": n}
             for pk, n in sorted(per_unit.items(), key=lambda kv: -kv[1])]
    office = (RoleAssignment.objects.filter(role=Role.LEADERSHIP_OFFICE, user__is_active=True)
              .values_list("user_id", flat=True).distinct())
    for user_id in office:
        messages.append(NotificationMessage(
            recipient_id=user_id, kind=NotificationKind.DEADLINE_OVERDUE, url=url, body="\n".join(lines),
            title=_("%(n)s件投诉举报逾期，已督办") % {"n": total},
            key=f"complaints:escalated:{today.isoformat()}:office"))
    notifications_create(messages)
