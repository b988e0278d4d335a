"""Running crawls: every enabled source at once on one asyncio Twisted reactor.

A failing source only fails itself; its errors end up in its counts, never in the others'.
A source gets a time slice (crawl.time_slice_seconds): a crawl still running then is closed
with the reason (its pages stored so far stay; its discovery pages are read in full again at
the next poll, whose known articles are skipped), so one slow or huge source can neither hold
the reactor for long nor its domain's turn (sources on one site take turns in the daemon).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from scrapy.crawler import AsyncCrawlerRunner, Crawler
from scrapy.settings import Settings as ScrapySettings

from newswatch.config.settings import Settings
from newswatch.config.sources import SourceSpec
from newswatch.crawler.context import ArticleSink, SourceContext
from newswatch.crawler.scrapy_settings import ASYNCIO_REACTOR, scrapy_settings
from newswatch.crawler.spiders import spider_class_for
from newswatch.crawler.twisted_logs import route_twisted_logging
from newswatch.crawler.xmlbounds import ParseBudget
from newswatch.storage.repository import SourceRunCounts

log = logging.getLogger("newswatch.crawl")
T = TypeVar("T")


@dataclass
class SourceResult:
    source_id: str
    counts: SourceRunCounts


class CrawlWatch(Protocol):
    """Follows a crawl as it goes (progress on a terminal); counts are read, never written."""

    def begin(self, contexts: list[SourceContext]) -> None: ...

    def source_done(self, context: SourceContext) -> None: ...


async def crawl_sources(
    settings: Settings,
    sources: list[SourceSpec],
    sink: ArticleSink,
    *,
    active: set[AsyncCrawlerRunner] | None = None,
    watch: CrawlWatch | None = None,
) -> list[SourceResult]:
    """One crawl of the given sources; needs the asyncio reactor running (run_on_reactor).

    While it runs, its runner is in `active`, so a daemon shutting down can stop it
    (`await runner.stop()`): the spiders close, what was stored stays, the rest is crawled
    again next time.
    """
    runner = AsyncCrawlerRunner(ScrapySettings(scrapy_settings(settings)))
    if active is not None:
        active.add(runner)
    contexts = [
        SourceContext(
            source,
            sink,
            max_articles=settings.crawl.max_articles_per_source,
            max_feed_entries=settings.crawl.max_feed_entries,
            max_sitemap_entries=settings.crawl.max_sitemap_entries,
            parse_budget=ParseBudget(
                settings.crawl.parse_max_bytes, settings.crawl.parse_cpu_seconds
            ),
        )
        for source in sources
    ]
    if watch is not None:
        watch.begin(contexts)
    tasks = []
    for context in contexts:
        crawler = Crawler(
            spider_class_for(context.source),
            ScrapySettings(scrapy_settings(settings, context.source)),
        )
        task = runner.crawl(crawler, context=context)
        if seconds := settings.crawl.time_slice_seconds:
            ending = asyncio.get_running_loop().call_later(
                seconds, _end_slice, crawler, context, seconds
            )
            task.add_done_callback(lambda _, ending=ending: ending.cancel())
        if watch is not None:
            task.add_done_callback(lambda _, context=context: watch.source_done(context))
        tasks.append(task)
    try:
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        if active is not None:
            active.discard(runner)
    for context, outcome in zip(contexts, outcomes, strict=True):
        if isinstance(outcome, BaseException):
            context.fail(context.source.start_urls[0], f"crawler error: {outcome!r}")
    return [SourceResult(c.source.id, c.finish()) for c in contexts]


TIME_SLICE = "time_slice"  # the reason a spider closed at the end of its slice


def _end_slice(crawler: Crawler, context: SourceContext, seconds: float) -> None:
    """The source has had its slice: stop it for this poll, with the reason on record."""
    engine = crawler.engine
    if engine is None or engine.spider is None:
        return
    context.fail(
        context.source.start_urls[0],
        f"time slice: crawl stopped after {seconds:g} s; the rest is crawled at the next poll",
    )
    closing = asyncio.ensure_future(engine.close_spider_async(reason=TIME_SLICE))
    closing.add_done_callback(_log_close_error)


def _log_close_error(closing: asyncio.Future[None]) -> None:
    if not closing.cancelled() and (error := closing.exception()):
        log.warning("closing a spider at the end of its time slice failed: %r", error)


def run_on_reactor(main: Callable[[], Awaitable[T]], *, own_signals: bool = False) -> T:
    """Install the asyncio reactor, run main() on it, stop it. Once per process (Twisted).

    own_signals: main() handles SIGTERM/SIGINT itself (the daemon's graceful stop); otherwise
    Twisted's handlers stop the reactor at once.
    """
    from scrapy.utils.reactor import install_reactor

    route_twisted_logging()
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
    reactor.run(installSignalHandlers=not own_signals)
    if "failure" in outcome:
        outcome["failure"].raiseException()  # type: ignore[attr-defined]
    return outcome["value"]  # type: ignore[return-value]
