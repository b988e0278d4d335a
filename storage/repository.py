"""Reads and writes of crawled data: plain functions over a Session; callers own transactions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from newswatch.config.sources import stored_languages
from newswatch.storage.models import (
    AlertDelivery,
    Article,
    ArticleUrl,
    CrawlFailure,
    CrawlRun,
    CrawlRunSource,
    Source,
    StoreLock,
    Story,
)
from newswatch.storage.types import utcnow

if TYPE_CHECKING:
    from newswatch.storage.neardup import Sketch


@dataclass(frozen=True)
class SourceRecord:
    id: str
    name: str
    languages: Sequence[str]
    discovery: str
    enabled: bool = True


@dataclass(frozen=True)
class NewArticle:
    """canonical_url and alias_urls are the crawler's normalised URL keys; url is as fetched."""

    source_id: str
    url: str
    canonical_url: str
    title: str | None
    text: str
    content_hash: str
    language: str | None = None
    published: datetime | None = None
    date_source: str | None = None
    description: str | None = None
    author: str | None = None
    alias_urls: Sequence[str] = ()
    cited_urls: Sequence[str] = ()  # outbound links: a copy citing its original
    # The text's near-duplicate sketch when computed ahead, where the page was extracted (an
    # extraction worker process): then the storing process does not spend its CPU on it.
    sketch: Sketch | None = None


@dataclass
class SourceRunCounts:
    pages_fetched: int = 0
    bytes_downloaded: int = 0
    new: int = 0
    duplicate: int = 0
    skipped_known: int = 0
    failed: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    status: str = "ok"  # ok | partial (some pages failed) | failed (no usable start page)
    not_modified: int = 0  # discovery pages answered 304 Not Modified
    unchanged: int = 0  # discovery pages whose body had the stored sha256


def lock_writers(session: Session) -> None:
    """Take the writers' lock for the rest of this transaction (a row lock on PostgreSQL and
    MySQL, the database write lock on SQLite): check-then-insert decisions never race."""
    lock = StoreLock.__table__  # Core: the ORM would try to sync loaded objects first
    session.execute(update(lock).where(lock.c.id == 1).values(counter=lock.c.counter + 1))


def sync_sources(session: Session, records: Iterable[SourceRecord]) -> None:
    lock_writers(session)
    for record in records:
        row = session.get(Source, record.id) or Source(id=record.id)
        row.name = record.name
        row.languages = list(record.languages)
        row.discovery = record.discovery
        row.enabled = record.enabled
        session.add(row)


def known_urls(session: Session, urls: Iterable[str]) -> set[str]:
    wanted = list(set(urls))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):  # keep IN lists short
        chunk = wanted[start : start + 500]
        found.update(session.scalars(select(ArticleUrl.url).where(ArticleUrl.url.in_(chunk))))
    return found


def add_urls(session: Session, article_id: int, urls: dict[str, str]) -> None:
    """Record URLs that lead to an article; ones already known keep their article."""
    existing = known_urls(session, urls)
    for url, reason in urls.items():
        if url not in existing:
            session.add(ArticleUrl(url=url, article_id=article_id, reason=reason))


def start_run(session: Session, trigger: str = "cli") -> int:
    run = CrawlRun(trigger=trigger)
    session.add(run)
    session.flush()
    return run.id


def record_source_run(
    session: Session, run_id: int, source_id: str, counts: SourceRunCounts
) -> None:
    row = CrawlRunSource(
        run_id=run_id,
        source_id=source_id,
        status=counts.status,
        pages_fetched=counts.pages_fetched,
        bytes_downloaded=counts.bytes_downloaded,
        new=counts.new,
        duplicate=counts.duplicate,
        skipped_known=counts.skipped_known,
        failed=counts.failed,
        not_modified=counts.not_modified,
        unchanged=counts.unchanged,
    )
    row.failures = [CrawlFailure(url=url[:2048], reason=reason) for url, reason in counts.failures]
    session.add(row)


def finish_run(session: Session, run_id: int) -> None:
    run = session.get(CrawlRun, run_id)
    if run is not None:
        run.finished_at = utcnow()


def list_articles(
    session: Session,
    *,
    source_ids: Sequence[str] = (),
    language: str | None = None,
    limit: int | None = None,
) -> list[Article]:
    query = (
        select(Article)
        .options(selectinload(Article.urls))
        .order_by(Article.published.desc().nulls_last(), Article.id.desc())
    )
    if source_ids:
        query = query.where(Article.source_id.in_(source_ids))
    if language:
        query = query.where(Article.language.in_(stored_languages(language)))
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query))


def find_article(session: Session, key: str) -> Article | None:
    """By id, or by any URL it is known under."""
    if key.isdigit():
        return session.get(Article, int(key))
    article_id = session.scalar(select(ArticleUrl.article_id).where(ArticleUrl.url == key))
    if article_id is None:  # seen-URL rows expire; the canonical URL stays
        return session.scalar(select(Article).where(Article.canonical_url == key))
    return session.get(Article, article_id)


def latest_source_runs(session: Session, source_ids: Sequence[str]) -> dict[str, CrawlRunSource]:
    """The last recorded crawl of each of these sources that has one, with its failures."""
    latest = (
        select(func.max(CrawlRunSource.id))
        .where(CrawlRunSource.source_id.in_(source_ids))
        .group_by(CrawlRunSource.source_id)
    )
    rows = session.scalars(
        select(CrawlRunSource)
        .options(selectinload(CrawlRunSource.failures))
        .where(CrawlRunSource.id.in_(latest))
    )
    return {row.source_id: row for row in rows}


def count_pending_deliveries(session: Session) -> int:
    """The outbox size: alert deliveries not sent yet."""
    query = select(func.count(AlertDelivery.id)).where(AlertDelivery.status == "pending")
    return session.scalar(query) or 0


def list_stories(session: Session, *, limit: int | None = None) -> list[Story]:
    query = (
        select(Story)
        .options(selectinload(Story.articles), selectinload(Story.event))
        .order_by(Story.first_published.desc().nulls_last(), Story.id.desc())
    )
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query))


def get_story(session: Session, story_id: int) -> Story | None:
    return session.get(
        Story, story_id, options=[selectinload(Story.articles), selectinload(Story.event)]
    )
