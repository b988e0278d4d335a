"""The database schema (SQLAlchemy 2 typed ORM). Changes go through Alembic migrations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Float,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from newswatch.storage.types import UTCDateTime, utcnow


class Base(DeclarativeBase):
    pass


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    discovery: Mapped[str] = mapped_column(String(16))
    enabled: Mapped[bool] = mapped_column(default=True)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Story(Base):
    """Copies of one news item across sources; its canonical is the original."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str | None] = mapped_column(Text)
    canonical_article_id: Mapped[int | None]  # derived, refreshed on every new copy
    first_published: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    article_count: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)

    articles: Mapped[list[Article]] = relationship(back_populates="story", order_by="Article.id")
    event: Mapped[Event | None] = relationship()


class Event(Base):
    """One happening (a call, a visit with everything in it, a summit...) and every report of
    it, any outlet, any language. Title, counts and languages are derived from the reports."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), default="none")
    day: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)  # the day it happened
    first_published: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    report_count: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reports: Mapped[list[EventReport]] = relationship(
        back_populates="event", order_by="EventReport.article_id"
    )


class EventReport(Base):
    """How an article joined its event: `new` (it started it), `story` (a copy of a report
    already linked), `scored` (its features matched a report's: score and reasons), `backfill`
    (stored before events existed: its story became its event). `features` are what candidates
    are compared on; `day` (date ordinal) finds them within the window."""

    __tablename__ = "event_reports"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    how: Mapped[str] = mapped_column(String(16))
    score: Mapped[float | None] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    matched_article_id: Mapped[int | None]
    day: Mapped[int | None] = mapped_column(index=True)
    features: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship(back_populates="reports")
    article: Mapped[Article] = relationship()


class EventKey(Base):
    """Candidate index of event linking: one row per (entity, report), looked up by entity and
    day; expires with the retention window like the LSH bands."""

    __tablename__ = "event_keys"
    __table_args__ = (Index("ix_event_keys_key_day", "key", "day"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    day: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Article(Base):
    """One stored news item. Its URLs (canonical and aliases) live in article_urls."""

    __tablename__ = "articles"
    # The articles whose bands are in lsh_bands, by age: what prune expires (migration 0013).
    __table_args__ = (
        Index(
            "ix_articles_sketched",
            "fetched_at",
            sqlite_where=text("sketch IS NOT NULL"),
            postgresql_where=text("sketch IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"), index=True)
    canonical_url: Mapped[str] = mapped_column(String(2048), unique=True)
    url: Mapped[str] = mapped_column(String(2048))  # the URL it was fetched from
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(500))
    language: Mapped[str | None] = mapped_column(String(8), index=True)
    published: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    date_source: Mapped[str | None] = mapped_column(String(16))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    word_count: Mapped[int] = mapped_column(default=0)
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id"), index=True)
    dedup_reason: Mapped[str] = mapped_column(String(16), default="new")  # new|content|near
    dedup_score: Mapped[float | None] = mapped_column(Float)  # estimated Jaccard for near
    matched_article_id: Mapped[int | None]  # the copy it was matched to
    version: Mapped[int] = mapped_column(default=1)
    # MinHash signature while its bands are in lsh_bands; pruned with them (storage.retention)
    sketch: Mapped[bytes | None] = mapped_column(LargeBinary)
    cited_urls: Mapped[list[str] | None] = mapped_column(JSON, default=list)
    alerts_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)

    source: Mapped[Source] = relationship()
    urls: Mapped[list[ArticleUrl]] = relationship(back_populates="article")
    story: Mapped[Story | None] = relationship(back_populates="articles")
    versions: Mapped[list[ArticleVersion]] = relationship(order_by="ArticleVersion.version")


class ArticleVersion(Base):
    """An earlier text of an article that was edited at the same URL."""

    __tablename__ = "article_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LshBand(Base):
    """Near-duplicate index: one row per (band hash, article); looked up by key only.

    The key index is the table (SQLite: WITHOUT ROWID) and nothing else is indexed: at a
    million articles it holds 42 million rows, and every further index (article, time) or
    foreign-key check is another 42 writes or seeks per stored article (migration 0013).
    Rows are written and deleted only with their article's (storage.dedup); expiry goes by the
    article's fetched_at (storage.retention)."""

    __tablename__ = "lsh_bands"
    __table_args__ = ({"sqlite_with_rowid": False},)

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(primary_key=True)


class StoreLock(Base):
    """One row; writers update it first, which serialises dedup decisions on every backend."""

    __tablename__ = "store_lock"

    id: Mapped[int] = mapped_column(primary_key=True)
    counter: Mapped[int] = mapped_column(BigInteger, default=0)


class ArticleUrl(Base):
    """Every normalised URL known to lead to an article: the seen-URL index of the crawler."""

    __tablename__ = "article_urls"

    url: Mapped[str] = mapped_column(String(2048), primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(32))  # canonical | fetched | alias | same_content
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    article: Mapped[Article] = relationship(back_populates="urls")


class CrawlRun(Base):
    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    trigger: Mapped[str] = mapped_column(String(16), default="cli")

    sources: Mapped[list[CrawlRunSource]] = relationship(back_populates="run")


class CrawlRunSource(Base):
    """Per-source counts of one crawl run."""

    __tablename__ = "crawl_run_sources"
    __table_args__ = (Index("ix_crawl_run_sources_source_run", "source_id", "run_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"))
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"))
    status: Mapped[str] = mapped_column(String(16))  # ok | partial | failed
    pages_fetched: Mapped[int] = mapped_column(default=0)
    bytes_downloaded: Mapped[int] = mapped_column(default=0)
    new: Mapped[int] = mapped_column(default=0)
    duplicate: Mapped[int] = mapped_column(default=0)
    skipped_known: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    not_modified: Mapped[int] = mapped_column(default=0)  # discovery pages answered 304
    unchanged: Mapped[int] = mapped_column(default=0)  # discovery pages with the stored body hash

    run: Mapped[CrawlRun] = relationship(back_populates="sources")
    failures: Mapped[list[CrawlFailure]] = relationship(back_populates="run_source")


class CrawlFailure(Base):
    __tablename__ = "crawl_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_source_id: Mapped[int] = mapped_column(
        ForeignKey("crawl_run_sources.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2048))
    reason: Mapped[str] = mapped_column(Text)

    run_source: Mapped[CrawlRunSource] = relationship(back_populates="failures")


class AlertDelivery(Base):
    """The outbox: one row per (rule, event, recipient), written before anything is sent, so an
    event is alerted at most once (a report arriving later adds nothing), and retried until it
    is. story_id and article_id are the report that matched first."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (
        UniqueConstraint("rule", "event_id", "recipient", name="uq_alert_rule_event_recipient"),
        Index("ix_alert_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(64))
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))  # the copy that matched
    recipient: Mapped[str] = mapped_column(String(320))
    mode: Mapped[str] = mapped_column(String(16))  # immediate | digest
    score: Mapped[float] = mapped_column(Float)
    match: Mapped[dict] = mapped_column(JSON)  # matched terms and explanation, for the email
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | sent
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the email it was composed into; from then on it is sent only as part of that email
    alert_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("alert_messages.id", name="fk_alert_deliveries_alert_message_id"), index=True
    )
    # an Apprise channel's URL as written in the rules (`${VAR}` unexpanded); None for email.
    # `recipient` then holds its label (alerts.channels.label): unique per URL, secret-free
    channel: Mapped[str | None] = mapped_column(Text)

    story: Mapped[Story] = relationship()
    event: Mapped[Event] = relationship()
    article: Mapped[Article] = relationship()
    alert_message: Mapped[AlertMessage | None] = relationship()


class AlertMessage(Base):
    """One alert email exactly as composed (recipient, subject, the whole MIME message with its
    Message-ID), or one channel post (its label, title, JSON body and idempotency key),
    committed with its deliveries before it is sent. A retry after any crash
    sends these very bytes: the same Message-ID and content, never merged with newer
    deliveries."""

    __tablename__ = "alert_messages"
    __table_args__ = (
        UniqueConstraint("message_id", name="uq_alert_messages_message_id"),
        Index("ix_alert_messages_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)  # RFC 5322 bytes, as sent
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | sent
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # a post to an Apprise channel: its URL as written (`${VAR}` unexpanded), `content` the
    # JSON of its title and body, `message_id` its idempotency key; None for an email
    channel: Mapped[str | None] = mapped_column(Text)


class FetchValidator(Base):
    """What a discovery page (feed, sitemap, listing) looked like when it was last read in full:
    its HTTP validators, sent back as If-None-Match / If-Modified-Since, and the sha256 of its
    body, for servers whose validators do not follow the content. Written only after the page
    and everything it led to were handled, so a failure never makes the next poll skip it."""

    __tablename__ = "fetch_validators"

    url: Mapped[str] = mapped_column(String(2048), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(1024))
    last_modified: Mapped[str | None] = mapped_column(String(128))  # as the server sent it
    body_sha256: Mapped[str | None] = mapped_column(String(64))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # last poll
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # last new body


class JobState(Base):
    """What the daemon knows about one of its jobs (`crawl:<source>`, `digest:<rule>`,
    `retention`) across restarts: when it last ran, how, and when it is due next."""

    __tablename__ = "job_state"

    job_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[str | None] = mapped_column(String(16))  # ok | partial | failed | error
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class LeaderEpoch(Base):
    """The fencing token of the scheduler: one row whose epoch each new leader increments.
    Leader-only writes check it in their transaction, so a leader that lost its lock without
    noticing can no longer claim, send or reschedule once a successor has started."""

    __tablename__ = "leadership"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    epoch: Mapped[int] = mapped_column(BigInteger, default=0)
    holder: Mapped[str | None] = mapped_column(String(255))
    since: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RuleMute(Base):
    """A rule muted from the web view: while muted its matches queue nothing and its pending
    deliveries wait; the rules file stays as written."""

    __tablename__ = "rule_mutes"

    rule: Mapped[str] = mapped_column(String(64), primary_key=True)
    muted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HealthNotice(Base):
    """A problem with a source (failing, stale, collapsed text), emailed once when it opens,
    retried until sent, closed when the source is healthy again."""

    __tablename__ = "health_notices"
    __table_args__ = (Index("ix_health_notices_open", "source_id", "kind", "closed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # failing | stale | collapsed
    detail: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | sent | quiet
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(255))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
