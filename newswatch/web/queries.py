"""The reads behind the pages that the storage layer has no function for yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session, selectinload

from newswatch.config.sources import stored_languages
from newswatch.storage.models import AlertDelivery, Article, Event, Story

PAGE = 50


@dataclass(frozen=True)
class StreamFilter:
    rule: str | None = None
    source: str | None = None
    language: str | None = None
    since: date | None = None  # first published on or after (UTC day)
    until: date | None = None  # ... on or before
    page: int = 0


def _day(value: date, end: bool = False) -> datetime:
    start = datetime.combine(value, time.min, tzinfo=UTC)
    return start + timedelta(days=1) if end else start


def stream(session: Session, f: StreamFilter) -> list[Story]:
    """Stories newest first. A rule's stories are those of the events it matched (its outbox
    rows are one per event: every report of a matched event belongs to the rule's stream)."""
    query = select(Story).options(selectinload(Story.articles))
    query = _filtered(query, f, Story, Article.story_id == Story.id, Story.event_id)
    return list(session.scalars(query.offset(f.page * PAGE).limit(PAGE)))


def _filtered(query: Select, f: StreamFilter, entity: type, reports: Any, event_id: Any) -> Select:
    """`query` over stories or events (`entity`), its `reports` linked to it by that
    condition, its event by `event_id`: the filters, newest first."""
    if f.source or f.language:
        report = select(Article.id).where(reports)
        if f.source:
            report = report.where(Article.source_id == f.source)
        if f.language:
            report = report.where(Article.language.in_(stored_languages(f.language)))
        query = query.where(exists(report))
    if f.rule:
        query = query.where(
            event_id.in_(select(AlertDelivery.event_id).where(AlertDelivery.rule == f.rule))
        )
    if f.since:
        query = query.where(entity.first_published >= _day(f.since))
    if f.until:
        query = query.where(entity.first_published < _day(f.until, end=True))
    return query.order_by(entity.first_published.desc(), entity.id.desc())


@dataclass(frozen=True)
class EventEntry:
    """One line of the stream: an event, and its stories (each outlet's copies together),
    the earliest first: that one's page is where the event's title leads."""

    event: Event
    stories: list[Story]

    @property
    def articles(self) -> list[Article]:
        return [a for story in self.stories for a in story.articles]


def stream_events(session: Session, f: StreamFilter) -> list[EventEntry]:
    """Events newest first, with the same filters as the stories: one entry per happening,
    however many outlets and languages reported it."""
    query = _filtered(select(Event), f, Event, Article.event_id == Event.id, Event.id)
    events = list(session.scalars(query.offset(f.page * PAGE).limit(PAGE)))
    stories: dict[int, list[Story]] = {e.id: [] for e in events}
    found = session.scalars(
        select(Story)
        .options(selectinload(Story.articles))
        .where(Story.event_id.in_(list(stories)))
        .order_by(Story.first_published, Story.id)
    )
    for story in found:
        stories[story.event_id].append(story)
    return [EventEntry(e, stories[e.id]) for e in events if stories[e.id]]


def alert_counts(session: Session) -> dict[str, dict[str, int]]:
    """Per rule: sent, pending (not tried yet or waiting) and failing (pending after a failed
    attempt, retried with backoff)."""
    failing = (AlertDelivery.status == "pending") & (AlertDelivery.attempts > 0)
    rows = session.execute(
        select(AlertDelivery.rule, AlertDelivery.status, failing, func.count()).group_by(
            AlertDelivery.rule, AlertDelivery.status, failing
        )
    )
    counts: dict[str, dict[str, int]] = {}
    for rule, status, is_failing, n in rows:
        entry = counts.setdefault(rule, {"sent": 0, "pending": 0, "failed": 0})
        key = "failed" if is_failing else status
        entry[key] = entry.get(key, 0) + n
    return counts


def rule_entries(session: Session, rule: str, limit: int = 50) -> list[tuple[Story, AlertDelivery]]:
    """A rule's stories newest first, as its stream lists them, each with the delivery of its
    event (one per event: an event goes to many people and holds every story reporting it)."""
    first = (
        select(func.min(AlertDelivery.id))
        .where(AlertDelivery.rule == rule)
        .group_by(AlertDelivery.event_id)
    )
    deliveries = {
        d.event_id: d
        for d in session.scalars(select(AlertDelivery).where(AlertDelivery.id.in_(first)))
    }
    stories = session.scalars(
        select(Story)
        .options(selectinload(Story.articles))
        .where(Story.event_id.in_(list(deliveries)))
        .order_by(Story.first_published.desc(), Story.id.desc())
        .limit(limit)
    )
    return [(story, deliveries[story.event_id]) for story in stories]


def story_deliveries(session: Session, story_id: int) -> list[AlertDelivery]:
    return list(
        session.scalars(
            select(AlertDelivery)
            .where(AlertDelivery.story_id == story_id)
            .order_by(AlertDelivery.rule, AlertDelivery.recipient)
        )
    )


def newest_articles(session: Session, limit: int) -> list[Article]:
    return list(session.scalars(select(Article).order_by(Article.id.desc()).limit(limit)))


def new_per_day(session: Session, days: int = 14) -> dict[str, list[tuple[date, int]]]:
    """Per source, articles first stored on each of the last ``days`` UTC days (0s included)."""
    today = datetime.now(UTC).date()
    first = today - timedelta(days=days - 1)
    day = func.date(Article.fetched_at)
    rows = session.execute(
        select(Article.source_id, day, func.count())
        .where(Article.fetched_at >= _day(first))
        .group_by(Article.source_id, day)
    )
    counts: dict[str, dict[str, int]] = {}
    for source_id, when, n in rows:
        counts.setdefault(source_id, {})[str(when)[:10]] = n
    span = [first + timedelta(days=i) for i in range(days)]
    return {
        source_id: [(d, per_day.get(d.isoformat(), 0)) for d in span]
        for source_id, per_day in counts.items()
    }
