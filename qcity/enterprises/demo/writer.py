"""Bulk writes of the demo enterprises without the ORM: one `executemany` on SQLite, COPY on PostgreSQL,
with the text-search indexes built once at the end instead of row by row.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor

from django.db import DatabaseError, connections

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
                # Fire checks still queued in this transaction (ALTER TABLE refuses pending trigger events).
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
                cursor.execute("SET LOCAL synchronous_commit = off")
                for statement in search.PG_INDEX_DROP:
                    cursor.execute(statement)
                # Foreign keys are checked per row at commit (1.5 M trigger calls); dropping them and
                # adding them back validates the whole table with one join instead.
                cursor.execute(
                    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])", [list(tables)])
                self._dropped_fks = cursor.fetchall()
                for table, name, _definition in self._dropped_fks:
                    cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')

    def after_load(self) -> None:
        with self.connection.cursor() as cursor:
            if self.vendor == "sqlite":
                self.log("building the full-text index")
                search.rebuild_index()
                for statement in search.SQLITE_FTS_SQL:
                    cursor.execute(statement)
                cursor.execute(f"PRAGMA cache_size = {self._cache_size}")
            elif self.vendor == "postgresql":
                for table, name, definition in self._dropped_fks:
                    cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are initially deferred

    def indexes_build(self) -> None:
        """PostgreSQL, after the rows are committed: the grams indexes, each from its own connection at once
        when no outer transaction holds the rows (a GIN build uses one core: 17 s for both instead of 33 s
        on two cores), else one after the other in this one; then the table's statistics."""
        if self.vendor != "postgresql":
            return
        self.log("building the grams indexes")
        function, *indexes = search.PG_INDEX_SQL
        with self.connection.cursor() as cursor:
            cursor.execute(function)
            if not self.connection.in_atomic_block:
                try:
                    with ThreadPoolExecutor(len(indexes)) as pool:
                        list(pool.map(_index_build, indexes))
                except DatabaseError as exc:  # e.g. out of memory: build what is missing one at a time below
                    self.log(f"building the grams indexes at once failed ({exc}); one after the other")
            for statement in indexes:  # CREATE INDEX IF NOT EXISTS: nothing to do after the parallel build
                cursor.execute(statement)
            cursor.execute("ANALYZE enterprises_enterprise")

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


def _index_build(statement: str) -> None:
    """One CREATE INDEX on this thread's own connection (Django's connections are per thread)."""
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")  # two builds at once: 1 GB in all
            cursor.execute(statement)
    finally:
        connections.close_all()


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
