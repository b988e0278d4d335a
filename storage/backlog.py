"""The backlog: articles a source already carried when newswatch first saw it. They are
stored and searchable, but alerting on them would email years of old news at once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from newswatch.storage.models import Article, CrawlRun, CrawlRunSource, Source
from newswatch.storage.types import utcnow

# Publication times are stated to the minute or second (feeds, datelines) and publishers'
# clocks drift: a story published as its source was being added is news, not backlog.
PUBLISHED_GRACE = timedelta(minutes=5)


def backlog_reasons(
    session: Session, articles: Sequence[Article], max_age: timedelta | None
) -> dict[int, str]:
    """Article id -> why it is backlog, for those of `articles` that are."""
    source_ids = {a.source_id for a in articles}
    added = select(Source.id, Source.first_seen).where(Source.id.in_(source_ids))
    first_seen = dict(session.execute(added).tuples().all())
    ends = (
        select(CrawlRunSource.source_id, func.min(CrawlRun.finished_at))
        .join(CrawlRun, CrawlRun.id == CrawlRunSource.run_id)
        .where(CrawlRunSource.source_id.in_(source_ids), CrawlRun.finished_at.is_not(None))
        .group_by(CrawlRunSource.source_id)
    )
    first_crawl_end = dict(session.execute(ends).tuples().all())
    oldest = utcnow() - max_age if max_age else None
    reasons = {}
    for article in articles:
        why = _reason(article, first_seen.get(article.source_id), first_crawl_end, oldest)
        if why:
            reasons[article.id] = why
    return reasons


def _reason(
    article: Article,
    added: datetime | None,
    first_crawl_end: dict[str, datetime],
    oldest: datetime | None,
) -> str | None:
    ended = first_crawl_end.get(article.source_id)
    if ended is None or article.fetched_at <= ended:
        return "first crawl of its source"
    if article.published and added and article.published < added - PUBLISHED_GRACE:
        return "published before its source was added"
    if article.published and oldest and article.published < oldest:
        return "older than alerts.max_age"
    return None
