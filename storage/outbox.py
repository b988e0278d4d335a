"""The alert outbox: deliveries are written before they are sent, (rule, event, recipient) is
unique so an event is alerted once per rule and recipient (a report that arrives after its
event was alerted adds nothing), and failed sends wait with backoff."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from newswatch.storage.models import AlertDelivery, Article
from newswatch.storage.repository import lock_writers
from newswatch.storage.types import utcnow

BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)


@dataclass(frozen=True)
class NewDelivery:
    rule: str
    story_id: int
    event_id: int
    article_id: int
    recipient: str
    mode: str
    score: float
    match: dict


def unchecked_articles(session: Session, limit: int = 500) -> list[Article]:
    """Stored articles the alert rules have not seen yet, oldest first."""
    query = (
        select(Article).where(Article.alerts_checked_at.is_(None)).order_by(Article.id).limit(limit)
    )
    return list(session.scalars(query))


def mark_checked(session: Session, article_ids: Sequence[int]) -> None:
    if article_ids:
        session.execute(
            update(Article).where(Article.id.in_(article_ids)).values(alerts_checked_at=utcnow())
        )


def enqueue(session: Session, deliveries: Sequence[NewDelivery]) -> int:
    """Add deliveries that do not exist yet; returns how many were new. Under the writers'
    lock, so two workers never add the same one (the unique key is the last guard)."""
    lock_writers(session)
    added = 0
    seen: set[tuple[str, int, str]] = set()
    for new in deliveries:
        key = (new.rule, new.event_id, new.recipient)
        if key in seen:  # two reports of one event in one batch
            continue
        seen.add(key)
        exists = session.scalar(
            select(AlertDelivery.id).where(
                AlertDelivery.rule == new.rule,
                AlertDelivery.event_id == new.event_id,
                AlertDelivery.recipient == new.recipient,
            )
        )
        if exists is None:
            session.add(AlertDelivery(**new.__dict__))
            added += 1
    session.flush()
    return added


def due(
    session: Session,
    mode: str | None = "immediate",
    now: datetime | None = None,
    *,
    ignore_backoff: bool = False,
    rule: str | None = None,
) -> list[AlertDelivery]:
    query = (
        select(AlertDelivery)
        .options(selectinload(AlertDelivery.story), selectinload(AlertDelivery.article))
        .where(AlertDelivery.status == "pending")
        .order_by(AlertDelivery.id)
    )
    if mode is not None:
        query = query.where(AlertDelivery.mode == mode)
    if rule is not None:
        query = query.where(AlertDelivery.rule == rule)
    if not ignore_backoff:
        query = query.where(AlertDelivery.next_attempt_at <= (now or utcnow()))
    return list(session.scalars(query))


def mark_sent(session: Session, ids: Sequence[int], message_id: str) -> None:
    session.execute(
        update(AlertDelivery)
        .where(AlertDelivery.id.in_(ids), AlertDelivery.status == "pending")
        .values(
            status="sent",
            sent_at=utcnow(),
            message_id=message_id,
            attempts=AlertDelivery.attempts + 1,
            last_error=None,
        )
    )


def mark_failed(session: Session, deliveries: Sequence[AlertDelivery], error: str) -> None:
    """Keep them pending; the next attempt waits 30 s, 1 min, 2 min ... up to an hour."""
    now = utcnow()
    for delivery in deliveries:
        delivery.attempts += 1
        wait = min(BACKOFF_FIRST * 2 ** (delivery.attempts - 1), BACKOFF_MAX)
        delivery.next_attempt_at = now + wait
        delivery.last_error = error[:2000]


def listing(session: Session, status: str, limit: int | None = None) -> list[AlertDelivery]:
    query = (
        select(AlertDelivery)
        .options(selectinload(AlertDelivery.story), selectinload(AlertDelivery.article))
        .where(AlertDelivery.status == status)
        .order_by(AlertDelivery.id.desc())
    )
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query))


def other_reports(session: Session, event_id: int, but: int) -> list[Article]:
    """Every other report of the event: copies of the story and reports by other outlets, in
    other languages, as they are known when the email is written."""
    return list(
        session.scalars(
            select(Article)
            .where(Article.event_id == event_id, Article.id != but)
            .order_by(Article.published, Article.id)
        )
    )
