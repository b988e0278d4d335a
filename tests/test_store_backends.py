"""store_article decides the same on SQLite and on PostgreSQL, whose path pipelines the lock
and lookups and writes a new article with one statement (storage/dedup_pg.py): every outcome,
the rows it writes, and the story's canonical copy and count."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from newswatch.storage.db import open_database
from newswatch.storage.dedup import store_article
from newswatch.storage.models import Article, ArticleUrl, ArticleVersion, LshBand, Story
from newswatch.storage.neardup import Sketch, sketch
from newswatch.storage.repository import NewArticle, SourceRecord, sync_sources
from newswatch.storage.textkeys import content_hash
from tests.conftest import fresh_postgres_database

ORIGINAL = (
    "Делегация Таджикистана прибыла в Астану для переговоров о водно-энергетическом "
    "сотрудничестве и транзите грузов через территорию Казахстана в страны Европы, "
    "стороны обсудили строительство новой гидроэлектростанции на реке Вахш, поставки "
    "зерна и муки, совместные проекты в сфере образования и здравоохранения, а также "
    "подготовку визита президента в следующем месяце"
)
WORDS = ORIGINAL.split()
COPY = " ".join([*WORDS[:-6], "сообщает", "агентство", "со", "ссылкой", "на", "МИД"])
OTHER = " ".join(reversed(WORDS))
PUBLISHED = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def _new(url: str, text: str, source: str = "a", **extra) -> NewArticle:
    extra.setdefault("published", PUBLISHED)
    return NewArticle(
        source_id=source, url=url, canonical_url=url, title=url.rsplit("/", 1)[-1],
        text=text, content_hash=content_hash(text), **extra,
    )  # fmt: skip


@pytest.fixture(params=["sqlite", "postgresql"])
def sessions(request, tmp_path) -> Iterator[sessionmaker[Session]]:
    if request.param == "sqlite":
        yield open_database(f"sqlite:///{tmp_path / 'store.db'}")
        return
    with fresh_postgres_database() as url:
        made = open_database(url)
        yield made
        made.kw["bind"].dispose()


def _store(sessions: sessionmaker[Session], new: NewArticle):
    with sessions() as session:
        outcome = store_article(session, new)
        session.commit()
    return outcome


def test_every_outcome_on_both_backends(sessions) -> None:
    with sessions.begin() as session:
        sync_sources(session, [SourceRecord(s, s, ["ru"], "feed") for s in ("a", "b", "c")])
    first = _store(
        sessions, _new("https://a.example/1", ORIGINAL, alias_urls=["https://a.example/amp/1"])
    )
    assert (first.status, first.reason) == ("new", "new")
    near = _store(
        sessions, _new("https://b.example/9", COPY, "b", cited_urls=["https://a.example/1"])
    )
    assert (near.status, near.reason, near.story_id) == ("new", "near", first.story_id)
    assert near.score is not None and near.score >= 0.3
    exact = _store(sessions, _new("https://c.example/5", ORIGINAL, "c"))
    assert (exact.status, exact.reason, exact.story_id) == ("new", "content", first.story_id)
    assert _store(sessions, _new("https://a.example/amp/1", ORIGINAL)).reason == "url"
    assert _store(sessions, _new("https://a.example/2", ORIGINAL)).reason == "content"
    edited = _store(sessions, _new("https://a.example/1", ORIGINAL + " Обновлено."))
    assert (edited.status, edited.article_id) == ("updated", first.article_id)
    other = _store(sessions, _new("https://b.example/10", OTHER, "b"))
    assert (other.reason, other.story_id != first.story_id) == ("new", True)

    with sessions() as session:
        story = session.get_one(Story, first.story_id)
        assert story.article_count == 3
        assert story.canonical_article_id == first.article_id  # the copy cites it
        assert story.first_published == PUBLISHED
        assert session.get_one(Story, other.story_id).canonical_article_id == other.article_id
        article = session.get_one(Article, near.article_id)
        assert (article.dedup_reason, article.matched_article_id) == ("near", first.article_id)
        assert article.cited_urls == ["https://a.example/1"]
        assert article.published == PUBLISHED and article.version == 1
        assert article.fetched_at.tzinfo is not None
        urls = dict(session.execute(select(ArticleUrl.url, ArticleUrl.reason)).all())
        assert urls["https://a.example/amp/1"] == "alias"
        assert urls["https://a.example/2"] == "same_content"
        assert session.scalar(select(func.count()).select_from(ArticleVersion)) == 1
        bands = session.scalar(select(func.count()).where(LshBand.article_id == near.article_id))
        assert 30 <= bands <= 42  # distinct band keys of its sketch
        # the edited article's bands are its new text's, the old text's are gone
        edited_row = session.get_one(Article, first.article_id)
        keys = session.scalars(select(LshBand.key).where(LshBand.article_id == first.article_id))
        assert set(keys) == set(Sketch.from_bytes(edited_row.sketch).band_keys)
        assert set(Sketch.from_bytes(edited_row.sketch).band_keys) != set(
            sketch(ORIGINAL).band_keys
        )


def test_a_sketch_computed_ahead_is_the_one_stored_and_matched(sessions) -> None:
    """An extraction worker's sketch (NewArticle.sketch) is what the store matches with and
    keeps: a copy carrying its sketch still joins the original's story."""
    with sessions.begin() as session:
        sync_sources(session, [SourceRecord(s, s, ["ru"], "feed") for s in ("a", "b")])
    first = _store(sessions, _new("https://a.example/1", ORIGINAL, sketch=sketch(ORIGINAL)))
    ahead = sketch(COPY)
    near = _store(sessions, _new("https://b.example/9", COPY, "b", sketch=ahead))
    assert (near.reason, near.story_id) == ("near", first.story_id)
    with sessions() as session:
        assert session.get_one(Article, near.article_id).sketch == ahead.to_bytes()
        keys = session.scalars(select(LshBand.key).where(LshBand.article_id == near.article_id))
        assert set(keys) == set(ahead.band_keys)


def _store_traced(session: Session, new: NewArticle) -> tuple[str, int]:
    """store_article's reason, and its round trips: the server's ReadyForQuery answers in
    libpq's trace of the connection (one per request that waited for the server)."""
    from psycopg import pq

    connection = session.connection().connection.driver_connection
    with tempfile.TemporaryFile("w+") as trace:
        connection.pgconn.trace(trace.fileno())
        connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
        try:
            outcome = store_article(session, new)
        finally:
            connection.pgconn.untrace()
        trace.seek(0)
        waits = sum(line.startswith("B\t") and "\tReadyForQuery" in line for line in trace)
    return outcome.reason, waits


def test_postgresql_stores_a_new_article_and_a_copy_in_two_round_trips() -> None:
    copy = _new("https://b.example/9", COPY, "b", cited_urls=["https://a.example/1"])
    with fresh_postgres_database() as url:
        sessions = open_database(url)
        try:
            with sessions.begin() as session:
                sync_sources(session, [SourceRecord(s, s, ["ru"], "feed") for s in ("a", "b")])
                session.add(Story(title="x"))  # story ids differ from article ids
            for new, reason in ((_new("https://a.example/1", ORIGINAL), "new"), (copy, "near")):
                with sessions() as session:
                    # psycopg's BEGIN waits for its answer, once per transaction: not traced
                    session.connection().exec_driver_sql("SELECT 1")
                    assert _store_traced(session, new) == (reason, 2)
                    session.commit()
            with sessions() as session:  # the copy's story was refreshed in its one statement
                story = session.scalars(select(Story).where(Story.article_count == 2)).one()
                assert (story.title, story.first_published) == ("1", PUBLISHED)
                assert story.canonical_article_id == 1  # the copy cites it
        finally:
            sessions.kw["bind"].dispose()


def test_a_storys_canonical_copy_is_the_cited_one_else_the_earliest(sessions) -> None:
    """The story row follows its members on both backends: the earliest published copy leads
    until another copy cites one; an undated copy never leads by date."""
    with sessions.begin() as session:
        sync_sources(session, [SourceRecord(s, s, ["ru"], "feed") for s in ("a", "b", "c")])
    later = PUBLISHED.replace(hour=10)
    first = _store(sessions, _new("https://a.example/late", ORIGINAL, published=later))
    earlier = _store(sessions, _new("https://b.example/early", COPY, "b"))
    assert earlier.story_id == first.story_id

    def story() -> tuple[int | None, str | None, datetime | None, int]:
        with sessions() as session:
            row = session.get_one(Story, first.story_id)
            return row.canonical_article_id, row.title, row.first_published, row.article_count

    assert story() == (earlier.article_id, "early", PUBLISHED, 2)
    undated = _new("https://c.example/undated", ORIGINAL, "c", published=None)
    citing = _store(sessions, replace(undated, cited_urls=["https://a.example/late"]))
    assert (citing.reason, citing.story_id) == ("content", first.story_id)
    assert story() == (first.article_id, "late", PUBLISHED, 3)


def test_prune_expires_old_articles_bands_in_batches_and_keeps_recent_ones(sessions) -> None:
    """Bands are indexed by key only: prune finds an old article's rows by its sketch, a
    transaction per batch; a copy of an expired article then starts its own story, a copy of
    a recent one still joins."""
    from sqlalchemy import update

    from newswatch.storage.retention import prune, prune_all

    with sessions.begin() as session:
        sync_sources(session, [SourceRecord(s, s, ["ru"], "feed") for s in ("a", "b")])
    texts = [ORIGINAL, OTHER, " ".join(WORDS[::2] + WORDS[1::2])]
    stored = [_store(sessions, _new(f"https://a.example/{n}", t)) for n, t in enumerate(texts)]
    old, recent = stored[:2], stored[2]
    with sessions.begin() as session:
        old_ids = [s.article_id for s in old]
        session.execute(
            update(Article)
            .where(Article.id.in_(old_ids))
            .values(fetched_at=datetime(2020, 1, 1, tzinfo=UTC))
        )
    cutoff = datetime(2021, 1, 1, tzinfo=UTC)
    with sessions.begin() as session:
        first = prune(session, cutoff, batch=1)
    assert first.more and 30 <= first.bands <= 42
    total = prune_all(sessions.begin, cutoff)
    assert not total.more and 30 <= total.bands <= 42  # the other old article's

    def banded(session: Session, article_id: int) -> int:
        return session.scalar(select(func.count()).where(LshBand.article_id == article_id))

    with sessions() as session:
        assert [banded(session, a) for a in old_ids] == [0, 0]
        assert banded(session, recent.article_id) >= 30
        assert session.get_one(Article, recent.article_id).sketch is not None
        assert all(session.get_one(Article, a).sketch is None for a in old_ids)
    assert prune_all(sessions.begin, cutoff).bands == 0
    expired_copy = _store(sessions, _new("https://b.example/1", COPY, "b"))
    assert (expired_copy.reason, expired_copy.story_id != old[0].story_id) == ("new", True)
    recent_copy = _store(
        sessions, _new("https://b.example/2", texts[2] + " Обновлено сегодня.", "b")
    )
    assert (recent_copy.reason, recent_copy.story_id) == ("near", recent.story_id)
