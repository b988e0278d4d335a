"""Link a stored article to its event, in the transaction that stored it, under the writers'
lock: a copy joins its story's event; otherwise its features are compared with the reports of
the last days that share an entity, and the best one above the threshold gives the event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from newswatch.events.features import LATE_DAYS, Features, extract
from newswatch.events.scoring import MAX_GAP, Verdict, old_dates, score
from newswatch.storage import events as store
from newswatch.storage.dedup import StoreOutcome
from newswatch.storage.models import Article
from newswatch.storage.repository import NewArticle

# Entities that find candidates: the ones a report must share to be linked (scoring's gate):
# actors and formats. Countries and cities are in nearly every report.
_KEY_ROLES = ("actor", "formats", "documents")
_SUMMIT_KEY_ROLES = (*_KEY_ROLES, "foreign")  # a summit's report may name only guests
_RATIFICATION_KEY_ROLES = (*_KEY_ROLES, "bodies")  # a ratification's names no person


@dataclass(frozen=True)
class EventLink:
    event_id: int
    how: str
    score: float | None = None
    reasons: tuple[str, ...] = ()


def candidate_keys(features: Features) -> list[str]:
    """`class:entity`: only reports of the same class of event (scoring's first gate) that
    share an actor or a format (its second) are ever candidates."""
    cls = features.event_class
    roles = {"summit": _SUMMIT_KEY_ROLES, "ratification": _RATIFICATION_KEY_ROLES}.get(
        cls, _KEY_ROLES
    )
    keys = {f"{cls}:{e}" for e in features.entities if features.roles.get(e, "actor") in roles}
    if cls == "ratification":  # the date of the treaty it ratifies
        keys |= {f"{cls}:{date.fromordinal(d)}" for d in old_dates(features)}
    return sorted(keys)


def _best(
    session: Session, features: Features, keys: list[str]
) -> tuple[store.Candidate, Verdict] | None:
    best: tuple[store.Candidate, Verdict] | None = None
    window = MAX_GAP.get(features.event_class, 1)
    days = features.about_days()
    back = LATE_DAYS if features.ordinals else window  # a numbered summit written up late
    for candidate in store.candidates(session, keys, days[0] - back, days[-1] + back):
        verdict = score(features, Features.from_json(candidate.features))
        if verdict.linked and (best is None or verdict.score > best[1].score):
            best = (candidate, verdict)
    return best


def _story_mate(session: Session, features: Features, story_id: int) -> store.Candidate | None:
    """A report of the story this copy joined, unless the copy says it is another happening
    (short texts of two summits can share enough words to look like copies)."""
    for mate in store.story_reports(session, story_id):
        if not mate.features or score(features, Features.from_json(mate.features)).gate is None:
            return mate
    return None


def link_article(
    session: Session,
    outcome: StoreOutcome,
    new: NewArticle,
    fetched: datetime | None = None,
    reuse: int | None = None,
    features: Features | None = None,
) -> EventLink | None:
    """None when the article was already known (a duplicate or a new version keeps its event).
    Call it under the writers' lock: in store_article's transaction, which took it. `fetched`
    (default: now) dates a report that has no publication date; `reuse` is an emptied event
    that the article takes over if it starts one (relinking keeps event ids). `features`: the
    article's, when worked out ahead (an extraction worker does it for a dated article)."""
    if outcome.status != "new":
        return None
    if features is None:
        # undated reports are about the days around their fetch, not all about one unknown day
        published = new.published or fetched or datetime.now(UTC)
        features = extract(new.title, new.text, published, new.language)
    keys = candidate_keys(features)
    if outcome.reason in ("content", "near") and (
        mate := _story_mate(session, features, outcome.story_id)
    ):
        link = store.ReportLink(
            outcome.article_id, outcome.story_id, mate.event_id, "story", outcome.score,
            (f"copy in story {outcome.story_id}",), mate.article_id,
        )  # fmt: skip
    elif (best := _best(session, features, keys)) is not None:
        candidate, verdict = best
        link = store.ReportLink(
            outcome.article_id, outcome.story_id, candidate.event_id, "scored",
            verdict.score, tuple(verdict.reasons), candidate.article_id,
        )  # fmt: skip
    else:
        day = datetime.combine(date.fromordinal(features.day), datetime.min.time(), UTC)
        fields = (features.kind, day, new.title, new.published, new.language)
        event_id = (
            store.reuse_event(session, reuse, *fields)
            if reuse is not None
            else store.create_event(session, *fields)
        )
        link = store.ReportLink(outcome.article_id, outcome.story_id, event_id, "new")
    store.add_report(session, link, features.day, features.to_json(), keys)
    return EventLink(link.event_id, link.how, link.score, tuple(link.reasons))


def link_stored(session: Session, article: Article) -> int:
    """Link an article stored without its event (by a path other than the crawler's sink, or
    before events existed and without a backfilled one): the same decision, now."""
    new = as_new(article)
    outcome = StoreOutcome(
        "new", article.id, article.story_id or 0, article.dedup_reason, article.dedup_score
    )
    store.lock_writers(session)
    link = link_article(session, outcome, new)
    assert link is not None  # a "new" outcome is always linked
    session.expire(article, ["event_id"])  # written with Core: the ORM copy is stale
    return link.event_id


def as_new(article: Article) -> NewArticle:
    """A stored article as the store path saw it when it came in."""
    return NewArticle(
        source_id=article.source_id,
        url=article.url,
        canonical_url=article.canonical_url,
        title=article.title,
        text=article.text,
        content_hash=article.content_hash,
        language=article.language,
        published=article.published,
    )
