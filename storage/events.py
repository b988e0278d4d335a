"""Events in the database: candidate reports by entity key within a window of days, new events,
report links with how/score/reasons, and the derived fields of an event. Plain functions over
a Session; the linking decision (newswatch.events.linking) calls them under the writers' lock.
The features are stored as JSON: this layer does not read them. The linking path talks to the
DBAPI cursor, as dedup does: SQLAlchemy's per-statement work cost more than the database's."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, selectinload

from newswatch.storage.cursor import Cursor
from newswatch.storage.models import AlertDelivery, Article, Event, EventKey, EventReport, Story
from newswatch.storage.types import utcnow

MAX_CANDIDATES = 20


@dataclass(frozen=True)
class Candidate:
    article_id: int
    event_id: int
    features: dict


_CANDIDATES = (
    "SELECT r.article_id, r.event_id, r.features FROM event_reports r JOIN ("
    " SELECT article_id, COUNT(*) AS shared FROM event_keys"
    " WHERE key IN ({keys}) AND day BETWEEN ? AND ?"
    " GROUP BY article_id ORDER BY shared DESC, article_id DESC LIMIT {limit}"
    ") best ON best.article_id = r.article_id"
)
_STORY_REPORTS = (
    "SELECT r.article_id, r.event_id, r.features FROM event_reports r"
    " JOIN articles a ON a.id = r.article_id WHERE a.story_id = ? AND r.article_id > ?"
    " ORDER BY r.article_id LIMIT ?"
)
_STORY_PAGE = 8  # reports read at a time: the first usually answers, a story may have hundreds
_INSERT_EVENT = (
    "INSERT INTO events (kind, day, title, first_published, languages, report_count, created_at,"
    " updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?) RETURNING id"
)
_INSERT_REPORT = (
    "INSERT INTO event_reports (article_id, event_id, how, score, reasons, matched_article_id,"
    " day, features, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_KEYS = "INSERT INTO event_keys (key, article_id, day, created_at)"
_SET_ARTICLE = "UPDATE articles SET event_id = ? WHERE id = ?"
_SET_STORY = "UPDATE stories SET event_id = ? WHERE id = ? AND event_id IS NULL"
_MEMBERS = "SELECT id, title, published, language FROM articles WHERE event_id = ?"
_REFRESH = (
    "UPDATE events SET title = ?, first_published = ?, languages = ?, report_count = ?,"
    " updated_at = ? WHERE id = ?"
)


def lock_writers(session: Session) -> None:
    """repository.lock_writers on the cursor: a no-op cost when store_article took it already."""
    Cursor(session).run("UPDATE store_lock SET counter = counter + 1 WHERE id = 1")


def _json(value: Any) -> Any:
    """JSON columns read through the DBAPI: text on SQLite, decoded already by psycopg."""
    return json.loads(value) if isinstance(value, str) else value


def candidates(
    session: Session, keys: Sequence[str], first_day: int, last_day: int
) -> list[Candidate]:
    """Reports sharing the most keys with these, about a day in [first_day, last_day]."""
    if not keys:
        return []
    statement = _CANDIDATES.format(keys=", ".join("?" * len(keys)), limit=MAX_CANDIDATES)
    rows = Cursor(session).rows(statement, [*keys, first_day, last_day])
    return [Candidate(a, e, _json(f)) for a, e, f in rows if f is not None]


def story_reports(session: Session, story_id: int) -> Iterator[Candidate]:
    """The linked reports of a story, oldest first (features {} for those stored before events
    existed), read a page at a time and decoded as reached: the caller usually stops at the
    first."""
    cursor, after = Cursor(session), 0
    while True:
        rows = cursor.rows(_STORY_REPORTS, (story_id, after, _STORY_PAGE))
        for article_id, event_id, features in rows:
            yield Candidate(article_id, event_id, _json(features) or {})
        if len(rows) < _STORY_PAGE:
            return
        after = rows[-1][0]


def create_event(
    session: Session,
    kind: str,
    day: datetime | None,
    title: str | None,
    published: datetime | None,
    language: str | None,
) -> int:
    """An event with its first report's title, date and language (the report follows)."""
    cursor = Cursor(session)
    now = cursor.driver.timestamp(utcnow())
    stamp = cursor.driver.timestamp
    languages = json.dumps([language] if language else [])
    [(event_id,)] = cursor.rows(
        _INSERT_EVENT, (kind, stamp(day), title, stamp(published), languages, now, now)
    )
    return event_id


@dataclass(frozen=True)
class ReportLink:
    article_id: int
    story_id: int | None
    event_id: int
    how: str  # new | story | scored
    score: float | None = None
    reasons: Sequence[str] = ()
    matched_article_id: int | None = None


def add_report(
    session: Session, link: ReportLink, day: int | None, features: dict | None, keys: Sequence[str]
) -> None:
    cursor = Cursor(session)
    now = cursor.driver.timestamp(utcnow())
    cursor.run(
        _INSERT_REPORT,
        (
            link.article_id,
            link.event_id,
            link.how,
            link.score,
            json.dumps(list(link.reasons), ensure_ascii=False),
            link.matched_article_id,
            day,
            None if features is None else json.dumps(features, ensure_ascii=False),
            now,
        ),
    )
    if keys and day is not None:
        cursor.insert(_INSERT_KEYS, [(key, link.article_id, day, now) for key in keys])
    cursor.run(_SET_ARTICLE, (link.event_id, link.article_id))
    if link.story_id:
        cursor.run(_SET_STORY, (link.event_id, link.story_id))
    if link.how != "new":  # a new event was created with its first report's fields
        refresh_event(session, link.event_id)


def refresh_event(session: Session, event_id: int) -> None:
    """Title of the earliest report, first publication, languages and count."""
    cursor = Cursor(session)
    members = cursor.rows(_MEMBERS, (event_id,))
    if not members:
        return
    # SQLite hands timestamps back as text, PostgreSQL as datetimes: compare each as given
    dated = sorted((m for m in members if m[2] is not None), key=lambda m: (m[2], m[0]))
    first = dated[0] if dated else min(members)
    languages = sorted({m[3] for m in members if m[3]})
    cursor.run(
        _REFRESH,
        (
            first[1],
            first[2],
            json.dumps(languages),
            len(members),
            cursor.driver.timestamp(utcnow()),
            event_id,
        ),
    )


def reuse_event(
    session: Session,
    event_id: int,
    kind: str,
    day: datetime | None,
    title: str | None,
    published: datetime | None,
    language: str | None,
) -> int:
    """An emptied event (see forget_links) started again by its first report: ids stay put."""
    session.execute(
        update(Event)
        .where(Event.id == event_id)
        .values(kind=kind, day=day, title=title, first_published=published,
                languages=[language] if language else [], report_count=1, updated_at=utcnow())
    )  # fmt: skip
    return event_id


def articles_between(session: Session, since: datetime, until: datetime) -> list[Article]:
    """Articles published (or, undated, fetched) in [since, until), oldest first."""
    when = func.coalesce(Article.published, Article.fetched_at)
    query = select(Article).where(when >= since, when < until).order_by(when, Article.id)
    return list(session.scalars(query))


def forget_links(session: Session, article_ids: Sequence[int]) -> dict[int, int]:
    """Unlink articles from their events (reports, candidate keys, the article's and its
    story's event), to be linked again. Returns each article's former event."""
    ids = list(article_ids)
    former = dict(
        session.execute(
            select(EventReport.article_id, EventReport.event_id).where(
                EventReport.article_id.in_(ids)
            )
        ).all()
    )
    stories = select(Article.story_id).where(Article.id.in_(ids))
    session.execute(delete(EventKey).where(EventKey.article_id.in_(ids)))
    session.execute(delete(EventReport).where(EventReport.article_id.in_(ids)))
    session.execute(update(Article).where(Article.id.in_(ids)).values(event_id=None))
    session.execute(update(Story).where(Story.id.in_(stories)).values(event_id=None))
    return former


def empty_events(session: Session, event_ids: set[int]) -> set[int]:
    """Those of the events with no report left."""
    kept = select(EventReport.event_id).where(EventReport.event_id.in_(event_ids))
    return set(event_ids) - set(session.scalars(kept))


def drop_events(session: Session, event_ids: set[int]) -> None:
    """Remove emptied events; one an alert was sent for stays, with no reports."""
    alerted = set(
        session.scalars(select(AlertDelivery.event_id).where(AlertDelivery.event_id.in_(event_ids)))
    )
    if alerted:
        session.execute(update(Event).where(Event.id.in_(alerted)).values(report_count=0))
    session.execute(delete(Event).where(Event.id.in_(set(event_ids) - alerted)))


def mend_stories(session: Session) -> None:
    """A story left without its event names the event of its first report."""
    first = (
        select(Article.event_id)
        .where(Article.story_id == Story.id, Article.event_id.is_not(None))
        .order_by(Article.id)
        .limit(1)
        .scalar_subquery()
    )
    session.execute(update(Story).where(Story.event_id.is_(None)).values(event_id=first))


def list_events(session: Session, *, limit: int | None = None) -> list[Event]:
    query = (
        select(Event)
        .options(selectinload(Event.reports).selectinload(EventReport.article))
        .order_by(Event.first_published.desc().nulls_last(), Event.id.desc())
    )
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query))


def get_event(session: Session, event_id: int) -> Event | None:
    return session.get(
        Event,
        event_id,
        options=[selectinload(Event.reports).selectinload(EventReport.article)],
    )


def event_articles(session: Session, event_id: int) -> list[Article]:
    return list(
        session.scalars(
            select(Article)
            .where(Article.event_id == event_id)
            .order_by(Article.published, Article.id)
        )
    )


def original_report(session: Session, article: Article) -> Article:
    """The report an alert leads with: the original of the article's story (the copy another
    cites, else the earliest published: storage.dedup), or a report of the same event that the
    original itself cites (an aggregator's copy not recognised as one); else the article."""
    lead = article
    story = article.story
    if story is not None and story.canonical_article_id not in (None, article.id):
        canonical = session.get(Article, story.canonical_article_id)
        if canonical is not None and canonical.event_id == article.event_id:
            lead = canonical
    cited = set(lead.cited_urls or ())
    if cited and lead.event_id is not None:
        for other in event_articles(session, lead.event_id):
            if other.id != lead.id and other.canonical_url in cited:
                return other
    return lead
