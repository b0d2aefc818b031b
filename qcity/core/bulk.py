"""Bulk inserts without the ORM, for writes of tens of thousands of rows a user waits for (an EPCIS capture, a
city-wide draw): COPY on PostgreSQL, one prepared `executemany` on SQLite.

`bulk_create` compiles its SQL value by value through each field (on PostgreSQL it then dumps each column as an
array): for the event store that was most of a capture's time, and two thirds of the demo's credit and sampling
writes. Rows given to `rows_insert` hold plain values in the order of `fields`, already validated; the table's
constraints still apply. JSON fields are given as JSON text, datetimes aware (a naive one would be read as UTC,
where the ORM takes the local zone). `instances_insert` takes model instances instead, as `bulk_create` does.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from django.db import connection, models, transaction

M = TypeVar("M", bound=models.Model)

BATCH = 5_000  # rows per executemany call on SQLite


def ids_reserve(model: type[models.Model], count: int) -> list[int]:
    """`count` primary keys for rows of `model` inserted with explicit ids (children then refer to them).

    On PostgreSQL they come from the table's sequence. On SQLite the table's AUTOINCREMENT counter
    (`sqlite_sequence`, which every insert without an id reads) is moved past them by an UPDATE, which takes
    the database's write lock: concurrent writers never share one either, whether or not they commit."""
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           [table, count])
            return [row[0] for row in cursor.fetchall()]
        with transaction.atomic():  # the write lock from the first statement to the read of the counter
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) SELECT %s, 0 "
                           "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = %s)", [table, table])
            cursor.execute(f"UPDATE sqlite_sequence SET seq = MAX(seq, (SELECT COALESCE(MAX(id), 0) FROM "
                           f"{connection.ops.quote_name(table)})) + %s WHERE name = %s", [count, table])
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            last = cursor.fetchone()[0]
        return list(range(last - count + 1, last + 1))


def rows_insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert `rows` (tuples of values in the order of `fields`, given by field name) into `model`'s table;
    the number of rows written."""
    meta = model._meta
    columns = [meta.get_field(name).column for name in fields]
    table = connection.ops.quote_name(meta.db_table)
    column_list = ", ".join(connection.ops.quote_name(c) for c in columns)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # psycopg adapts str, int, bool, Decimal, datetime and None itself, in C; its errors are raised as
            # Django's (IntegrityError, DataError, …), as the ORM's would be
            with connection.wrap_database_errors, cursor.cursor.copy(
                    f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    if len(row) != len(columns):
                        raise _row_length_error(row, columns, meta)
                    copy.write_row(row)
                    written += 1
            return written
        # only the columns sqlite3 cannot take as they are are adapted, in place in a copy of the row (a
        # history table has one datetime among eight columns)
        adapters = [(i, _last_value_kept(adapt)) for i, name in enumerate(fields)
                    if (adapt := _sqlite_adapter(meta.get_field(name))) is not None]
        sql = f"INSERT INTO {table} ({column_list}) VALUES ({', '.join(['%s'] * len(columns))})"
        batch: list[Sequence[Any]] = []
        for row in rows:
            if len(row) != len(columns):
                raise _row_length_error(row, columns, meta)
            if adapters:
                row = list(row)
                for i, adapt in adapters:
                    row[i] = adapt(row[i])
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


def _row_length_error(row: Sequence[Any], columns: Sequence[str], meta: Any) -> ValueError:
    # the counts only: a row's values may be personal data, and the message may reach a log
    return ValueError(f"a row of {len(row)} values for the {len(columns)} columns of {meta.db_table}")


# Field types whose values `instances_insert` hands to `rows_insert` as they are (or adapted there, or as JSON
# text): every other type is refused rather than written in a form the ORM would not read back.
_PLAIN_TYPES = {"AutoField", "BigAutoField", "SmallAutoField", "BooleanField", "CharField", "TextField", "SlugField",
                "EmailField", "URLField", "IntegerField", "BigIntegerField", "SmallIntegerField",
                "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField", "DateField",
                "DateTimeField", "DecimalField", "UUIDField", "ForeignKey", "OneToOneField", "JSONField"}


def instances_insert(objs: Sequence[M]) -> Sequence[M]:
    """Write unsaved instances of one model as `bulk_create` does — their primary keys set (reserved by
    `ids_reserve` where not given), `auto_now`/`auto_now_add` dates filled, a related object saved after it was
    assigned taken by its key, no signals — through `rows_insert`; the instances, as saved. Values are not
    converted: each must be of its field's type, as `rows_insert` takes them (aware datetimes, dates in date
    fields)."""
    if not objs:
        return objs
    model = type(objs[0])
    fields = model._meta.concrete_fields
    refused = [f.name for f in fields if f.get_internal_type() not in _PLAIN_TYPES]
    if refused or model._meta.parents:
        raise TypeError(f"instances_insert cannot write {model.__name__}"
                        f"{'.' + ', '.join(refused) if refused else ' (a child of another model)'}; use bulk_create")
    stamped = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="instances_insert")
        for field in stamped:
            field.pre_save(obj, add=True)
    unsaved = [obj for obj in objs if obj.pk is None]
    for obj, pk in zip(unsaved, ids_reserve(model, len(unsaved)), strict=True):
        obj.pk = pk
    values = operator.attrgetter(*(f.attname for f in fields))
    as_json = [(n, f) for n, f in enumerate(fields) if f.get_internal_type() == "JSONField"]

    def row_of(obj) -> Sequence[Any]:
        if not as_json:
            return values(obj)
        row = list(values(obj))
        for n, field in as_json:
            if not (row[n] is None and field.null):
                row[n] = json.dumps(row[n], cls=field.encoder)
        return row

    rows_insert(model, [f.name for f in fields], (row_of(obj) for obj in objs))
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias
    return objs


ForeignKey = tuple[str, str, str]  # (table, constraint name, definition)


def foreign_keys_drop(tables: Sequence[str]) -> list[ForeignKey]:
    """PostgreSQL, inside a transaction, before a batch load into `tables`: their foreign keys dropped, to be
    added back by `foreign_keys_restore` in the same transaction. Django's foreign keys are deferred, so each
    written row queues a check that runs at commit (a million trigger calls: 11 s of the complaints demo);
    added back, each key is validated by one join. The tables and the tables their keys refer to (users, org
    units, enterprises) stay locked (ACCESS EXCLUSIVE) until the commit: for batch loads (the demo), never
    for a request. Nothing on SQLite."""
    if not connection.in_atomic_block:  # else each ALTER TABLE commits, and a failed load leaves keys dropped
        raise RuntimeError("foreign_keys_drop needs a transaction (transaction.atomic)")
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # fire the queued checks: ALTER TABLE refuses pending ones
        cursor.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])", [list(tables)])
        dropped = cursor.fetchall()
        for table, name, _definition in dropped:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    return dropped


def foreign_keys_restore(dropped: Sequence[ForeignKey]) -> None:
    """The foreign keys `foreign_keys_drop` dropped, added back and validated (an IntegrityError names a row
    that refers to nothing); later checks deferred again, as Django's are."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table, name, definition in dropped:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextlib.contextmanager
def foreign_keys_checked_once(*models_: type[models.Model]) -> Iterator[None]:
    """`foreign_keys_drop` and `foreign_keys_restore` around a batch load into the tables of `models_`; an error
    inside leaves them to the transaction's rollback."""
    dropped = foreign_keys_drop([m._meta.db_table for m in models_])
    yield
    foreign_keys_restore(dropped)


def _last_value_kept(adapt: Callable[[Any], Any] | None) -> Callable[[Any], Any] | None:
    """`adapt`, answering a value that is the very object of the row before without adapting it again: a bulk
    write's `created_at`/`updated_at` are one datetime for every row, and Django's adaptation of it (to the
    UTC zone, then text) was a tenth of an import's time."""
    if adapt is None:
        return None
    last_value, last_result = object(), None

    def adapted(value):
        nonlocal last_value, last_result
        if value is not last_value:
            last_value, last_result = value, adapt(value)
        return last_result

    return adapted


def _sqlite_adapter(field: models.Field) -> Callable[[Any], Any] | None:
    """How a value of `field` is written on SQLite as the ORM writes it (aware datetimes as naive UTC text,
    decimals as text); None where sqlite3 takes the value as it is."""
    ops = connection.ops
    field = getattr(field, "target_field", None) or field  # a foreign key is written as the key it refers to
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        zone = connection.timezone

        def adapt_datetime(value):
            # Django's adaptation (make_naive in the database's zone, then text) with its checks done once:
            # a third of a bulk write's Python time on SQLite
            if type(value) is datetime.datetime and value.tzinfo is not None:
                return str(value.astimezone(zone).replace(tzinfo=None))
            return ops.adapt_datetimefield_value(value)

        return adapt_datetime
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "DecimalField":
        return lambda value: ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
    if kind == "UUIDField":
        return lambda value: None if value is None else value.hex
    return None
