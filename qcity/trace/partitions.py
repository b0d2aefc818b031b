"""PostgreSQL partitions of the event store (declarative partitioning; SQLite keeps plain tables).

- `trace_event` is partitioned by RANGE of `event_time`, one partition per month, plus a default partition for
  events older than the first monthly partition (late back-filled history). Months ahead are created by the
  daily job, so new events never land in the default partition; a month whose rows are already in the default
  partition is left there (PostgreSQL would refuse to attach it).
- `trace_eventepc` is partitioned by HASH of `epc` into a fixed number of partitions: every trace step looks
  up identifiers, so it reads one partition per identifier whatever the time span.
"""

import datetime

from django.db import connection

from .models import Event, EventEpc

EPC_PARTITIONS = 16
MONTHS_BACK = 24  # monthly partitions created by the migration before the current month
MONTHS_AHEAD = 3


def _month_start(day: datetime.date, shift: int = 0) -> datetime.date:
    index = day.year * 12 + day.month - 1 + shift
    return datetime.date(index // 12, index % 12 + 1, 1)


def _recreate_partitioned(schema_editor, model, partition_clause: str, primary_key: str) -> None:
    """Replace the (empty) table Django created by a partitioned one with the same columns, constraints and
    indexes: a unique constraint or key on a partitioned table must include the partition key."""
    table = model._meta.db_table
    quote = schema_editor.quote_name
    schema_editor.execute(f"CREATE TABLE {quote(table + '_new')} (LIKE {quote(table)} INCLUDING DEFAULTS "
                          f"INCLUDING IDENTITY) PARTITION BY {partition_clause}")
    schema_editor.execute(f"DROP TABLE {quote(table)} CASCADE")
    schema_editor.execute(f"ALTER TABLE {quote(table + '_new')} RENAME TO {quote(table)}")
    schema_editor.execute(f"ALTER TABLE {quote(table)} ADD PRIMARY KEY ({primary_key})")
    for constraint in model._meta.constraints:
        schema_editor.execute(constraint.create_sql(model, schema_editor))
    for index in model._meta.indexes:
        schema_editor.execute(index.create_sql(model, schema_editor))


def partition_event_store(schema_editor, *, today: datetime.date) -> None:
    """Called once by migration 0002 on PostgreSQL, while both tables are empty."""
    if schema_editor.connection.vendor != "postgresql":
        return
    _recreate_partitioned(schema_editor, Event, "RANGE (event_time)", "id, event_time")
    _recreate_partitioned(schema_editor, EventEpc, "HASH (epc)", "id, epc")
    for remainder in range(EPC_PARTITIONS):
        schema_editor.execute(f"CREATE TABLE trace_eventepc_p{remainder:02d} PARTITION OF trace_eventepc "
                              f"FOR VALUES WITH (MODULUS {EPC_PARTITIONS}, REMAINDER {remainder})")
    schema_editor.execute("CREATE TABLE trace_event_default PARTITION OF trace_event DEFAULT")
    first = _month_start(today, -MONTHS_BACK)
    _create_months(schema_editor.execute, first, _month_start(today, MONTHS_AHEAD + 1))


def _create_months(execute, first: datetime.date, end: datetime.date) -> list[str]:
    created, month = [], first
    while month < end:
        following = _month_start(month, 1)
        name = f"trace_event_{month:%Y%m}"
        execute(f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF trace_event "
                f"FOR VALUES FROM ('{month.isoformat()}') TO ('{following.isoformat()}')")
        created.append(name)
        month = following
    return created


def event_partitions_ensure(*, today: datetime.date, months_ahead: int = MONTHS_AHEAD) -> list[str]:
    """Create the monthly partitions from the current month to `months_ahead` months on (the daily job).
    A month whose rows already sit in the default partition is skipped; the months before it too."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(event_time) FROM trace_event_default")
        latest_default = cursor.fetchone()[0]
        first = _month_start(today)
        if latest_default is not None and latest_default.date() >= first:
            first = _month_start(latest_default.date(), 1)
        return _create_months(cursor.execute, first, _month_start(today, months_ahead + 1))

