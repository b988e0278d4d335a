"""Item pipeline: extraction and storage of fetched article pages."""

from __future__ import annotations

import logging
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

from newswatch.crawler.extract_pool import shared_pool
from newswatch.crawler.extraction import ExtractedArticle, ExtractionError, extract_article
from newswatch.crawler.items import ArticlePage

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from newswatch.crawler.context import SourceContext
    from newswatch.crawler.prepared import Prepared

log = logging.getLogger("newswatch.crawl")


class ExtractAndStorePipeline:
    """Extraction on the reactor thread: the one-process default."""

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
        store(context, item, article)
        return item


class PooledExtractAndStorePipeline(ExtractAndStorePipeline):
    """Extraction in worker processes (crawl.extract_workers > 1); storing stays here."""

    async def process_item(self, item: ArticlePage) -> ArticlePage:  # type: ignore[override]
        context = self.crawler.spider.context
        pool = shared_pool(self.crawler.settings.getint("NEWSWATCH_EXTRACT_WORKERS"))
        try:
            article, prepared = await pool.extract(item, context.profile)
        except ExtractionError as exc:
            context.fail(item.url, f"extraction: {exc}")
            return item
        except BrokenProcessPool:
            context.fail(item.url, "extraction: the worker process died on this page")
            return item
        store(context, item, article, prepared)
        return item


def store(
    context: SourceContext,
    item: ArticlePage,
    article: ExtractedArticle,
    prepared: Prepared | None = None,
) -> None:
    try:
        outcome = context.sink.store(article, context.source.id, prepared)
    except Exception as exc:
        context.fail(item.url, f"storage: {type(exc).__name__}: {exc}")
        return
    if outcome.status == "duplicate":
        context.counts.duplicate += 1
        return
    context.counts.new += 1  # a new article, a copy in a known story, or a new version
    log.info(
        "source=%s %s article %s (story %d, %s)",
        context.source.id,
        outcome.status,
        article.canonical_url,
        outcome.story_id,
        outcome.reason,
    )
