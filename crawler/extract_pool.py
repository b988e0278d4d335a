"""Extraction in worker processes, so the reactor thread keeps downloading while pages are
parsed (trafilatura is pure CPU and holds the GIL: threads would not help).

One pool per process and worker count, created on first use and kept: the daemon crawls
every few minutes and a fresh pool would pay the import of trafilatura and the language
model (about a second per worker) each time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date

from newswatch.crawler.extraction import ExtractedArticle, ExtractionProfile, extract_article
from newswatch.crawler.items import ArticlePage
from newswatch.crawler.prepared import Prepared, prepare
from newswatch.events.features import extract
from newswatch.storage.neardup import sketch

# Pages handed to the pool and not yet back, per worker: enough to keep every worker busy
# while the reactor stores a page or downloads the next, few enough that bodies do not pile up
# in memory (each at most crawl.max_body_bytes). Measured with `bench.pipeline --pages 1000
# --workers 1,2`: 2 workers ran at 1.72x of one with 2 pages each, 1.81-1.82x with 4.
IN_FLIGHT_PER_WORKER = 4
log = logging.getLogger("newswatch.crawl")

_WARM_PAGE = (
    b"<html><body><article><p>warm up the parser and the language model</p></article></body></html>"
)


def _warm() -> None:
    """Import and load everything in the worker before the first real page arrives: the
    parser, the language model, the sketch's hash permutations, the event vocabulary."""
    with contextlib.suppress(ValueError):
        extract_article(_WARM_PAGE, "http://warm.invalid/")
    sketch("warm up the sketch permutations")
    extract(None, "warm up the event vocabulary", date(2000, 1, 1))


def _extract_and_prepare(body: bytes, url: str, **options) -> tuple[ExtractedArticle, Prepared]:
    """In the worker: the article, and what the storing process would otherwise compute from
    its text on the reactor's thread."""
    article = extract_article(body, url, **options)
    try:
        return article, prepare(article)
    except Exception:  # the store works them out again and records a failure with its reason
        log.exception("preparing %s for the store failed", url)
        return article, Prepared(None, None)


def _pid_after_a_while() -> int:
    time.sleep(0.05)  # long enough that the other workers take the other warm-up tasks
    return os.getpid()


class ExtractPool:
    def __init__(self, workers: int):
        self.workers = workers
        # spawn: the parent runs a reactor and threads; forking them is unsafe.
        self._context = multiprocessing.get_context("spawn")
        self._executor = self._new_executor()
        self._slots: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=self._context, initializer=_warm)

    def warm(self) -> set[int]:
        """Start every worker now (benchmarks): until each has answered, one that is still
        importing would be timed with the first pages. Their process ids."""
        pids: set[int] = set()
        while len(pids) < self.workers:
            tasks = [self._executor.submit(_pid_after_a_while) for _ in range(self.workers)]
            pids |= {task.result() for task in tasks}
        return pids

    def _bound(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._slots is None or self._loop is not loop:
            self._slots = asyncio.Semaphore(self.workers * IN_FLIGHT_PER_WORKER)
            self._loop = loop
        return self._slots

    async def extract(
        self, item: ArticlePage, profile: ExtractionProfile
    ) -> tuple[ExtractedArticle, Prepared]:
        """extract_article and its Prepared, in a worker; ExtractionError comes back as
        raised there. A worker that dies (a page that exhausts memory) fails that page only:
        the pool is replaced."""
        async with self._bound():
            future = self._executor.submit(
                _extract_and_prepare,
                item.body,
                item.url,
                profile=profile,
                hint=item.hint,
                http_charset=item.http_charset,
                aliases=item.redirected_from,
            )
            try:
                return await asyncio.wrap_future(future)
            except BrokenProcessPool:
                self._replace()
                raise

    def _replace(self) -> None:
        broken, self._executor = self._executor, self._new_executor()
        broken.shutdown(wait=False, cancel_futures=True)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


_pools: dict[int, ExtractPool] = {}
_lock = threading.Lock()


def shared_pool(workers: int) -> ExtractPool:
    """This process's pool of `workers` extraction processes."""
    with _lock:
        if workers not in _pools:
            _pools[workers] = ExtractPool(workers)
            log.info("extracting pages in %d worker processes", workers)
        return _pools[workers]
