"""Fill a fresh database with N stored articles and their LSH band rows in bulk, for
bench.neardup --bulk N: storing 1,000,000 articles one by one through the store path takes days
here, and only the index's size matters to the time of the next store.

What is written is what the store path writes (stories, articles with their sketch, the
canonical URL in article_urls, one lsh_bands row per band key), with two shortcuts:
- sketches are random, not computed from the texts: two unrelated texts' MinHash values are
  independent, so random signatures give the same index (one row per distinct key, almost no key
  shared). 15 % of the rows are copies of an earlier row with 30-55 % of their values changed,
  in its story, so some keys are shared as in a real archive;
- texts are sentences drawn from a pool (the search index gets realistic words and sizes
  without generating a million texts), each ending in its own number; their content hash is the
  SHA-256 of the raw text (unique, as normalised ones are, and a tenth of the cost).

Secondary indexes and the search index are dropped first and built again at the end (what a
bulk load does), so the result is what the migrations create. SQLite: band rows go in key order,
so its (key, article_id) table (WITHOUT ROWID: the table is that index) is appended to.
PostgreSQL: COPY, then VACUUM (ANALYZE) at the end, as autovacuum would run on a table that grew
over months: its planner statistics, and the visibility map without which the candidates'
index-only scan reads a heap page per band key (42 heap fetches a lookup right after a load).
SQLite gets no ANALYZE, as the daemon never runs one.
"""

from __future__ import annotations

import contextlib
import hashlib
import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import text as sql

from newswatch.storage.neardup import NUM_PERM, Sketch

TABLES = ("stories", "articles", "article_urls", "lsh_bands")
CHUNK = 50_000
COPY_SHARE = 0.15


def fill(sessions, count: int, words: list[str], seed: int = 5, text_words: int = 200) -> None:
    """Store `count` articles (ids 1..count, source "a") with their band rows."""
    engine = sessions.kw["bind"]
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    signatures, story_of = _signatures(rng, count)
    texts = _TextPool(random.Random(seed), words, text_words)
    postgres = engine.dialect.name == "postgresql"
    raw = engine.raw_connection()
    try:
        dbapi = raw.driver_connection
        dropped = _drop_indexes_pg(dbapi) if postgres else _drop_indexes_sqlite(dbapi)
        bands = _Bands(count)
        write = _copy_pg if postgres else _insert_sqlite
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") + ("+00" if postgres else "")
        for base in range(0, count, CHUNK):
            ids = range(base + 1, min(base + CHUNK, count) + 1)
            stories, articles, urls = [], [], []
            for aid in ids:
                story = int(story_of[aid - 1])
                sketch = Sketch(signatures[aid - 1])
                bands.add(aid, sketch.band_keys)
                body = texts.take()
                url = f"https://bulk.example/{aid:08d}"
                if story == aid:
                    stories.append((aid, f"story {aid}", now, 1, now, now, aid))
                articles.append(
                    (aid, "a" if story == aid else "b", url, url, body, "ru", now, now,
                     hashlib.sha256(body.encode()).hexdigest(), len(body.split()), story,
                     "new" if story == aid else "near", sketch.to_bytes(), "[]", 1)
                )  # fmt: skip
                urls.append((url, aid, "canonical", now))
            write(dbapi, "stories", _STORY_COLUMNS, stories)
            write(dbapi, "articles", _ARTICLE_COLUMNS, articles)
            write(dbapi, "article_urls", _URL_COLUMNS, urls)
            dbapi.commit()
            if (base // CHUNK) % 4 == 3:
                print(f"  bulk: {ids[-1]:,} articles in {time.perf_counter() - started:.0f} s")
        for rows in bands.rows(sort=not postgres):
            write(dbapi, "lsh_bands", _BAND_COLUMNS, rows)
            dbapi.commit()  # SQLite: a WAL of one chunk, not of the whole table
        print(f"  bulk: {bands.size:,} band rows in {time.perf_counter() - started:.0f} s")
        _restore(dbapi, dropped, postgres, count)
        print(f"  bulk: indexes built again in {time.perf_counter() - started:.0f} s")
    finally:
        raw.close()
    engine.dispose()  # the load's connection had its checks off: the timed stores get new ones
    if postgres:  # statistics and visibility map, as autovacuum would leave them
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                sql("VACUUM (ANALYZE)")
            )


_STORY_COLUMNS = (
    "id, title, first_published, article_count, created_at, updated_at, canonical_article_id"
)
_ARTICLE_COLUMNS = (
    "id, source_id, canonical_url, url, text, language, published, fetched_at, content_hash,"
    " word_count, story_id, dedup_reason, sketch, cited_urls, version"
)
_URL_COLUMNS = "url, article_id, reason, first_seen"
_BAND_COLUMNS = "key, article_id"


def _signatures(rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Random signatures; COPY_SHARE of them copy an earlier one with 30-55 % changed."""
    signatures = rng.integers(0, 2**32, size=(count, NUM_PERM), dtype=np.uint32)
    story_of = np.arange(1, count + 1)
    copies = np.flatnonzero(rng.random(count) < COPY_SHARE)
    copies = copies[copies > 0]
    for row in copies:
        original = int(rng.integers(0, row))
        story_of[row] = story_of[original]
        changed = rng.random(NUM_PERM) < rng.uniform(0.30, 0.55)
        signatures[row] = np.where(changed, signatures[row], signatures[original])
    return signatures, story_of


class _TextPool:
    """Texts of about `size` words: sentences drawn from a pool of Zipf-weighted ones."""

    def __init__(self, rng: random.Random, words: list[str], size: int):
        weights = [1 / (rank + 1) ** 0.9 for rank in range(len(words))]
        self.rng = rng
        self.pool = [
            " ".join(rng.choices(words, weights, k=rng.randint(8, 22))) + "." for _ in range(20_000)
        ]
        self.sentences = max(size // 15, 1)
        self.serial = 0

    def take(self) -> str:
        self.serial += 1  # every text differs, so none is an exact copy of another
        return " ".join(self.rng.choices(self.pool, k=self.sentences)) + f" {self.serial}."


class _Bands:
    """Every band row, held as two numpy columns until written."""

    def __init__(self, count: int):
        self.keys = np.empty(count * 42, dtype=np.int64)
        self.ids = np.empty(count * 42, dtype=np.int64)
        self.size = 0

    def add(self, article_id: int, keys: list[int]) -> None:
        distinct = sorted(set(keys))
        end = self.size + len(distinct)
        if end > len(self.keys):
            self.keys = np.resize(self.keys, end * 2)
            self.ids = np.resize(self.ids, end * 2)
        self.keys[self.size : end] = distinct
        self.ids[self.size : end] = article_id
        self.size = end

    def rows(self, sort: bool) -> Iterator[list[tuple]]:
        keys, ids = self.keys[: self.size], self.ids[: self.size]
        if sort:
            order = np.lexsort((ids, keys))
            keys, ids = keys[order], ids[order]
        for start in range(0, self.size, CHUNK * 10):
            end = start + CHUNK * 10
            yield list(zip(keys[start:end].tolist(), ids[start:end].tolist(), strict=True))


# --- SQLite -----------------------------------------------------------------------------


def _insert_sqlite(dbapi, table: str, columns: str, rows: list[tuple]) -> None:
    if rows:
        marks = ", ".join("?" * len(rows[0]))
        dbapi.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def _drop_indexes_sqlite(dbapi) -> list[str]:
    """Drop the explicit indexes of TABLES and the search triggers; their SQL, to restore."""
    names = ", ".join(f"'{t}'" for t in TABLES)
    found = dbapi.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND"
        f" ((type = 'index' AND tbl_name IN ({names})) OR (type = 'trigger' AND"
        " name LIKE 'articles_fts_%'))"
    ).fetchall()
    for kind, name, _ in found:
        dbapi.execute(f"DROP {kind.upper()} {name}")
    dbapi.commit()
    dbapi.execute("PRAGMA foreign_keys=OFF")  # ids are written consistently; checks cost a seek
    return [statement for _, _, statement in found]


# --- PostgreSQL -------------------------------------------------------------------------


def _copy_pg(dbapi, table: str, columns: str, rows: list[tuple]) -> None:
    if not rows:
        return
    with dbapi.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _drop_indexes_pg(dbapi) -> list[str]:
    """Drop the secondary indexes of TABLES and lsh_bands' primary key (nothing references
    it); the statements that create them again."""
    names = list(TABLES)
    restore = []
    with dbapi.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'lsh_bands'::regclass AND contype = 'p'"
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f"ALTER TABLE lsh_bands DROP CONSTRAINT {name}")
            restore.append(f"ALTER TABLE lsh_bands ADD CONSTRAINT {name} {definition}")
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s)"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            (names,),
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f"DROP INDEX {name}")
            restore.append(definition)
        # foreign keys are checked by triggers, off for this session's load
        cursor.execute("SET session_replication_role = replica")
    dbapi.commit()
    return restore


def _restore(dbapi, statements: list[str], postgres: bool, count: int) -> None:
    with dbapi.cursor() if postgres else contextlib.nullcontext(dbapi) as cursor:
        if postgres:
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("SET maintenance_work_mem = '512MB'")
        for statement in statements:
            cursor.execute(statement)
        if postgres:  # explicit ids: the sequences must follow
            for table in ("stories", "articles"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {count})")
        else:
            cursor.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
    dbapi.commit()
