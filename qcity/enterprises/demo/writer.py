"""Bulk writes of the demo enterprises without the ORM: one `executemany` on SQLite, COPY on PostgreSQL,
with the text-search indexes built once at the end instead of row by row.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.db import connections

from qcity.core.bulk import foreign_keys_drop, foreign_keys_restore

from .. import search


class _Writer:
    """Bulk writes without the ORM, and the index work around them, for one database vendor."""

    def __init__(self, connection, log) -> None:
        self.connection = connection
        self.vendor = connection.vendor
        self.log = log
        self.raw = connection.connection
        self._dropped_fks: list[tuple[str, str, str]] = []

    # --- setup / teardown
    def reserve_ids(self, table: str, count: int) -> int:
        """First of `count` consecutive ids that nobody else will be given."""
        with self.connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                sequence = cursor.fetchone()[0]
                cursor.execute(f"SELECT GREATEST(nextval(%s), (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}))",
                               [sequence])
                first = cursor.fetchone()[0]
                cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
                return first
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            first = cursor.fetchone()[0] + 1
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            return max(first, (row[0] + 1) if row else 1)

    def before_load(self, tables: Sequence[str]) -> None:
        with self.connection.cursor() as cursor:
            if self.vendor == "sqlite":
                cursor.execute("PRAGMA cache_size")
                self._cache_size = int(cursor.fetchone()[0])  # restored after the load
                cursor.execute("PRAGMA cache_size = -1000000")  # 1 GB page cache for the index inserts
                for statement in search.SQLITE_FTS_DROP_TRIGGERS:
                    cursor.execute(statement)
            elif self.vendor == "postgresql":
                cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
                cursor.execute("SET LOCAL synchronous_commit = off")
                for statement in search.PG_INDEX_DROP:
                    cursor.execute(statement)
        # foreign keys checked per row at commit (1.5 M trigger calls) on PostgreSQL: once per table instead
        self._dropped_fks = foreign_keys_drop(tables)

    def after_load(self) -> None:
        with self.connection.cursor() as cursor:
            if self.vendor == "sqlite":
                self.log("building the full-text index")
                search.rebuild_index()
                for statement in search.SQLITE_FTS_SQL:
                    cursor.execute(statement)
                cursor.execute(f"PRAGMA cache_size = {self._cache_size}")
        foreign_keys_restore(self._dropped_fks)

    # --- rows
    def write(self, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
        if self.vendor == "postgresql":
            return self._copy(table, columns, rows)
        placeholders = ", ".join(["?"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
        counter = _Counter(rows)
        self.raw.executemany(sql, counter)
        return counter.n

    def _copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
        """COPY in text format. Our values never hold tabs, newlines or backslashes; None is \\N."""
        n = 0
        with self.raw.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                buffer: list[str] = []
                for row in rows:
                    buffer.append("\t".join("\\N" if v is None else v if isinstance(v, str) else str(v)
                                            for v in row))
                    n += 1
                    if len(buffer) >= 20_000:
                        copy.write("\n".join(buffer) + "\n")
                        buffer.clear()
                if buffer:
                    copy.write("\n".join(buffer) + "\n")
        return n


def indexes_build(log) -> None:
    """PostgreSQL, once the rows are committed or in the transaction that holds them: the grams indexes, then
    the table's statistics and, outside a transaction, a VACUUM (hint bits and the visibility map now rather
    than on the first reads of every page). On this thread's own connection: `qcity demo` runs it in the
    background (`DemoContext.in_background`) while the next generators write, one index after the other (a
    GIN build uses one core; the other writes)."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        return
    log("building the grams indexes")
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for statement in search.PG_INDEX_SQL:  # the function the indexes use, then CREATE INDEX IF NOT EXISTS
            cursor.execute(statement)
        cursor.execute("RESET maintenance_work_mem")
        cursor.execute("ANALYZE enterprises_enterprise")
        if not connection.in_atomic_block:
            cursor.execute("VACUUM enterprises_enterprise")
    log("grams indexes built")


class _Counter:
    def __init__(self, rows: Iterable) -> None:
        self.rows = iter(rows)
        self.n = 0

    def __iter__(self):
        return self

    def __next__(self):
        row = next(self.rows)
        self.n += 1
        return row


def _timestamp(vendor: str) -> str:
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    return now.isoformat(sep=" ") + ("+00:00" if vendor == "postgresql" else "")


def _bool(vendor: str, value: bool):
    return ("t" if value else "f") if vendor == "postgresql" else int(value)
