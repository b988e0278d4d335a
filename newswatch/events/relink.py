"""Link the stored articles of a period again, with today's vocabulary and scoring: after the
alias table or the triggers changed, or for articles stored before events existed. Idempotent:
the articles are unlinked, then linked in the order they were published, each emptied event
taken over again by the first article that starts one (so event ids, and alerts sent for them,
stay put when nothing changed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from newswatch.events.linking import as_new, link_article
from newswatch.storage import events as store
from newswatch.storage.dedup import StoreOutcome


@dataclass(frozen=True)
class Relinked:
    articles: int
    events_before: int
    events_after: int
    moved: int  # articles now in another event than before


def relink(session: Session, since: datetime, until: datetime) -> Relinked:
    """Under the writers' lock, in the caller's transaction."""
    store.lock_writers(session)
    articles = store.articles_between(session, since, until)
    former = store.forget_links(session, [a.id for a in articles])
    free = store.empty_events(session, set(former.values()))
    after: dict[int, int] = {}
    for article in articles:
        outcome = StoreOutcome(
            "new", article.id, article.story_id or 0, article.dedup_reason, article.dedup_score
        )
        old = former.get(article.id)
        reuse = old if old in free else None
        link = link_article(session, outcome, as_new(article), article.fetched_at, reuse)
        assert link is not None  # a "new" outcome is always linked
        free.discard(link.event_id)
        after[article.id] = link.event_id
    store.drop_events(session, free)
    store.mend_stories(session)
    moved = sum(1 for a, e in after.items() if former.get(a) not in (None, e))
    return Relinked(len(articles), len(set(former.values())), len(set(after.values())), moved)
