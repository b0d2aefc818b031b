"""Enterprise search by credit code, name substring or pinyin initials: fast for every term a clerk types.

Which index serves which term (the README's "Enterprise search" section says the same for users):

- **A credit code** (18 letters and digits): the unique index on `uscc`; no text search.
- **A frequent term** ("有限公司", "食品", a district's name): a probe reads the newest PROBE_ROWS rows of
  the list the user may see; when at least PROBE_FREQUENT of them match, the page is read newest first
  with a plain substring test (`instr` / `strpos`, which no index serves), stopping after one page, and
  the total is an estimate from the probe ("约 N 条"), exact on request. Reading a posting list of a
  million names would take far longer than finding fifty in the newest few thousand rows.
- **A middling term in a list of millions**: fewer than PROBE_FREQUENT matches in the probe, but by their
  share more than INDEX_MATCHES in the whole list (a county's name among 10 million): a deeper probe reads
  the newest PROBE_FREQUENT matches within DEEPER_PROBES times the probe's range; found, the term is read
  as a frequent one with the estimate from them; not found, it is rarer than it looked and takes the index.
- **Any other term**, by its length:
  - SQLite: the FTS5 table with the trigram tokenizer (external content, kept in step by triggers). Its
    text ends with two unit separators (char 31, which no term holds: control characters are dropped),
    so every one or two characters start a trigram. Terms of three or more characters ask for their two
    rarest trigrams (counts from the index's own vocabulary table) and the substring is checked on the
    rows found; terms of one or two characters ask for every trigram that starts with them, which is
    exact.
  - PostgreSQL: a GIN index on the array of each text's substrings of one and two characters (names)
    or two and three (initials): `qcity_grams`. A term that short is one exact key; a longer one asks
    for all its substrings of the longest length, and the substring is checked on the rows found.
- Counts on the index paths are exact up to `core.pagination.COUNT_CAP`.

Terms are normalised first: full-width Latin letters and digits become half-width, control characters
and surrounding spaces go, and Latin-only terms search the initials. Nothing a user types reaches FTS or
SQL syntax: phrases are quoted and all values are parameters.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q, QuerySet, Value
from django.db.models.functions import StrIndex
from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT, PINYIN_DICT
from pypinyin.seg.simpleseg import seg
from pypinyin.style import convert as convert_style

FTS_TABLE = "enterprises_enterprise_fts"
FTS_VOCABULARY = "enterprises_enterprise_fts_vocab"
FTS_CONTENT = "enterprises_enterprise_search"  # the view the FTS table indexes: the texts + char(31, 31)
CODE_LENGTH = 18
PROBE_ROWS = 10_000
PROBE_FREQUENT = 25  # 0.25 % of the probe: half a page within it, an estimate within ±40 % (Poisson, 2σ)
# Matches in the whole list (the probe's, scaled) beyond which the index path reads more rows than the scan
# newest first does for a page and PROBE_FREQUENT matches; only a list of millions reaches it below
# PROBE_FREQUENT (at 1.5 million, 34 matches of the probe; about 2 million rows is the least).
INDEX_MATCHES = 5_000
DEEPER_PROBES = 20  # how far the deeper probe reads, in id ranges of the first (about 200,000 of the list's rows)
EXACT_SPAN = 10
SHORT_TOKENS = 3_000  # trigrams starting with a 1–2 character term, beyond which the term counts as frequent

SQLITE_FTS_INSERT_TRIGGER = f"""CREATE TRIGGER IF NOT EXISTS enterprises_enterprise_fts_ai AFTER INSERT ON enterprises_enterprise BEGIN
        INSERT INTO {FTS_TABLE}(rowid, name, name_initials)
        VALUES (new.id, new.name || char(31, 31), new.name_initials || char(31, 31));
    END"""
SQLITE_FTS_SQL = [
    f"CREATE VIEW IF NOT EXISTS {FTS_CONTENT} AS SELECT id, name || char(31, 31) AS name, "
    f"name_initials || char(31, 31) AS name_initials FROM enterprises_enterprise",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    f"name, name_initials, content='{FTS_CONTENT}', content_rowid='id', tokenize='trigram')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_VOCABULARY} USING fts5vocab({FTS_TABLE}, 'col')",
    SQLITE_FTS_INSERT_TRIGGER,
    f"""CREATE TRIGGER IF NOT EXISTS enterprises_enterprise_fts_ad AFTER DELETE ON enterprises_enterprise BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name, name_initials)
        VALUES ('delete', old.id, old.name || char(31, 31), old.name_initials || char(31, 31));
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS enterprises_enterprise_fts_au AFTER UPDATE OF name, name_initials
        ON enterprises_enterprise BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name, name_initials)
        VALUES ('delete', old.id, old.name || char(31, 31), old.name_initials || char(31, 31));
        INSERT INTO {FTS_TABLE}(rowid, name, name_initials)
        VALUES (new.id, new.name || char(31, 31), new.name_initials || char(31, 31));
    END""",
]
SQLITE_FTS_DROP_TRIGGERS = [
    "DROP TRIGGER IF EXISTS enterprises_enterprise_fts_ai",
    "DROP TRIGGER IF EXISTS enterprises_enterprise_fts_ad",
    "DROP TRIGGER IF EXISTS enterprises_enterprise_fts_au",
]
SQLITE_FTS_DROP = [
    *SQLITE_FTS_DROP_TRIGGERS,
    f"DROP TABLE IF EXISTS {FTS_VOCABULARY}",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
    f"DROP VIEW IF EXISTS {FTS_CONTENT}",
]
PG_GRAMS_FUNCTION = (
    # The substrings of $2 to $3 characters of a text, for a GIN index that answers any term: a term of
    # $2 to $3 characters is one exact key; a longer one asks for all its substrings of $3 characters, and
    # the substring test runs on the rows found. Names take 1–2 (pairs of Chinese characters are already
    # rare), pinyin initials 2–3 (pairs of 26 letters are not; a single letter that is not frequent is
    # no pinyin initial and is scanned for). pg_trgm cannot serve terms under three characters, and it
    # splits words at punctuation ("（郑州" asked for every name holding 郑州). PL/pgSQL, four times faster
    # here than SQL with generate_series; COST keeps the planner from calling it on every row.
    "CREATE OR REPLACE FUNCTION qcity_grams(text, integer, integer) RETURNS text[] LANGUAGE plpgsql "
    "IMMUTABLE STRICT PARALLEL SAFE COST 10000 AS $$ DECLARE grams text[] := CASE WHEN $2 = 1 "
    "THEN string_to_array($1, NULL) ELSE '{}' END; n integer := char_length($1); BEGIN "
    "FOR k IN greatest($2, 2) .. $3 LOOP FOR i IN 1 .. n - k + 1 LOOP grams := grams || substr($1, i, k); "
    "END LOOP; END LOOP; RETURN grams; END $$"
)
GRAM_LENGTHS = {"name": (1, 2), "name_initials": (2, 3)}
PG_INDEX_SQL = [
    PG_GRAMS_FUNCTION,
    "CREATE INDEX IF NOT EXISTS enterprise_name_grams ON enterprises_enterprise "
    "USING gin (qcity_grams(name, 1, 2))",
    "CREATE INDEX IF NOT EXISTS enterprise_initials_grams ON enterprises_enterprise "
    "USING gin (qcity_grams(name_initials, 2, 3))",
]
PG_INDEXES = ("enterprise_name_grams", "enterprise_initials_grams")
PG_INDEX_DROP = [f"DROP INDEX IF EXISTS {index}" for index in PG_INDEXES]

# Full-width Latin letters and digits, and the ideographic space, as a clerk's IME may type them.
# (Full-width punctuation stays: registered names are written with "（）".)
_HALF_WIDTH = {0x3000: " ", **{c: chr(c - 0xFEE0) for c in range(0xFF10, 0xFF5B) if chr(c - 0xFEE0).isalnum()}}
_CONTROL = dict.fromkeys(range(0x20))


@lru_cache(maxsize=200_000)
def _word_initials(word: str) -> str:
    return "".join(lazy_pinyin(word, style=Style.FIRST_LETTER, errors="default")).lower()


@lru_cache(maxsize=1)
def _initials_tables() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """From pypinyin's own dictionaries: each character's initial in its default reading, and, per
    character, the phrases that read it with another initial ("行长" for 长: h-z, not c).

    Built once per process (about 0.1 s) for `name_initials`' fast path."""
    initial: dict[str, str] = {}  # reading ("zhǎng") → initial ("z"): 1,500-odd readings, converted once

    def initial_of(reading: str) -> str:
        letter = initial.get(reading)
        if letter is None:
            letter = initial[reading] = convert_style(reading, Style.FIRST_LETTER, strict=True)
        return letter

    default = {chr(point): initial_of(readings.split(",", 1)[0]) for point, readings in PINYIN_DICT.items()}
    deviant: dict[str, list[str]] = {}
    for phrase, readings in PHRASES_DICT.items():
        for char, reading in zip(phrase, readings, strict=False):
            if initial_of(reading[0]) != default.get(char):
                deviant.setdefault(char, []).append(phrase)
    return default, {char: tuple(phrases) for char, phrases in deviant.items()}


def name_initials(name: str) -> str:
    """Lower-case pinyin initials of a Chinese name ("郑州食品" → "zzsp"); other characters kept.

    As pypinyin reads the whole name: its word segmentation first, so polyphones read as in their
    phrase ("银行" yh, "行长" hz). That segmentation is most of an import's time with names from outside
    a fixed vocabulary, and it changes the result only where the name holds a phrase that reads one of
    its characters with another initial than the character's default — about 3 % of names. Every other
    name is read character by character from a table built from the same dictionaries (same result,
    five times faster; tests compare the two on generated and random names).
    """
    default, deviant = _initials_tables()
    # Σ: the one letter Python lower-cases by its context (a final ς), and pypinyin lower-cases word by word
    if "Σ" in name or any(phrase in name for char in name for phrase in deviant.get(char, ())):
        return "".join(_word_initials(word) for word in seg(name))
    return "".join([default.get(char, char) for char in name]).lower()


def term_normalised(text: str) -> str:
    return " ".join(text.translate(_HALF_WIDTH).translate(_CONTROL).split())


def credit_code(text: str) -> str | None:
    """The credit code a term is, upper-cased, or None: 18 ASCII letters and digits."""
    code = term_normalised(text).upper()
    return code if len(code) == CODE_LENGTH and code.isascii() and code.isalnum() else None


@dataclass(frozen=True)
class TextSearch:
    """The enterprises a term finds; `estimate` is their approximate number when counting them exactly
    would read more rows than a page needs (a frequent term), else None."""

    queryset: QuerySet
    estimate: int | None = None


def search(queryset: QuerySet, text: str) -> TextSearch:
    """Enterprises of `queryset` with the credit code `text`, or whose name (or, for Latin letters, pinyin
    initials) holds it."""
    if code := credit_code(text):
        return TextSearch(queryset.filter(uscc=code))
    term = term_normalised(text)
    if not term or queryset.query.is_empty():
        return TextSearch(queryset)
    latin = term.isascii() and term.replace(" ", "").isalpha()
    column, needle = ("name_initials", term.lower()) if latin else ("name", term)
    probe = _probe(queryset, column, needle)
    if probe["rows"] < PROBE_ROWS:  # a short list: the substring test reads all of it
        return TextSearch(_substring(queryset, column, needle))
    if not probe["matches"]:  # none among the newest rows: a rare term
        return TextSearch(_indexed(queryset, column, needle))
    low = queryset.order_by("pk").values_list("pk", flat=True)[0]  # where the list starts, to scale the probe
    if probe["matches"] < PROBE_FREQUENT and probe["matches"] * _span(low, probe["oldest"], probe["newest"]) > INDEX_MATCHES:
        probe = _deeper_probe(queryset, column, needle, probe)
    if probe["matches"] >= PROBE_FREQUENT:
        return TextSearch(_substring(queryset, column, needle),
                          _estimate(probe["matches"], _span(low, probe["oldest"], probe["newest"])))
    return TextSearch(_indexed(queryset, column, needle))


def filter_by_text(queryset: QuerySet, text: str) -> QuerySet:
    return search(queryset, text).queryset


def _substring(queryset: QuerySet, column: str, needle: str) -> QuerySet:
    """The plain test (INSTR / STRPOS), which no text index serves: the planner reads newest first."""
    return queryset.alias(_position=StrIndex(column, Value(needle))).filter(_position__gt=0)


def _probe(queryset: QuerySet, column: str, needle: str) -> dict:
    """Rows read, rows matching, and the oldest and newest ids read, over the newest PROBE_ROWS rows."""
    rows = queryset.order_by("-pk").alias(_position=StrIndex(column, Value(needle)))[:PROBE_ROWS]
    return rows.aggregate(rows=Count("pk"), matches=Count("pk", filter=Q(_position__gt=0)), oldest=Min("pk"),
                          newest=Max("pk"))


def _deeper_probe(queryset: QuerySet, column: str, needle: str, probe: dict) -> dict:
    """For a term of middling frequency in a long list: the newest PROBE_FREQUENT matches, read newest first
    within DEEPER_PROBES times the first probe's id range. Its matches stay below PROBE_FREQUENT when the
    term is rarer than the first probe suggested (the index path then serves it)."""
    bound = probe["newest"] - (probe["newest"] - probe["oldest"] + 1) * DEEPER_PROBES
    found = (_substring(queryset.filter(pk__gt=bound), column, needle).order_by("-pk")
             .values_list("pk", flat=True)[:PROBE_FREQUENT])
    ids = list(found)
    return {**probe, "matches": len(ids), "oldest": min(ids, default=probe["oldest"])}


def _span(low: int, oldest: int, newest: int) -> float:
    """How many times the probe's id range the whole list's is: rows are numbered as they are registered,
    so a list's rows and a term's matches spread evenly enough over the ids to scale by it."""
    return (newest - low + 1) / (newest - oldest + 1)


def _estimate(matches: int, span: float) -> int | None:
    """The number of matches in the whole list, to two significant figures, from the probe's share.
    None when the probe read a tenth of the list or more: counting reads at most ten times the probe."""
    if span <= EXACT_SPAN:
        return None
    estimate = matches * span
    magnitude = 10 ** max(0, len(str(int(estimate))) - 2)
    return int(round(estimate / magnitude) * magnitude)


def _indexed(queryset: QuerySet, column: str, needle: str) -> QuerySet:
    if connection.vendor == "sqlite":
        return _fts(queryset, column, needle)
    if connection.vendor != "postgresql":
        return _substring(queryset, column, needle)
    shortest, longest = GRAM_LENGTHS[column]
    if len(needle) < shortest:
        return _substring(queryset, column, needle)
    grams = sorted({needle[i:i + longest] for i in range(len(needle) - longest + 1)} or {needle})
    # The ids come from the grams index as an array (an InitPlan), so the page and the capped count read
    # the primary key with `= ANY` and never walk the table newest first looking for a rare term.
    found = queryset.extra(
        where=[f"enterprises_enterprise.id = ANY(ARRAY(SELECT id FROM enterprises_enterprise "
               f"WHERE qcity_grams({column}, {shortest}, {longest}) @> %s::text[]))"],
        params=[grams])
    return found if len(needle) <= longest else _substring(found, column, needle)


def _quoted(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _fts(queryset: QuerySet, column: str, needle: str) -> QuerySet:
    """The SQLite path: the rows holding the term's trigrams, then the substring test on those rows."""
    folded = needle.lower()  # the trigram tokenizer folds case
    with connection.cursor() as cursor:
        if len(folded) >= 3:
            trigrams = sorted({folded[i:i + 3] for i in range(len(folded) - 2)})
            cursor.execute(f"SELECT term, doc FROM {FTS_VOCABULARY} WHERE col = %s AND term IN "
                           f"({', '.join(['%s'] * len(trigrams))})", [column, *trigrams])
            documents = dict(cursor.fetchall())
            if len(documents) < len(trigrams):  # a trigram no name holds
                return queryset.none()
            rarest = sorted(trigrams, key=documents.__getitem__)[:2]
            expression = " AND ".join(_quoted(t) for t in rarest)
            exact = len(folded) == 3
        else:
            cursor.execute(f"SELECT term FROM {FTS_VOCABULARY} WHERE col = %s AND term >= %s AND term < %s "
                           f"LIMIT {SHORT_TOKENS + 1}", [column, folded, folded + "\U0010ffff"])
            tokens = [t for (t,) in cursor.fetchall()]
            if not tokens:
                return queryset.none()
            if len(tokens) > SHORT_TOKENS:
                return _substring(queryset, column, needle)
            expression = " OR ".join(_quoted(t) for t in tokens)
            exact = True
    found = queryset.extra(
        where=[f"enterprises_enterprise.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"],
        params=[f"{column} : ({expression})"])
    # The tokenizer folds case; the substring test (as on every other path) does not.
    return found if exact and needle.lower() == needle.upper() else _substring(found, column, needle)


def rebuild_index() -> None:
    """Rebuild the SQLite FTS table from the enterprise table (after a bulk load without triggers)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


@contextmanager
def index_bulk_write() -> Iterator[None]:
    """Around inserting many new enterprises in the current transaction (an import); the block may only insert.

    SQLite: the FTS insert trigger is dropped, and the new rows (ids above the newest before) are added
    to the FTS table in one statement afterwards, and the trigger created again. Row by row, the trigger made
    FTS5 write its pending terms at the end of every statement: ten times the cost of the insert itself (5.4 s
    against 0.5 s for 50,000 rows into the city's 1.5 million). All of it runs in a savepoint, so an error in
    the block restores the trigger even if the caller goes on in its transaction; other writers wait for the
    transaction, as for any write. Updating or deleting the new rows in the block would send the FTS table a
    "delete" for entries it does not hold yet.

    PostgreSQL: the grams indexes collect the new entries in their pending lists (GIN's fast update)
    instead of merging them every 4 MB, and merge them in one pass afterwards, so searches do not read
    a long pending list.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("index_bulk_write() must run inside transaction.atomic()")
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL gin_pending_list_limit = '1GB'")
            elif connection.vendor == "sqlite":
                cursor.execute("DROP TRIGGER IF EXISTS enterprises_enterprise_fts_ai")
                cursor.execute("SELECT COALESCE(MAX(id), 0) FROM enterprises_enterprise")
                newest = cursor.fetchone()[0]
        yield
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                for index in PG_INDEXES:  # an index a failed demo left missing is skipped, not an error
                    cursor.execute("SELECT gin_clean_pending_list(to_regclass(%s))", [index])  # strict: NULL, no call
            elif connection.vendor == "sqlite":
                cursor.execute(f"INSERT INTO {FTS_TABLE}(rowid, name, name_initials) "
                               f"SELECT id, name, name_initials FROM {FTS_CONTENT} WHERE id > %s", [newest])
                cursor.execute(SQLITE_FTS_INSERT_TRIGGER)
