"""Storing an article once and grouping copies into stories, cheapest test first:

1. a known URL (canonical, alias, AMP/mobile variant) -> the same article; changed text at the
   same URL -> a new version of it;
2. identical normalised text -> the same article on the same site, a copy in the same story
   on another site;
3. near-identical text (MinHash LSH over word shingles, verified by estimated Jaccard) -> a
   copy in the same story;
4. otherwise a new story.

Decisions are serialised by a one-row lock table, so concurrent workers on one database
never create two articles or two stories for one item.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import bindparam, delete, insert, select, text, update
from sqlalchemy.orm import Session

from storage.models import Article, ArticleUrl, ArticleVersion, LshBand, Story
from storage.neardup import THRESHOLD, Sketch, sketch
from storage.repository import NewArticle, add_urls, lock_writers
from storage.types import utcnow

MAX_CANDIDATES = 20
# Built once: the hot path of every store; a textual statement skips per-call coercion of the
# 42 band keys.
_BAND_HITS = text("SELECT article_id FROM lsh_bands WHERE key IN :keys").bindparams(
    bindparam("keys", expanding=True)
)
_INSERT_BANDS = insert(LshBand.__table__)
_STORIES = Story.__table__
_INSERT_STORY = insert(_STORIES).values(article_count=1).returning(_STORIES.c.id)
_INSERT_ARTICLE = insert(Article.__table__).returning(Article.__table__.c.id)
_INSERT_URLS = insert(ArticleUrl.__table__)


@dataclass(frozen=True)
class Copy:
    """The stored article a new one was found to copy."""

    id: int
    story_id: int | None


@dataclass(frozen=True)
class StoreOutcome:
    status: Literal["new", "duplicate", "updated"]
    article_id: int
    story_id: int
    reason: str  # new | url | content | near | version
    score: float | None = None


def store_article(session: Session, new: NewArticle) -> StoreOutcome:
    signature = sketch(new.text)  # outside the lock: the costly part
    lock_writers(session)
    urls = {new.canonical_url: "canonical"}
    for alias in new.alias_urls:
        urls.setdefault(alias, "alias")
    known = session.scalar(  # the seen-URL index, or the canonical URL once that expired
        select(ArticleUrl.article_id)
        .where(ArticleUrl.url.in_(list(urls)))
        .union_all(select(Article.id).where(Article.canonical_url == new.canonical_url))
        .limit(1)
    )
    if known is not None:
        article = session.get_one(Article, known)
        add_urls(session, article.id, urls)
        if article.content_hash == new.content_hash:
            return StoreOutcome("duplicate", article.id, article.story_id or 0, "url")
        _new_version(session, article, new, signature)
        return StoreOutcome("updated", article.id, article.story_id or 0, "version")

    same_text = session.execute(
        select(Article.id, Article.story_id, Article.source_id)
        .where(Article.content_hash == new.content_hash)
        .order_by(Article.id)
        .limit(1)
    ).first()
    if same_text is not None and same_text.source_id == new.source_id:
        add_urls(session, same_text.id, dict.fromkeys(urls, "same_content"))
        return StoreOutcome("duplicate", same_text.id, same_text.story_id or 0, "content")

    match: Copy | None = None
    score, reason = None, "new"
    if same_text is not None:
        match, score, reason = Copy(same_text.id, same_text.story_id), 1.0, "content"
    elif signature is not None and (found := _nearest(session, signature)):
        match, score = found
        reason = "near"
    stored = _insert(session, new, signature, match, reason, score)
    session.execute(  # none of them is known: checked above, under the lock
        _INSERT_URLS,
        [
            {"url": u, "article_id": stored.id, "reason": r, "first_seen": utcnow()}
            for u, r in urls.items()
        ],
    )
    if match is not None:
        _refresh_story(session, stored.story_id)
    return StoreOutcome("new", stored.id, stored.story_id or 0, reason, score)


def _insert(
    session: Session,
    new: NewArticle,
    signature: Sketch | None,
    match: Copy | None,
    reason: str,
    score: float | None,
) -> Copy:
    """Insert the article (and its story when it starts one) with Core statements: this is
    the hot path of every store, and the ORM's unit of work costs more than the database."""
    if match is not None and match.story_id is not None:
        story_id = match.story_id
    else:
        story_id = session.execute(
            _INSERT_STORY, {"title": new.title, "first_published": new.published}
        ).scalar_one()
    article_id = session.execute(
        _INSERT_ARTICLE,
        {
            "source_id": new.source_id,
            "canonical_url": new.canonical_url,
            "url": new.url,
            "title": new.title,
            "text": new.text,
            "description": new.description,
            "author": new.author,
            "language": new.language,
            "published": new.published,
            "date_source": new.date_source,
            "content_hash": new.content_hash,
            "word_count": len(new.text.split()),
            "story_id": story_id,
            "dedup_reason": reason,
            "dedup_score": score,
            "matched_article_id": match.id if match is not None else None,
            "sketch": signature.to_bytes() if signature is not None else None,
            "cited_urls": list(new.cited_urls),
        },
    ).scalar_one()
    if match is None:
        session.execute(
            update(_STORIES)
            .where(_STORIES.c.id == story_id)
            .values(canonical_article_id=article_id)
        )
    _index(session, article_id, signature)
    return Copy(article_id, story_id)


def _index(session: Session, article_id: int, signature: Sketch | None) -> None:
    if signature is None:
        return
    keys = set(signature.band_keys)
    now = utcnow()
    session.execute(
        _INSERT_BANDS,  # Core executemany: no per-row ORM bookkeeping
        [{"key": k, "article_id": article_id, "created_at": now} for k in keys],
    )


def _nearest(session: Session, signature: Sketch) -> tuple[Copy, float] | None:
    """The most similar indexed article above THRESHOLD: band hits pick candidates, the
    signatures' agreement (estimated Jaccard) decides."""
    keys = signature.band_keys
    hits = Counter(session.scalars(_BAND_HITS, {"keys": keys}))
    if not hits:
        return None
    candidates = [article_id for article_id, _ in hits.most_common(MAX_CANDIDATES)]
    rows = session.execute(
        select(Article.id, Article.story_id, Article.sketch).where(Article.id.in_(candidates))
    ).all()
    scored = [
        (signature.jaccard(Sketch.from_bytes(data)), -article_id, Copy(article_id, story_id))
        for article_id, story_id, data in rows
        if data is not None
    ]
    best = max(scored, key=lambda s: s[:2], default=None)  # most similar, then oldest
    if best is None or best[0] < THRESHOLD:
        return None
    return best[2], best[0]


def _new_version(
    session: Session, article: Article, new: NewArticle, signature: Sketch | None
) -> None:
    """Keep the old text as a version; the article shows the newest; the story stays."""
    session.add(
        ArticleVersion(
            article_id=article.id,
            version=article.version,
            title=article.title,
            text=article.text,
            content_hash=article.content_hash,
            fetched_at=article.fetched_at,
        )
    )
    article.version += 1
    article.title = new.title
    article.text = new.text
    article.content_hash = new.content_hash
    article.word_count = len(new.text.split())
    article.description = new.description
    article.fetched_at = utcnow()
    if new.published is not None:
        article.published = new.published
    article.sketch = signature.to_bytes() if signature is not None else None
    session.execute(delete(LshBand).where(LshBand.article_id == article.id))
    _index(session, article.id, signature)
    session.flush()
    _refresh_story(session, article.story_id)


def _refresh_story(session: Session, story_id: int | None) -> None:
    """Canonical copy: the one another copy cites, else the earliest published."""
    if story_id is None:
        return
    story = session.get_one(Story, story_id)
    members = list(session.scalars(select(Article).where(Article.story_id == story_id)))
    cited = {url for member in members for url in (member.cited_urls or [])}
    far_future = utcnow().replace(year=9999)

    def rank(article: Article) -> tuple[bool, object, int]:
        return (
            article.canonical_url not in cited,
            article.published or far_future,
            article.id,
        )

    canonical = min(members, key=rank)
    story.canonical_article_id = canonical.id
    story.title = canonical.title
    published = [m.published for m in members if m.published is not None]
    story.first_published = min(published) if published else None
    story.article_count = len(members)
    story.updated_at = utcnow()
