"""Crawling jobs taken from the shared Redis queue (storage.workqueue), as `newswatch worker`.

Two kinds of job: `poll` (read a source's feeds/sitemaps/listings, as its spider's start
requests) and `article` (fetch, extract and store one page). A worker polling a source does
not fetch the articles it finds: it queues them, once across all workers (the shared
duplicate filter), so every worker shares the pages of a busy source. Politeness holds
across workers: a request waits for its domain's slot in Redis (DOWNLOAD_DELAY apart).

A worker takes a batch, crawls it on its reactor with the ordinary spiders and pipeline,
renews the leases meanwhile, and acknowledges the batch when the crawl is over.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

import redis
import scrapy
from scrapy.crawler import AsyncCrawlerRunner, Crawler
from scrapy.settings import Settings as ScrapySettings

from newswatch.config.settings import Settings
from newswatch.config.sources import SourceSpec
from newswatch.crawler.context import ArticleSink, SourceContext
from newswatch.crawler.extraction import PageHint
from newswatch.crawler.runner import SourceResult
from newswatch.crawler.scrapy_settings import scrapy_settings
from newswatch.crawler.spiders import spider_class_for
from newswatch.crawler.spiders.base import NewsSpider
from newswatch.crawler.urls import host_of, normalize_url
from newswatch.storage.workqueue import Job, WorkQueue

if TYPE_CHECKING:
    from scrapy.http import Request

log = logging.getLogger("newswatch.worker")

POLL = "poll"
ARTICLE = "article"


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def poll_job(source_id: str, by: str) -> dict[str, Any]:
    return {"kind": POLL, "source": source_id, "by": by}


def article_job(source_id: str, url: str, hint: PageHint | None) -> dict[str, Any]:
    return {"kind": ARTICLE, "source": source_id, "url": url, "hint": _hint_json(hint)}


def _hint_json(hint: PageHint | None) -> dict[str, Any] | None:
    if hint is None:
        return None
    published = hint.published.isoformat() if hint.published else None
    return {"title": hint.title, "published": published, "author": hint.author,
            "summary": hint.summary}  # fmt: skip


def _hint(data: dict[str, Any] | None) -> PageHint | None:
    if not data:
        return None
    published = datetime.fromisoformat(data["published"]) if data.get("published") else None
    return PageHint(data.get("title"), published, data.get("author"), data.get("summary"))


@cache
def distributed_spider(base: type[NewsSpider]) -> type[NewsSpider]:
    """`base` reading its jobs instead of its start URLs, and queueing the articles it finds."""

    class Distributed(base):  # type: ignore[valid-type, misc]
        def __init__(self, context: SourceContext, jobs: list[Job], work: Worker, **kw: Any):
            super().__init__(context, **kw)
            self.jobs = jobs
            self.work = work

        async def start(self) -> AsyncIterator[Request]:
            for job in self.jobs:
                if job.body["kind"] == POLL:
                    async for request in super().start():
                        yield request
                else:
                    yield scrapy.Request(
                        job.body["url"],
                        callback=self.parse_article,
                        errback=self.on_error,
                        cb_kwargs={"hint": _hint(job.body.get("hint"))},
                        dont_filter=True,  # the shared filter already let it through
                    )

        def follow_articles(self, candidates: Any) -> Iterator[Request]:
            for request in super().follow_articles(candidates):  # known URLs, article cap
                hint = request.cb_kwargs.get("hint")
                self.work.queue_article(self.source.id, request.url, hint)
            return iter(())

    Distributed.__name__ = f"Distributed{base.__name__}"
    return Distributed


class SharedPolitenessMiddleware:
    """Requests to one domain at least DOWNLOAD_DELAY apart across every worker."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.delay = crawler.settings.getfloat("DOWNLOAD_DELAY")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedPolitenessMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request, spider: object = None) -> None:
        work: Worker | None = getattr(self.crawler.spider, "work", None)
        if work is None or self.delay <= 0:
            return None
        domain = host_of(request.url)
        while wait := await asyncio.to_thread(work.queue.polite_wait, domain, self.delay):
            await asyncio.sleep(wait)
        return None


class Worker:
    """Takes batches of jobs and crawls them; run() until stop is set."""

    def __init__(self, settings: Settings, sources: list[SourceSpec], sink: ArticleSink):
        self.settings = settings
        self.options = settings.distributed
        self.sources = {s.id: s for s in sources}
        self.sink = sink
        self.name = worker_name()
        self.queue = WorkQueue.from_url(
            self.options.redis_url, self.options.prefix, self.options.lease_seconds
        )

    def queue_article(self, source_id: str, url: str, hint: PageHint | None) -> None:
        if self.queue.first_sight(normalize_url(url), self.options.seen_days * 86400):
            self.queue.put(article_job(source_id, url, hint))

    async def run(self, stop: asyncio.Event, on_batch: Any = None) -> None:
        log.info("worker %s ready", self.name, extra={"event": "worker_ready"})
        pause = 1.0
        while not stop.is_set():
            try:
                await self._one_batch(on_batch)
                pause = 1.0
            except redis.RedisError as exc:  # Redis away: wait for it, lose nothing
                log.warning("worker %s: Redis: %s; retrying in %.0f s", self.name, exc, pause)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), pause)
                pause = min(pause * 2, 30.0)

    async def _one_batch(self, on_batch: Any) -> None:
        await asyncio.to_thread(self.queue.requeue_expired)
        jobs = await asyncio.to_thread(self.queue.take, self.options.batch, 1.0)
        if not jobs:
            return
        for job in jobs:
            log.info(
                "worker %s took %s %s",
                self.name,
                job.body["kind"],
                job.body.get("url") or job.body["source"],
                extra={"event": "took", "job": job.body["id"], "kind": job.body["kind"]},
            )
        results = await self._crawl_leased(jobs)
        await asyncio.to_thread(self._done, jobs)
        if on_batch is not None:
            await asyncio.to_thread(on_batch, results)

    async def _crawl_leased(self, jobs: list[Job]) -> list[SourceResult]:
        renewing = asyncio.ensure_future(self._renew(jobs))
        try:
            return await self.crawl(jobs)
        finally:
            renewing.cancel()

    async def _renew(self, jobs: list[Job]) -> None:
        while True:
            await asyncio.sleep(self.options.lease_seconds / 3)
            try:
                await asyncio.to_thread(self.queue.renew, jobs)
            except redis.RedisError as exc:  # the lease may run out: the jobs run twice
                log.warning("worker %s: could not renew leases: %s", self.name, exc)

    def _done(self, jobs: list[Job]) -> None:
        self.queue.ack(jobs)
        for job in jobs:
            if job.body["kind"] == POLL:
                self.queue.release_source(job.body["source"])

    async def crawl(self, jobs: list[Job]) -> list[SourceResult]:
        """The jobs' sources crawled at once, one spider per source (as crawl_sources)."""
        by_source: dict[str, list[Job]] = {}
        for job in jobs:
            if job.body["source"] not in self.sources:
                log.warning("worker %s: unknown or disabled source in %s", self.name, job.body)
                continue
            by_source.setdefault(job.body["source"], []).append(job)
        runner = AsyncCrawlerRunner(ScrapySettings(scrapy_settings(self.settings)))
        contexts, tasks = [], []
        for source_id, source_jobs in by_source.items():
            source = self.sources[source_id]
            context = SourceContext(
                source, self.sink, max_articles=self.settings.crawl.max_articles_per_source
            )
            values = scrapy_settings(self.settings, source)
            values["DOWNLOADER_MIDDLEWARES"] = {
                **values["DOWNLOADER_MIDDLEWARES"],
                "newswatch.crawler.distributed.SharedPolitenessMiddleware": 50,
            }
            crawler = Crawler(distributed_spider(spider_class_for(source)), ScrapySettings(values))
            contexts.append((context, source_jobs))
            tasks.append(runner.crawl(crawler, context=context, jobs=source_jobs, work=self))
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        results = []
        for (context, source_jobs), outcome in zip(contexts, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                context.fail(source_jobs[0].body.get("url", "?"), f"crawler error: {outcome!r}")
            if not any(j.body["kind"] == POLL for j in source_jobs):
                context.discovery_pages_read = 1  # articles only: no discovery page was due
            result = SourceResult(context.source.id, context.finish())
            self._retry_failed_articles(source_jobs, result.counts.failures)
            results.append(result)
        return results

    def _retry_failed_articles(self, jobs: list[Job], failures: list[tuple[str, str]]) -> None:
        """An article that failed (a 5xx, a timeout) is queued again after a delay that
        doubles with each try, up to article_attempts tries in all: the polls won't list it
        again (the shared duplicate filter has seen it), so the worker must."""
        failed = {normalize_url(url) for url, _ in failures}
        for job in jobs:
            if job.body["kind"] != ARTICLE or normalize_url(job.body["url"]) not in failed:
                continue
            attempt = int(job.body.get("attempt", 1))
            if attempt >= self.options.article_attempts:
                log.warning(
                    "worker %s: giving up on %s after %d attempts",
                    self.name,
                    job.body["url"],
                    attempt,
                    extra={"event": "gave_up", "url": job.body["url"], "attempts": attempt},
                )
                continue
            delay = self.options.article_retry_seconds * 2 ** (attempt - 1)
            retry = {k: v for k, v in job.body.items() if k != "id"} | {"attempt": attempt + 1}
            self.queue.put_later(retry, delay)
            log.info(
                "worker %s: %s failed; try %d in %.0f s",
                self.name,
                job.body["url"],
                attempt + 1,
                delay,
                extra={"event": "retry_later", "url": job.body["url"], "attempt": attempt + 1},
            )
