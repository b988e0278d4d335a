"""Expiry of the crawler's working state, so tables stay bounded in a daemon that runs for months.

Articles and stories are the archive and stay. What expires is what makes the crawler fast:
the seen-URL index (an expired URL that a feed still lists is fetched once more and then found
by its canonical URL), the near-duplicate bands with their article's sketch (copies older than
the window start a new story) and the event keys (a report older than the window is no
candidate for new ones).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from newswatch.storage.models import Article, ArticleUrl, EventKey, LshBand

# Articles whose bands one transaction expires: each costs 42 key seeks, and a transaction holds
# the writers' lock, which the crawler's stores wait for. At a million articles (SQLite) 500
# took 0.8 s a transaction (1.2 s at most).
BAND_BATCH = 200


@dataclass(frozen=True)
class PruneResult:
    urls: int
    bands: int
    event_keys: int = 0
    more: bool = False  # articles with bands to expire are left for another transaction


def prune(session: Session, older_than: datetime, batch: int = BAND_BATCH) -> PruneResult:
    """One transaction's share: every expired URL and event key, the bands of up to `batch`
    articles last fetched before `older_than`."""
    urls = session.execute(delete(ArticleUrl).where(ArticleUrl.first_seen < older_than))
    keys = session.execute(delete(EventKey).where(EventKey.created_at < older_than))
    bands, more = _expire_bands(session, older_than, batch)
    return PruneResult(urls.rowcount or 0, bands, keys.rowcount or 0, more)


def prune_all(
    transaction: Callable[[], AbstractContextManager[Session]], older_than: datetime
) -> PruneResult:
    """prune, then the bands left over, one transaction per batch (URLs and event keys expire
    by their own time index in the first)."""
    with transaction() as session:
        first = prune(session, older_than)
    bands, more = first.bands, first.more
    while more:
        with transaction() as session:
            expired, more = _expire_bands(session, older_than, BAND_BATCH)
        bands += expired
    return PruneResult(first.urls, bands, first.event_keys)


def _expire_bands(session: Session, older_than: datetime, batch: int) -> tuple[int, bool]:
    """The band table is indexed by key only (migration 0013): an expired article's rows are
    found from its sketch's keys, and the sketch is dropped with them (ix_articles_sketched
    lists the articles that still have bands, oldest first)."""
    expired = session.execute(
        select(Article.id, Article.sketch)
        .where(Article.sketch.is_not(None), Article.fetched_at < older_than)
        .order_by(Article.fetched_at)
        .limit(batch + 1)
    ).all()
    more = len(expired) > batch
    expired = expired[:batch]
    if not expired:
        return 0, False
    from newswatch.storage.neardup import Sketch  # numpy: only when there is something to expire

    rows = sorted(
        {
            (key, article_id)
            for article_id, data in expired
            for key in Sketch.from_bytes(data).band_keys
        }
    )
    bands = LshBand.__table__.c
    session.connection().execute(  # Core executemany: one prepared statement, every pair
        delete(LshBand.__table__).where(
            bands.key == bindparam("k"), bands.article_id == bindparam("a")
        ),
        [{"k": key, "a": article_id} for key, article_id in rows],
    )
    ids = [article_id for article_id, _ in expired]
    session.execute(update(Article).where(Article.id.in_(ids)).values(sketch=None))
    return len(rows), more
