"""Events in the database: candidate reports by entity key within a window of days, new events,
report links with how/score/reasons, and the derived fields of an event. Plain functions over
a Session; the linking decision (newswatch.events.linking) calls them under the writers' lock.
The features are stored as JSON: this layer does not read them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session, selectinload

from newswatch.storage.models import Article, Event, EventKey, EventReport, Story
from newswatch.storage.types import utcnow

_ARTICLES = Article.__table__
_EVENTS = Event.__table__
_REPORTS = EventReport.__table__
_KEYS = EventKey.__table__
_STORIES = Story.__table__
MAX_CANDIDATES = 40


@dataclass(frozen=True)
class Candidate:
    article_id: int
    event_id: int
    features: dict


def candidates(
    session: Session, keys: Sequence[str], first_day: int, last_day: int
) -> list[Candidate]:
    """Reports sharing the most keys with these, about a day in [first_day, last_day]."""
    if not keys:
        return []
    shared = (
        select(_KEYS.c.article_id)
        .where(_KEYS.c.key.in_(list(keys)), _KEYS.c.day.between(first_day, last_day))
        .group_by(_KEYS.c.article_id)
        .order_by(func.count().desc(), _KEYS.c.article_id.desc())
        .limit(MAX_CANDIDATES)
    ).subquery()
    rows = session.connection().execute(
        select(_REPORTS.c.article_id, _REPORTS.c.event_id, _REPORTS.c.features).join(
            shared, shared.c.article_id == _REPORTS.c.article_id
        )
    )
    return [Candidate(a, e, f) for a, e, f in rows if f is not None]


def story_reports(session: Session, story_id: int) -> list[Candidate]:
    """The linked reports of a story (features {} for those stored before events existed)."""
    rows = session.connection().execute(
        select(_REPORTS.c.article_id, _REPORTS.c.event_id, _REPORTS.c.features)
        .join(_ARTICLES, _ARTICLES.c.id == _REPORTS.c.article_id)
        .where(_ARTICLES.c.story_id == story_id)
    )
    return [Candidate(a, e, f or {}) for a, e, f in rows]


def create_event(session: Session, kind: str, day: datetime | None) -> int:
    now = utcnow()
    return (
        session.connection()
        .execute(
            insert(_EVENTS)
            .values(
                kind=kind, day=day, languages=[], report_count=0, created_at=now, updated_at=now
            )
            .returning(_EVENTS.c.id)
        )
        .scalar_one()
    )


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
    connection = session.connection()
    now = utcnow()
    connection.execute(
        insert(_REPORTS).values(
            article_id=link.article_id,
            event_id=link.event_id,
            how=link.how,
            score=link.score,
            reasons=list(link.reasons),
            matched_article_id=link.matched_article_id,
            day=day,
            features=features,
            created_at=now,
        )
    )
    if keys and day is not None:
        connection.execute(
            insert(_KEYS),
            [
                {"key": k, "article_id": link.article_id, "day": day, "created_at": now}
                for k in keys
            ],
        )
    connection.execute(
        update(_ARTICLES).where(_ARTICLES.c.id == link.article_id).values(event_id=link.event_id)
    )
    if link.story_id is not None:
        connection.execute(
            update(_STORIES)
            .where(_STORIES.c.id == link.story_id, _STORIES.c.event_id.is_(None))
            .values(event_id=link.event_id)
        )
    refresh_event(session, link.event_id)


def refresh_event(session: Session, event_id: int) -> None:
    """Title of the earliest report, first publication, languages and count."""
    connection = session.connection()
    members = connection.execute(
        select(
            _ARTICLES.c.title, _ARTICLES.c.published, _ARTICLES.c.language, _ARTICLES.c.id
        ).where(_ARTICLES.c.event_id == event_id)
    ).all()
    if not members:
        return
    far_future = utcnow().replace(year=9999)
    first = min(members, key=lambda m: (m.published or far_future, m.id))
    published = [m.published for m in members if m.published is not None]
    connection.execute(
        update(_EVENTS)
        .where(_EVENTS.c.id == event_id)
        .values(
            title=first.title,
            first_published=min(published) if published else None,
            languages=sorted({m.language for m in members if m.language}),
            report_count=len(members),
            updated_at=utcnow(),
        )
    )


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
