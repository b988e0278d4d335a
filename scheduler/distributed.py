"""The scheduler's side of distributed crawling: a due source becomes a poll job on the shared
Redis queue (`newswatch run --distributed`), and `newswatch worker` records what it crawled."""

from __future__ import annotations

import asyncio
import logging
import signal

from sqlalchemy.orm import Session, sessionmaker

from newswatch.config.settings import Settings
from newswatch.config.sources import SourceSpec
from newswatch.crawler.distributed import Worker, poll_job, worker_name
from newswatch.crawler.runner import SourceResult
from newswatch.crawler.sink import DatabaseSink
from newswatch.scheduler.records import source_records
from newswatch.storage import repository
from newswatch.storage.workqueue import WorkQueue

log = logging.getLogger("newswatch.daemon")


class Dispatcher:
    """Queues one poll of a due source, unless its previous one still waits or runs."""

    def __init__(self, settings: Settings):
        options = settings.distributed
        self.pending_seconds = options.source_pending_seconds
        self.queue = WorkQueue.from_url(options.redis_url, options.prefix, options.lease_seconds)
        self.name = worker_name()

    def __call__(self, source: SourceSpec) -> bool:
        if not self.queue.claim_source(source.id, self.pending_seconds):
            log.info(
                "not queueing %s: its last poll is still queued or running",
                source.id,
                extra={"event": "poll_pending", "source": source.id},
            )
            return False
        job_id = self.queue.put(poll_job(source.id, self.name))
        log.info(
            "queued a poll of %s for the workers",
            source.id,
            extra={"event": "queued", "source": source.id, "job": job_id},
        )
        return True


def run_worker(settings: Settings, sources: list[SourceSpec], sessions: sessionmaker[Session]):
    """`newswatch worker` on the running reactor, until SIGTERM/SIGINT (the batch in hand is
    finished first; SIGKILL loses nothing either: its leases run out)."""
    with sessions.begin() as session:
        repository.sync_sources(session, source_records(sources))
    worker = Worker(settings, [s for s in sources if s.enabled], DatabaseSink(sessions))

    def record(results: list[SourceResult]) -> None:
        with sessions.begin() as session:
            run_id = repository.start_run(session, "worker")
            for result in results:
                repository.record_source_run(session, run_id, result.source_id, result.counts)
            repository.finish_run(session, run_id)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await worker.run(stop, on_batch=record)

    return main
