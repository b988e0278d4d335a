"""What the health checks read (recent crawls and articles of a source) and the notices they
keep: one open notice per source and kind, sent once, retried until sent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newswatch.storage.models import Article, CrawlRunSource, HealthNotice
from newswatch.storage.types import utcnow

BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)


def recent_statuses(session: Session, source_id: str, limit: int) -> list[str]:
    """Newest first."""
    query = (
        select(CrawlRunSource.status)
        .where(CrawlRunSource.source_id == source_id)
        .order_by(CrawlRunSource.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def times_with_new_items(session: Session, source_id: str, limit: int = 30) -> list[datetime]:
    """When crawls of the source last found something new; newest first."""
    query = (
        select(CrawlRunSource.finished_at)
        .where(CrawlRunSource.source_id == source_id, CrawlRunSource.new > 0)
        .order_by(CrawlRunSource.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def last_crawl_at(session: Session, source_id: str) -> datetime | None:
    query = select(func.max(CrawlRunSource.finished_at)).where(
        CrawlRunSource.source_id == source_id
    )
    return session.scalar(query)


def text_lengths(session: Session, source_id: str, limit: int) -> list[int]:
    """Lengths of the newest articles' text; newest first."""
    query = (
        select(func.length(Article.text))
        .where(Article.source_id == source_id)
        .order_by(Article.id.desc())
        .limit(limit)
    )
    return [n or 0 for n in session.scalars(query)]


def open_notice(session: Session, source_id: str, kind: str) -> HealthNotice | None:
    query = select(HealthNotice).where(
        HealthNotice.source_id == source_id,
        HealthNotice.kind == kind,
        HealthNotice.closed_at.is_(None),
    )
    return session.scalars(query).first()


def due_notices(session: Session, now: datetime | None = None) -> list[HealthNotice]:
    query = (
        select(HealthNotice)
        .where(HealthNotice.status == "pending", HealthNotice.next_attempt_at <= (now or utcnow()))
        .order_by(HealthNotice.id)
    )
    return list(session.scalars(query))


def open_notices(session: Session, source_ids: Sequence[str] | None = None) -> list[HealthNotice]:
    query = select(HealthNotice).where(HealthNotice.closed_at.is_(None))
    if source_ids is not None:
        query = query.where(HealthNotice.source_id.in_(source_ids))
    return list(session.scalars(query.order_by(HealthNotice.id)))


def notice_failed(notice: HealthNotice, error: str) -> None:
    notice.attempts += 1
    notice.next_attempt_at = utcnow() + min(BACKOFF_FIRST * 2 ** (notice.attempts - 1), BACKOFF_MAX)
    notice.last_error = error[:2000]


def notice_sent(notice: HealthNotice, message_id: str) -> None:
    notice.attempts += 1
    notice.status = "sent"
    notice.sent_at = utcnow()
    notice.message_id = message_id
    notice.last_error = None
