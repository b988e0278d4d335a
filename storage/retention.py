"""Expiry of the crawler's working state, so tables stay bounded in a daemon that runs for months.

Articles and stories are the archive and stay. What expires is what makes the crawler fast:
the seen-URL index (an expired URL that a feed still lists is fetched once more and then found
by its canonical URL), the near-duplicate bands (copies older than the window start a new
story) and the event keys (a report older than the window is no candidate for new ones).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from newswatch.storage.models import ArticleUrl, EventKey, LshBand


@dataclass(frozen=True)
class PruneResult:
    urls: int
    bands: int
    event_keys: int = 0


def prune(session: Session, older_than: datetime) -> PruneResult:
    urls = session.execute(delete(ArticleUrl).where(ArticleUrl.first_seen < older_than))
    bands = session.execute(delete(LshBand).where(LshBand.created_at < older_than))
    keys = session.execute(delete(EventKey).where(EventKey.created_at < older_than))
    return PruneResult(urls.rowcount or 0, bands.rowcount or 0, keys.rowcount or 0)
