"""Name and pinyin-initials search on the database's own text indexes.

PostgreSQL: pg_trgm GIN indexes make `LIKE '%…%'` an index scan. SQLite: an FTS5 table with the
trigram tokenizer (external content, kept in step by triggers). Both need a query of at least three
characters to use the index; shorter queries fall back to a scan that stops at the first page.
"""

from __future__ import annotations

from functools import lru_cache

from django.db import connection
from django.db.models import QuerySet
from pypinyin import Style, lazy_pinyin
from pypinyin.seg.simpleseg import seg

FTS_TABLE = "enterprises_enterprise_fts"
MIN_INDEXED_LENGTH = 3

SQLITE_FTS_SQL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "name, name_initials, content='enterprises_enterprise', content_rowid='id', tokenize='trigram')",
    f"""CREATE TRIGGER IF NOT EXISTS enterprises_enterprise_fts_ai AFTER INSERT ON enterprises_enterprise BEGIN
        INSERT INTO {FTS_TABLE}(rowid, name, name_initials) VALUES (new.id, new.name, new.name_initials);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS enterprises_enterprise_fts_ad AFTER DELETE ON enterprises_enterprise BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name, name_initials)
        VALUES ('delete', old.id, old.name, old.name_initials);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS enterprises_enterprise_fts_au AFTER UPDATE OF name, name_initials
        ON enterprises_enterprise BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name, name_initials)
        VALUES ('delete', old.id, old.name, old.name_initials);
        INSERT INTO {FTS_TABLE}(rowid, name, name_initials) VALUES (new.id, new.name, new.name_initials);
    END""",
]
SQLITE_FTS_DROP_TRIGGERS = [
    "DROP TRIGGER IF EXISTS enterprises_enterprise_fts_ai",
    "DROP TRIGGER IF EXISTS enterprises_enterprise_fts_ad",
    "DROP TRIGGER IF EXISTS enterprises_enterprise_fts_au",
]
PG_TRGM_SQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS enterprise_name_trgm ON enterprises_enterprise USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS enterprise_initials_trgm ON enterprises_enterprise "
    "USING gin (name_initials gin_trgm_ops)",
    # With default statistics the planner guesses ~1% of rows for any '%…%' pattern and, for a rare
    # name, walks the whole table by id instead of using the trigram index (2 s at 1.5 M rows).
    "ALTER TABLE enterprises_enterprise ALTER COLUMN name SET STATISTICS 3000, "
    "ALTER COLUMN name_initials SET STATISTICS 3000",
]
PG_TRGM_DROP = [
    "DROP INDEX IF EXISTS enterprise_name_trgm",
    "DROP INDEX IF EXISTS enterprise_initials_trgm",
]


@lru_cache(maxsize=200_000)
def _word_initials(word: str) -> str:
    return "".join(lazy_pinyin(word, style=Style.FIRST_LETTER, errors="default")).lower()


def name_initials(name: str) -> str:
    """Lower-case pinyin initials of a Chinese name ("郑州食品" → "zzsp"); other characters kept.

    pypinyin's own word segmentation splits the name first, so polyphones read as in the whole name,
    and the initials of each word are cached: company names reuse few words, and an import of
    200,000 rows would otherwise spend most of its time here.
    """
    return "".join(_word_initials(word) for word in seg(name))


def _fts_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def filter_by_text(queryset: QuerySet, text: str) -> QuerySet:
    """Enterprises whose name contains `text`, or whose pinyin initials contain it (Latin input)."""
    text = text.strip()
    if not text:
        return queryset
    latin = text.isascii() and text.replace(" ", "").isalpha()
    column = "name_initials" if latin else "name"
    needle = text.lower() if latin else text
    if connection.vendor == "sqlite" and len(needle) >= MIN_INDEXED_LENGTH:
        return queryset.extra(
            where=[f"enterprises_enterprise.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"],
            params=[f"{column} : {_fts_phrase(needle)}"],
        )
    return queryset.filter(**{f"{column}__contains": needle})


def rebuild_index() -> None:
    """Rebuild the SQLite FTS table from the enterprise table (after a bulk load without triggers)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
