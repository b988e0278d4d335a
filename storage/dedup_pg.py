"""The store path on PostgreSQL in two round trips: psycopg's pipeline mode sends the writers'
lock, the URL/text lookup and the near-duplicate candidates together and reads the three
answers once; a new article is then written by one statement of data-modifying CTEs (story,
article, LSH bands, URLs; for a copy, its story's canonical member and count refreshed too).
Was: eight statements, each waiting for its answer.

Each statement of a pipeline still runs on its own, in order, with its own snapshot (READ
COMMITTED): the lookups start after the lock is granted and see every article committed before,
as when they were sent one at a time. One statement with the lock in a CTE would not: its
snapshot is taken before it waits for the lock.

The store transaction commits with synchronous_commit off (docs/architecture.md, "PostgreSQL"):
a crash of the server may lose the last fraction of a second of stored articles, never
half of one, and never an article while keeping something done after it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

# SET LOCAL: this transaction only; the alerting and outbox transactions stay durable.
ASYNC_COMMIT = "SET LOCAL synchronous_commit TO off"

ARTICLE_COLUMNS = (
    "source_id, canonical_url, url, title, text, description, author, language, published,"
    " date_source, fetched_at, content_hash, word_count, dedup_reason, dedup_score,"
    " matched_article_id, version, sketch, cited_urls"
)
ARTICLE_VALUES = "%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 1, %s, %s"
# Parameters go in VALUES (typed by their columns) or carry their types (CAST, timestamps).
_REST = (
    " bands AS (INSERT INTO lsh_bands (key, article_id)"
    " SELECT k, (SELECT id FROM ids) FROM unnest(CAST(%s AS BIGINT[])) AS k),"
    " urls AS (INSERT INTO article_urls (url, article_id, reason, first_seen)"
    " SELECT u, (SELECT id FROM ids), r, %s"
    " FROM unnest(CAST(%s AS TEXT[]), CAST(%s AS TEXT[])) AS t(u, r))"
)
_RESULT = " SELECT id, story_id FROM article"
_IDS = "WITH ids AS (SELECT nextval(pg_get_serial_sequence('articles', 'id')) AS id),"
# A new story: its canonical article is the new one, whose id is taken first for both rows.
INSERT_WITH_STORY = (
    f"{_IDS} story AS (INSERT INTO stories"
    " (title, first_published, article_count, created_at, updated_at, canonical_article_id)"
    " VALUES (%s, %s, 1, %s, %s, (SELECT id FROM ids)) RETURNING id),"
    f" article AS (INSERT INTO articles (id, story_id, {ARTICLE_COLUMNS}) VALUES"
    f" ((SELECT id FROM ids), (SELECT id FROM story), {ARTICLE_VALUES}) RETURNING id, story_id),"
    f"{_REST}{_RESULT}"
)
# A copy joins a story, whose row is refreshed in the same statement (dedup._refresh_story's
# rule: the member another member cites, else the earliest published, then the oldest). The
# statement's other parts do not see the row it inserts: the new member comes from RETURNING.
_MEMBER = "id, canonical_url, title, published, cited_urls"
_REFRESH = (
    f", members AS (SELECT {_MEMBER} FROM articles"
    f" WHERE story_id = (SELECT story_id FROM article) UNION ALL SELECT {_MEMBER} FROM article),"
    " cited AS (SELECT c.u FROM members m CROSS JOIN LATERAL json_array_elements_text("
    "CASE WHEN json_typeof(m.cited_urls) = 'array' THEN m.cited_urls ELSE CAST('[]' AS JSON)"
    " END) AS c(u)),"
    " canonical AS (SELECT id, title FROM members m ORDER BY"
    " EXISTS (SELECT 1 FROM cited WHERE cited.u = m.canonical_url) DESC,"
    " published ASC NULLS LAST, id LIMIT 1),"
    " refreshed AS (UPDATE stories SET canonical_article_id = (SELECT id FROM canonical),"
    " title = (SELECT title FROM canonical),"
    " first_published = (SELECT min(published) FROM members),"
    " article_count = (SELECT count(*) FROM members), updated_at = %s"
    " WHERE id = (SELECT story_id FROM article))"
)
INSERT_INTO_STORY = (
    f"{_IDS} article AS (INSERT INTO articles (id, story_id, {ARTICLE_COLUMNS}) VALUES"
    f" ((SELECT id FROM ids), %s, {ARTICLE_VALUES}) RETURNING {_MEMBER}, story_id),"
    f"{_REST}{_REFRESH}{_RESULT}"
)


def pipeline(cursor: Any, statements: Sequence[tuple[str, Sequence[Any]]]) -> list[list[tuple]]:
    """Run the statements in order in one round trip; the rows of each (empty for those
    returning none)."""
    connection = cursor.connection
    cursors = []
    with connection.pipeline():
        for statement, params in statements:
            one = connection.cursor()
            one.execute(statement, params)
            cursors.append(one)
    return [one.fetchall() if one.description is not None else [] for one in cursors]


def article_values(new: Any, timestamp: Any, now: Any, reason: str, score, match_id, sketch):
    """The article row's values after the id and story, in ARTICLE_COLUMNS order."""
    return [
        new.source_id,
        new.canonical_url,
        new.url,
        new.title,
        new.text,
        new.description,
        new.author,
        new.language,
        timestamp(new.published),
        new.date_source,
        now,
        new.content_hash,
        len(new.text.split()),
        reason,
        score,
        match_id,
        sketch,
        json.dumps(list(new.cited_urls)),
    ]
