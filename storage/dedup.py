"""Storing an article once and grouping copies into stories, cheapest test first:

1. a known URL (canonical, alias, AMP/mobile variant) -> the same article; changed text at the
   same URL -> a new version of it;
2. identical normalised text -> the same article on the same site, a copy in the same story
   on another site;
3. near-identical text (MinHash LSH over word shingles, verified by estimated Jaccard) -> a
   copy in the same story;
4. otherwise a new story.

Decisions are serialised by a one-row lock table, so concurrent workers on one database
never create two articles or two stories for one item.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from newswatch.storage import dedup_pg
from newswatch.storage.cursor import Cursor
from newswatch.storage.models import Article, ArticleVersion, Story
from newswatch.storage.neardup import BANDS, THRESHOLD, Sketch, sketch
from newswatch.storage.repository import NewArticle, add_urls
from newswatch.storage.types import utcnow

MAX_CANDIDATES = 20  # articles sharing the most bands with the new one, verified by Jaccard
_STORIES = Story.__table__
_ARTICLES = Article.__table__

# The statements every store runs go to the DBAPI cursor as plain SQL: SQLAlchemy's work per
# execution (cache keys, expanding the 42-key IN list, result objects, the ORM layer) cost more
# than SQLite's own (at 50k articles about 1.1 ms against 1 ms, and 0.5 ms for the sketch, per
# store). At 30k articles, in one sitting: 1.62 ms median through the cursor, 1.99 ms through
# Connection.exec_driver_sql; Core statements were 2.9 ms. They are written with "?" markers
# and use only integers, text, bytes and timestamps (bound through the column type's own
# processor, so they are stored exactly as SQLAlchemy stores them); the article's JSON column
# is json.dumps, as SQLAlchemy's JSON type writes it, and its defaults are given explicitly.
_LOCK = "UPDATE store_lock SET counter = counter + 1 WHERE id = 1"  # = repository.lock_writers
_CANDIDATES = (
    "SELECT articles.id, articles.story_id, articles.sketch"
    " FROM (SELECT article_id, count(*) AS hits FROM lsh_bands"
    f" WHERE key IN ({', '.join('?' * BANDS)})"
    f" GROUP BY article_id ORDER BY hits DESC, article_id LIMIT {MAX_CANDIDATES}) AS best"
    " JOIN articles ON articles.id = best.article_id"
)
# The PostgreSQL insert's columns and values (article_values' order), with SQLite's markers.
_INSERT_ARTICLE = (
    f"INSERT INTO articles (story_id, {dedup_pg.ARTICLE_COLUMNS})"
    f" VALUES (?, {dedup_pg.ARTICLE_VALUES.replace('%s', '?')}) RETURNING id"
)
_INSERT_STORY = (
    "INSERT INTO stories (title, first_published, article_count, created_at, updated_at)"
    " VALUES (?, ?, 1, ?, ?) RETURNING id"
)
_SET_CANONICAL = "UPDATE stories SET canonical_article_id = ? WHERE id = ?"
_INSERT_BANDS = "INSERT INTO lsh_bands (key, article_id)"
_DELETE_BANDS = f"DELETE FROM lsh_bands WHERE article_id = ? AND key IN ({', '.join('?' * BANDS)})"
# SQLite: _refresh_story's rule in one statement (the story's id at every "?", then the time):
# loading every member into Python and decoding its citations made a copy's store grow with
# its story (a fifth of the store at ~20 members). PostgreSQL does it in dedup_pg._REFRESH.
_REFRESH_SQLITE = (
    "WITH members AS (SELECT id, canonical_url, title, published, cited_urls FROM articles"
    " WHERE story_id = ?),"
    " cited AS (SELECT DISTINCT c.value AS url FROM members m, json_each(CASE WHEN"
    " json_valid(m.cited_urls) AND json_type(m.cited_urls) = 'array' THEN m.cited_urls"
    " ELSE '[]' END) AS c),"
    " canonical AS (SELECT id, title FROM members ORDER BY"
    " canonical_url IN (SELECT url FROM cited) DESC, published IS NULL, published, id LIMIT 1)"
    " UPDATE stories SET canonical_article_id = (SELECT id FROM canonical),"
    " title = (SELECT title FROM canonical),"
    " first_published = (SELECT min(published) FROM members),"
    " article_count = (SELECT count(*) FROM members), updated_at = ?"
    " WHERE id = ? AND EXISTS (SELECT 1 FROM members)"
)
_INSERT_URLS = "INSERT INTO article_urls (url, article_id, reason, first_seen)"


@lru_cache(maxsize=16)
def _lookup(url_count: int) -> str:
    """Known URLs (kind 0: the seen-URL index, or the canonical URL once that expired) and the
    oldest article with the same normalised text (kind 1), in one round trip."""
    return (
        "SELECT 0, article_id, CAST(NULL AS INTEGER), CAST(NULL AS VARCHAR(64))"
        " FROM article_urls"
        f" WHERE url IN ({', '.join('?' * url_count)})"
        " UNION ALL SELECT 0, id, NULL, NULL FROM articles WHERE canonical_url = ?"
        " UNION ALL SELECT * FROM (SELECT 1, id, story_id, source_id FROM articles"
        " WHERE content_hash = ? ORDER BY id LIMIT 1) AS same_text"
    )


@dataclass(frozen=True)
class Copy:
    """The stored article a new one was found to copy."""

    id: int
    story_id: int | None


@dataclass(frozen=True)
class StoreOutcome:
    status: Literal["new", "duplicate", "updated"]
    article_id: int
    story_id: int
    reason: str  # new | url | content | near | version
    score: float | None = None


def store_article(session: Session, new: NewArticle) -> StoreOutcome:
    # outside the lock: the costly part (done ahead by an extraction worker when it can be)
    signature = new.sketch if new.sketch is not None else sketch(new.text)
    cursor = Cursor(session)
    urls = {new.canonical_url: "canonical"}
    for alias in new.alias_urls:
        urls.setdefault(alias, "alias")
    lookup = (_lookup(len(urls)), [*urls, new.canonical_url, new.content_hash])
    near_rows = None
    if cursor.pipelined:
        session.flush()  # first here: the lock and the lookups below go out together
        statements = [(dedup_pg.ASYNC_COMMIT, ()), (_LOCK, ()), lookup]
        if signature is not None:  # sent ahead: ignored when the URL or text is known
            statements.append((_CANDIDATES, signature.band_keys))
        answers = cursor.pipeline(statements)
        found = answers[2]
        near_rows = answers[3] if signature is not None else None
    else:
        cursor.run(_LOCK)  # the writers' lock, first: check-then-insert decisions never race
        session.flush()  # anything the caller added, before statements the ORM does not see
        found = cursor.rows(*lookup)
    known = next((row[1] for row in found if row[0] == 0), None)
    if known is not None:
        article = session.get_one(Article, known)
        add_urls(session, article.id, urls)
        if article.content_hash == new.content_hash:
            return StoreOutcome("duplicate", article.id, article.story_id or 0, "url")
        _new_version(session, cursor, article, new, signature)
        return StoreOutcome("updated", article.id, article.story_id or 0, "version")

    same_text = next((row[1:] for row in found if row[0] == 1), None)
    if same_text is not None and same_text[2] == new.source_id:
        add_urls(session, same_text[0], dict.fromkeys(urls, "same_content"))
        return StoreOutcome("duplicate", same_text[0], same_text[1] or 0, "content")

    match: Copy | None = None
    score, reason = None, "new"
    if same_text is not None:
        match, score, reason = Copy(same_text[0], same_text[1]), 1.0, "content"
    elif signature is not None and (near := _nearest(cursor, signature, near_rows)):
        match, score = near
        reason = "near"
    if cursor.pipelined:
        stored = _insert_pg(cursor, new, signature, match, reason, score, urls)
    else:
        stored = _insert(cursor, new, signature, match, reason, score)
        now = cursor.driver.timestamp(utcnow())
        # none of them is known: checked above, under the lock
        cursor.insert(_INSERT_URLS, [(u, stored.id, r, now) for u, r in urls.items()])
    if match is not None and not cursor.pipelined:  # PostgreSQL: refreshed by _insert_pg
        _refresh_story(session, stored.story_id, cursor)
    return StoreOutcome("new", stored.id, stored.story_id or 0, reason, score)


def _insert_pg(
    cursor: Cursor,
    new: NewArticle,
    signature: Sketch | None,
    match: Copy | None,
    reason: str,
    score: float | None,
    urls: dict[str, str],
) -> Copy:
    """Story (when the article starts one, else its story refreshed), article, bands and URLs:
    one statement. A copy of an article without a story starts one of its own, whose row the
    insert already makes what a refresh would."""
    stamp = cursor.driver.timestamp
    now = stamp(utcnow())
    values = dedup_pg.article_values(
        new, stamp, now, reason, score, match.id if match is not None else None,
        signature.to_bytes() if signature is not None else None,
    )  # fmt: skip
    keys = sorted(set(signature.band_keys)) if signature is not None else []
    rest = [keys, now, list(urls), list(urls.values())]
    if match is not None and match.story_id is not None:
        params = [match.story_id, *values, *rest, now]  # the story refreshed in the statement
        [(article_id, story_id)] = cursor.rows(dedup_pg.INSERT_INTO_STORY, params)
    else:
        story = [new.title, stamp(new.published), now, now]
        [(article_id, story_id)] = cursor.rows(dedup_pg.INSERT_WITH_STORY, [*story, *values, *rest])
    return Copy(article_id, story_id)


def _insert(
    cursor: Cursor,
    new: NewArticle,
    signature: Sketch | None,
    match: Copy | None,
    reason: str,
    score: float | None,
) -> Copy:
    """Insert the article (and its story when it starts one)."""
    if match is not None and match.story_id is not None:
        story_id = match.story_id
    else:
        now = cursor.driver.timestamp(utcnow())
        published = cursor.driver.timestamp(new.published)
        [(story_id,)] = cursor.rows(_INSERT_STORY, (new.title, published, now, now))
    stamp = cursor.driver.timestamp
    values = dedup_pg.article_values(
        new, stamp, stamp(utcnow()), reason, score, match.id if match is not None else None,
        signature.to_bytes() if signature is not None else None,
    )  # fmt: skip
    [(article_id,)] = cursor.rows(_INSERT_ARTICLE, [story_id, *values])
    if match is None:
        cursor.run(_SET_CANONICAL, (article_id, story_id))
    _index(cursor, article_id, signature)
    return Copy(article_id, story_id)


def _index(cursor: Cursor, article_id: int, signature: Sketch | None) -> None:
    if signature is None:
        return
    # in key order: neighbouring inserts into the key index touch fewer pages
    keys = sorted(set(signature.band_keys))
    cursor.insert(_INSERT_BANDS, [(key, article_id) for key in keys])


def _nearest(
    cursor: Cursor, signature: Sketch, rows: list[tuple[Any, ...]] | None = None
) -> tuple[Copy, float] | None:
    """The most similar indexed article above THRESHOLD: the articles sharing the most bands
    are the candidates (``rows``, when already fetched), the signatures' agreement (estimated
    Jaccard) decides."""
    best: tuple[float, int, Copy] | None = None
    if rows is None:
        rows = cursor.rows(_CANDIDATES, signature.band_keys)
    for article_id, story_id, data in rows:
        if data is None:
            continue
        scored = (
            signature.jaccard(Sketch.from_bytes(data)),
            -article_id,
            Copy(article_id, story_id),
        )
        if best is None or scored[:2] > best[:2]:  # most similar, then oldest
            best = scored
    if best is None or best[0] < THRESHOLD:
        return None
    return best[2], best[0]


def _new_version(
    session: Session, cursor: Cursor, article: Article, new: NewArticle, signature: Sketch | None
) -> None:
    """Keep the old text as a version; the article shows the newest; the story stays."""
    session.add(
        ArticleVersion(
            article_id=article.id,
            version=article.version,
            title=article.title,
            text=article.text,
            content_hash=article.content_hash,
            fetched_at=article.fetched_at,
        )
    )
    article.version += 1
    article.title = new.title
    article.text = new.text
    article.content_hash = new.content_hash
    article.word_count = len(new.text.split())
    article.description = new.description
    article.fetched_at = utcnow()
    if new.published is not None:
        article.published = new.published
    if article.sketch is not None:  # its old bands, found by key (the only index they have)
        old_keys = Sketch.from_bytes(article.sketch).band_keys
        cursor.run(_DELETE_BANDS, (article.id, *old_keys))
    article.sketch = signature.to_bytes() if signature is not None else None
    session.flush()
    _index(cursor, article.id, signature)
    _refresh_story(session, article.story_id, cursor)


def _refresh_story(session: Session, story_id: int | None, cursor: Cursor) -> None:
    """Canonical copy: the one another copy cites, else the earliest published. SQLite runs
    _REFRESH_SQLITE; PostgreSQL refreshes in _insert_pg's statement and comes here only for a
    new version, with Core statements (loading every member as an ORM object cost more than
    the rest of a store)."""
    if story_id is None:
        return
    if cursor.driver.name == "sqlite":
        cursor.run(_REFRESH_SQLITE, (story_id, cursor.driver.timestamp(utcnow()), story_id))
        return
    columns = _ARTICLES.c
    connection = session.connection()
    members = connection.execute(
        select(
            columns.id, columns.canonical_url, columns.title, columns.published, columns.cited_urls
        ).where(columns.story_id == story_id)
    ).all()
    if not members:
        return
    cited = {url for member in members for url in (member.cited_urls or [])}
    far_future = utcnow().replace(year=9999)
    canonical = min(
        members,
        key=lambda m: (m.canonical_url not in cited, m.published or far_future, m.id),
    )
    published = [m.published for m in members if m.published is not None]
    connection.execute(
        update(_STORIES)
        .where(_STORIES.c.id == story_id)
        .values(
            canonical_article_id=canonical.id,
            title=canonical.title,
            first_published=min(published) if published else None,
            article_count=len(members),
            updated_at=utcnow(),
        )
    )
