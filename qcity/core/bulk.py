"""Bulk inserts without the ORM, for writes of tens of thousands of rows a user waits for (an EPCIS capture, a
city-wide draw): COPY on PostgreSQL, one prepared `executemany` on SQLite.

`bulk_create` builds a model instance per row and adapts every value through its field (on PostgreSQL it then
dumps each column as an array): for the event store that was most of a capture's time. Rows given here hold
plain values in the order of `fields`, already validated; the table's constraints still apply. JSON fields are
given as JSON text, datetimes aware (a naive one would be read as UTC, where the ORM takes the local zone).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models

BATCH = 5_000  # rows per executemany call on SQLite


def ids_reserve(model: type[models.Model], count: int) -> list[int]:
    """`count` primary keys for rows of `model` inserted with explicit ids (children then refer to them).

    On PostgreSQL they come from the table's sequence, so concurrent writers never share one. On SQLite they
    follow the largest id; a concurrent writer taking the same ones makes the insert fail on the primary key
    (IntegrityError), which the caller retries."""
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           [table, count])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
        first = cursor.fetchone()[0] + 1
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        first = max(first, row[0] + 1 if row else 1)
        return list(range(first, first + count))


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
                    copy.write_row(row)
                    written += 1
            return written
        adapters = [_last_value_kept(_sqlite_adapter(meta.get_field(name))) for name in fields]
        sql = f"INSERT INTO {table} ({column_list}) VALUES ({', '.join(['%s'] * len(columns))})"
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append([value if adapt is None else adapt(value) for adapt, value in zip(adapters, row, strict=True)])
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


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
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "DecimalField":
        return lambda value: ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
    if kind == "UUIDField":
        return lambda value: None if value is None else value.hex
    return None
