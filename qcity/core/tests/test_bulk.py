"""Bulk inserts without the ORM (COPY on PostgreSQL, executemany on SQLite): the rows read back as the ORM
wrote them, ids are never given twice, and a refused row is Django's IntegrityError with nothing written."""

import datetime
import json

import pytest
from django.db import IntegrityError, transaction

from qcity.core.bulk import ids_reserve, rows_insert
from qcity.core.choices import AuditAction
from qcity.core.models import AuditEvent, HolidayCalendarDay

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def test_rows_read_back_as_the_orm_writes_them(make_user):
    # given an actor and three audit rows with explicit ids, aware times (the first two the same object, as a
    # bulk write's timestamps are), JSON text and a null
    actor = make_user()
    ids = ids_reserve(AuditEvent, 3)
    later = AT + datetime.timedelta(days=1, microseconds=1)
    rows = [(pk, at, actor.pk, "", "", "import", "trace.capturejob", str(n), "", "",
             json.dumps({"n": n, "名": "值"}), None) for n, (pk, at) in enumerate(zip(ids, [AT, AT, later], strict=True))]

    written = rows_insert(AuditEvent, ("id", "at", "actor", "actor_name", "channel", "action", "object_type",
                                       "object_id", "object_repr", "message", "after", "before"), rows)

    # then the ORM reads the same values
    assert written == 3
    events = list(AuditEvent.objects.filter(pk__in=ids).order_by("pk"))
    assert [e.pk for e in events] == ids
    assert [e.at for e in events] == [AT, AT, later]
    assert all(e.actor == actor and e.action == AuditAction.IMPORT for e in events)
    assert [e.after for e in events] == [{"n": 0, "名": "值"}, {"n": 1, "名": "值"}, {"n": 2, "名": "值"}]
    assert all(e.before is None for e in events)


def test_reserved_ids_are_never_given_again():
    first = ids_reserve(HolidayCalendarDay, 3)
    rows_insert(HolidayCalendarDay, ("id", "date", "is_workday", "name", "source"),
                [(pk, datetime.date(2099, 1, n + 1), n == 0, "", "test") for n, pk in enumerate(first)])
    second = ids_reserve(HolidayCalendarDay, 2)
    created = HolidayCalendarDay.objects.create(date=datetime.date(2099, 2, 1), is_workday=False, source="test")

    assert len(set(first)) == 3 and first == sorted(first)
    assert min(second) > max(first)
    assert created.pk not in first
    assert HolidayCalendarDay.objects.get(pk=first[0]).is_workday is True
    assert HolidayCalendarDay.objects.get(pk=first[1]).date == datetime.date(2099, 1, 2)


def test_a_refused_row_is_an_integrity_error_and_nothing_is_written():
    HolidayCalendarDay.objects.create(date=datetime.date(2099, 3, 1), is_workday=False, source="test")
    before = HolidayCalendarDay.objects.count()

    with pytest.raises(IntegrityError), transaction.atomic():
        rows_insert(HolidayCalendarDay, ("date", "is_workday", "name", "source"),
                    [(datetime.date(2099, 3, 2), False, "", "test"), (datetime.date(2099, 3, 1), True, "", "test")])

    assert HolidayCalendarDay.objects.count() == before
