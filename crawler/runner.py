"""Running crawls: every enabled source at once on one asyncio Twisted reactor.

A failing source only fails itself; its errors end up in its counts, never in the others'.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from scrapy.crawler import AsyncCrawlerRunner, Crawler
from scrapy.settings import Settings as ScrapySettings

from config.settings import Settings
from config.sources import SourceSpec
from crawler.context import ArticleSink, SourceContext
from crawler.scrapy_settings import ASYNCIO_REACTOR, scrapy_settings
from crawler.spiders import spider_class_for
from storage.repository import SourceRunCounts

log = logging.getLogger("newswatch.crawl")
T = TypeVar("T")


@dataclass
class SourceResult:
    source_id: str
    counts: SourceRunCounts


async def crawl_sources(
    settings: Settings, sources: list[SourceSpec], sink: ArticleSink
) -> list[SourceResult]:
    """One crawl of the given sources; needs the asyncio reactor running (run_on_reactor)."""
    runner = AsyncCrawlerRunner(ScrapySettings(scrapy_settings(settings)))
    contexts = [
        SourceContext(source, sink, max_articles=settings.crawl.max_articles_per_source)
        for source in sources
    ]
    tasks = []
    for context in contexts:
        crawler = Crawler(
            spider_class_for(context.source),
            ScrapySettings(scrapy_settings(settings, context.source)),
        )
        tasks.append(runner.crawl(crawler, context=context))
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    for context, outcome in zip(contexts, outcomes, strict=True):
        if isinstance(outcome, BaseException):
            context.fail(context.source.start_urls[0], f"crawler error: {outcome!r}")
    return [SourceResult(c.source.id, c.finish()) for c in contexts]


def run_on_reactor(main: Callable[[], Awaitable[T]]) -> T:
    """Install the asyncio reactor, run main() on it, stop it. Once per process (Twisted)."""
    from scrapy.utils.reactor import install_reactor

    install_reactor(ASYNCIO_REACTOR)
    from twisted.internet import defer, reactor

    outcome: dict[str, object] = {}

    def start() -> None:
        deferred = defer.Deferred.fromFuture(asyncio.ensure_future(main()))
        deferred.addCallbacks(
            lambda value: outcome.setdefault("value", value),
            lambda failure: outcome.setdefault("failure", failure),
        )
        deferred.addBoth(lambda _: reactor.stop())

    reactor.callWhenRunning(start)
    reactor.run()
    if "failure" in outcome:
        outcome["failure"].raiseException()  # type: ignore[attr-defined]
    return outcome["value"]  # type: ignore[return-value]
