"""The database as the crawler's article sink."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from newswatch.crawler.extraction import ExtractedArticle
from newswatch.events.linking import link_article
from newswatch.storage import repository
from newswatch.storage import validators as fetch_validators
from newswatch.storage.dedup import StoreOutcome, store_article
from newswatch.storage.neardup import Sketch
from newswatch.storage.repository import NewArticle
from newswatch.storage.validators import Validators

if TYPE_CHECKING:
    from newswatch.crawler.prepared import Prepared


def to_new_article(
    article: ExtractedArticle, source_id: str, signature: Sketch | None = None
) -> NewArticle:
    return NewArticle(
        source_id=source_id,
        url=article.url,
        canonical_url=article.canonical_url,
        alias_urls=article.alias_urls,
        title=article.title,
        text=article.text,
        content_hash=article.content_hash,
        language=article.language,
        published=article.published,
        date_source=article.date_source,
        description=article.description,
        author=article.author,
        cited_urls=article.cited_urls,
        sketch=signature,
    )


class DatabaseSink:
    def __init__(self, sessions: sessionmaker[Session]):
        self._sessions = sessions

    def known(self, urls: list[str]) -> set[str]:
        with self._sessions() as session:
            return repository.known_urls(session, urls)

    def store(
        self, article: ExtractedArticle, source_id: str, prepared: Prepared | None = None
    ) -> StoreOutcome:
        """prepared: the text's sketch and event features when an extraction worker made them."""
        new = to_new_article(article, source_id, prepared.sketch if prepared else None)
        features = prepared.features if prepared else None
        with self._sessions.begin() as session:
            outcome = store_article(session, new)
            link_article(session, outcome, new, features=features)  # same transaction and lock
            return outcome

    def validators(self, url: str) -> Validators | None:
        with self._sessions() as session:
            return fetch_validators.get_validators(session, url)

    def save_validators(self, url: str, validators: Validators, *, changed: bool) -> None:
        with self._sessions.begin() as session:
            fetch_validators.save_validators(session, url, validators, changed=changed)
