"""What one spider run needs beyond its source spec: where articles go, and its counters."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from newswatch.config.sources import SourceSpec
from newswatch.crawler.extraction import ExtractedArticle, ExtractionProfile, profile_for
from newswatch.crawler.xmlbounds import DEFAULT_BUDGET, ParseBudget
from newswatch.storage.repository import SourceRunCounts
from newswatch.storage.validators import Validators

if TYPE_CHECKING:
    from newswatch.crawler.prepared import Prepared
    from newswatch.storage.dedup import StoreOutcome

log = logging.getLogger("newswatch.crawl")


class ArticleSink(Protocol):
    """Where the crawler puts articles; storage.DatabaseSink in production."""

    def known(self, urls: list[str]) -> set[str]: ...

    def store(
        self, article: ExtractedArticle, source_id: str, prepared: Prepared | None = None
    ) -> StoreOutcome:
        """prepared: the text's sketch and event features when an extraction worker made them."""
        ...

    def validators(self, url: str) -> Validators | None:
        """What a discovery page looked like when last read (for conditional GET)."""
        ...

    def save_validators(self, url: str, validators: Validators, *, changed: bool) -> None:
        """Record a poll of a discovery page; changed: its body was new."""
        ...


@dataclass
class SourceContext:
    source: SourceSpec
    sink: ArticleSink
    max_articles: int = 500
    max_feed_entries: int = 1000
    max_sitemap_entries: int = 1000
    parse_budget: ParseBudget = DEFAULT_BUDGET
    counts: SourceRunCounts = field(default_factory=SourceRunCounts)
    discovery_pages_read: int = 0  # feeds, sitemaps and listings that could be read

    def finish(self) -> SourceRunCounts:
        if self.discovery_pages_read == 0:
            self.counts.status = "failed"
        elif self.counts.failed:
            self.counts.status = "partial"
        return self.counts

    @property
    def profile(self) -> ExtractionProfile:
        return profile_for(self.source)

    def fail(self, url: str, reason: str) -> None:
        """Every failure is counted, kept with its reason, and logged with source and URL."""
        self.counts.failed += 1
        self.counts.failures.append((url, reason))
        log.warning("source=%s url=%s failed: %s", self.source.id, url, reason)
