"""Bulk inserts without the ORM (COPY on PostgreSQL, executemany on SQLite): the rows read back as the ORM
wrote them, ids are never given twice, and a refused row is Django's IntegrityError with nothing written."""

import datetime
import json

import pytest
from django.db import IntegrityError, connection, transaction

from qcity.core.bulk import foreign_keys_checked_once, ids_reserve, instances_insert, rows_insert
from qcity.core.choices import AuditAction
from qcity.core.models import AuditEvent, ExportJob, HolidayCalendarDay, ServiceAccount, User

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


def test_a_row_of_the_wrong_length_is_refused_and_nothing_is_written():
    rows = [(datetime.date(2099, 1, 1), True, "", "test"), (datetime.date(2099, 1, 2), True, "")]
    with pytest.raises(ValueError, match="3 values for the 4 columns of core_holidaycalendarday"):
        with transaction.atomic():
            rows_insert(HolidayCalendarDay, ("date", "is_workday", "name", "source"), rows)
    assert not HolidayCalendarDay.objects.filter(date__year=2099).exists()


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


def test_reserved_ids_are_not_taken_by_a_write_before_they_are_written():
    # given ids reserved and not yet written (another writer holds them)
    reserved = ids_reserve(HolidayCalendarDay, 3)

    # when the ORM creates a row without an id
    created = HolidayCalendarDay.objects.create(date=datetime.date(2099, 4, 1), is_workday=False, source="test")

    # then it takes an id after them, and the next reservation too
    assert created.pk > max(reserved)
    assert min(ids_reserve(HolidayCalendarDay, 1)) > created.pk


def test_instances_are_written_as_bulk_create_writes_them(make_user):
    # given service accounts: one with an id given, the others without, JSON (and a default), and a user
    # assigned before it was saved (bulk_create takes its key at write time)
    users = [make_user(), make_user(), User(username="later-saved")]
    given = ids_reserve(ServiceAccount, 1)[0]
    accounts = [ServiceAccount(pk=given if n == 0 else None, user=user, purpose=f"供数 {n}",
                               allowed_paths=["/api/reported-values/", {"n": n}] if n else [])
                for n, user in enumerate(users)]
    users[2].save()
    before = datetime.datetime.now(datetime.UTC)

    written = instances_insert(accounts)

    # then every instance has its key and is saved; the database reads back what was given
    assert written is accounts and accounts[0].pk == given
    assert len({a.pk for a in accounts}) == 3 and all(not a._state.adding for a in accounts)
    stored = {a.pk: a for a in ServiceAccount.objects.filter(user__in=users)}
    assert stored.keys() == {a.pk for a in accounts}
    for account, user in zip(accounts, users, strict=True):
        read = stored[account.pk]
        assert (read.user, read.purpose, read.allowed_paths, read.rate) == (
            user, account.purpose, account.allowed_paths, "120/min")
        assert read.created_at == account.created_at >= before
    assert stored[accounts[2].pk].allowed_paths == ["/api/reported-values/", {"n": 2}]


def test_instances_of_a_model_with_a_file_are_refused():
    with pytest.raises(TypeError, match="ExportJob.file"):
        instances_insert([ExportJob()])
    assert not ExportJob.objects.exists()


def _foreign_keys(table: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f' "
                       "AND conrelid = %s::regclass ORDER BY conname", [table])
        return cursor.fetchall()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's foreign keys")
def test_foreign_keys_dropped_for_a_load_come_back_as_they_were_and_check_its_rows(make_user):
    table = ServiceAccount._meta.db_table
    keys = _foreign_keys(table)
    assert keys  # the account's user
    # when a load runs between the drop and the restore, the keys are gone meanwhile and back after
    with transaction.atomic(), foreign_keys_checked_once(ServiceAccount):
        assert _foreign_keys(table) == []
        instances_insert([ServiceAccount(user=make_user(), purpose="供数")])
    assert _foreign_keys(table) == keys
    # a row referring to no user is refused when the keys come back, and nothing of the load stays
    with pytest.raises(IntegrityError), transaction.atomic(), foreign_keys_checked_once(ServiceAccount):
        rows_insert(ServiceAccount, ("user", "purpose", "allowed_paths", "rate", "created_at"),
                    [(10**9, "供数", "[]", "1/min", AT)])
    assert _foreign_keys(table) == keys
    assert ServiceAccount.objects.count() == 1


def test_foreign_keys_are_dropped_only_inside_a_transaction(monkeypatch):
    monkeypatch.setattr(connection, "in_atomic_block", False)  # as a caller in autocommit
    with pytest.raises(RuntimeError, match="transaction"), foreign_keys_checked_once(ServiceAccount):
        pass
