"""Item pipeline: extraction and storage of fetched article pages."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from newswatch.crawler.extraction import ExtractionError, extract_article
from newswatch.crawler.items import ArticlePage

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

log = logging.getLogger("newswatch.crawl")


class ExtractAndStorePipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractAndStorePipeline:
        return cls(crawler)

    def process_item(self, item: ArticlePage) -> ArticlePage:
        context = self.crawler.spider.context
        try:
            article = extract_article(
                item.body,
                item.url,
                profile=context.profile,
                hint=item.hint,
                http_charset=item.http_charset,
                aliases=item.redirected_from,
            )
        except ExtractionError as exc:
            context.fail(item.url, f"extraction: {exc}")
            return item
        try:
            outcome = context.sink.store(article, context.source.id)
        except Exception as exc:
            context.fail(item.url, f"storage: {type(exc).__name__}: {exc}")
            return item
        if outcome.status == "duplicate":
            context.counts.duplicate += 1
            return item
        context.counts.new += 1  # a new article, a copy in a known story, or a new version
        log.info(
            "source=%s %s article %s (story %d, %s)",
            context.source.id,
            outcome.status,
            article.canonical_url,
            outcome.story_id,
            outcome.reason,
        )
        return item
