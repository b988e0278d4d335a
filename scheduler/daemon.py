"""`newswatch run`: APScheduler 3 on the one asyncio Twisted reactor of this process.

Jobs: `crawl:<source>` per enabled source (its interval or cron, with jitter), `digest:<rule>`
per digest rule, `outbox` (retry what failed, every outbox_retry_seconds), `retention` (daily).
A job never runs twice at once (max_instances=1) and missed runs coalesce into one. A crawl job
ends when its pages are stored: it only queues its source for the alert worker, which matches
and sends in a worker thread, one pass at a time, for every source queued meanwhile. So a slow
or hanging mail server never holds up a crawl.

What a restart needs is in the database: job_state (last and next run, failures in a row),
crawl runs, fetch validators, the outbox. Nothing is decided from memory alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import signal
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, JobEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from newswatch.config.settings import Settings
from newswatch.config.sources import SourceSpec
from newswatch.crawler.runner import crawl_sources
from newswatch.crawler.sink import DatabaseSink
from newswatch.scheduler.alerting import (
    AlertReport,
    SendOptions,
    evaluate_new,
    load_matcher,
    run_alerts,
    send_due,
)
from newswatch.scheduler.health import check_source, send_notices
from newswatch.scheduler.metrics import Metrics
from newswatch.scheduler.records import source_records
from newswatch.scheduler.triggers import cron_trigger, missed_since, schedule_trigger, usual_gap
from newswatch.storage import health, jobstate, repository
from newswatch.storage.db import open_database
from newswatch.storage.leader import Fenced, Leadership, LeadershipTaken
from newswatch.storage.retention import prune_all
from newswatch.storage.types import utcnow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from newswatch.alerts.engine import Matcher
    from newswatch.alerts.rules import Rule

log = logging.getLogger("newswatch.daemon")
Loader = Callable[[], tuple[Settings, list[SourceSpec]]]
LEADER_CHECK_SECONDS = 1.0  # a lost lock stops crawling and sending within about this
EXIT_DEPOSED = 3  # a successor took the lock: as `newswatch run` beside a running scheduler


@dataclass(frozen=True)
class Config:
    """What SIGHUP re-reads: settings, sources and the compiled rules."""

    settings: Settings
    sources: list[SourceSpec]
    matcher: Matcher

    @property
    def enabled(self) -> dict[str, SourceSpec]:
        return {s.id: s for s in self.sources if s.enabled}

    @property
    def digest_rules(self) -> dict[str, Rule]:
        return {r.name: r for r in self.matcher.rules if r.delivery.mode == "digest"}


def load_config(loader: Loader) -> Config:
    settings, sources = loader()
    return Config(settings, sources, load_matcher(settings, sources))


class Daemon:
    def __init__(self, loader: Loader, leadership: Leadership):
        self.loader = loader
        self.config = load_config(loader)
        self.leadership = leadership
        self.sessions = open_database(self.config.settings.database_url)
        self.metrics = Metrics()
        self.exit_code = 0
        self.unfinished = False  # work still running when the grace period ended
        self._stop = asyncio.Event()
        self._inflight: set[asyncio.Task[Any]] = set()
        self._runners: set[Any] = set()  # Scrapy runners of the crawls in flight
        self._alert_lock = asyncio.Lock()
        self._alerts_queued: set[str] = set()  # crawled sources waiting for the alert worker
        self._alerts_wanted = asyncio.Event()
        self._domain_locks: dict[str, asyncio.Lock] = {}
        self._scheduler: AsyncIOScheduler | None = None
        self._worker: asyncio.Task[None] | None = None
        self._leader_check = asyncio.Lock()
        self.deposed = False  # a successor holds the lock: no flush, no more writes
        self._stopping: list[asyncio.Future[Any]] = []  # crawls being stopped when deposed
        # --distributed: a due source is handed to this (queued for workers), not crawled
        self.dispatch: Callable[[SourceSpec], Any] | None = None

    # --- lifecycle -------------------------------------------------------------------------

    async def run(self, stop_requested: Callable[[], bool] = lambda: False) -> int:
        """Until SIGTERM/SIGINT; stop_requested tells of one that came before the daemon's own
        handlers were installed (while it took over from standing by)."""
        loop = asyncio.get_running_loop()
        self._install_signals(loop)
        if stop_requested():
            self.request_stop("SIGTERM while starting")
        self._scheduler = AsyncIOScheduler(event_loop=loop, timezone=UTC)
        self._scheduler.add_listener(self._overlapping, EVENT_JOB_MAX_INSTANCES)
        self._sync_sources()
        self._schedule_everything()
        self._scheduler.start()
        self._worker = loop.create_task(self._tracked(self._alert_worker)())
        daemon = self.config.settings.daemon
        if daemon.metrics_port is not None:
            port = self.metrics.serve(daemon.metrics_host, daemon.metrics_port)
            log.info(
                "metrics at http://%s:%d/metrics",
                daemon.metrics_host,
                port,
                extra={"event": "metrics", "port": port},
            )
        log.info(
            "newswatch run: %d sources, %d digest rules; leader: %s",
            len(self.config.enabled),
            len(self.config.digest_rules),
            self.leadership.holder,
            extra={"event": "started", "pid": os.getpid()},
        )
        await self._stop.wait()
        await self._shutdown()
        return self.exit_code

    def request_stop(self, reason: str, exit_code: int = 0) -> None:
        if not self._stop.is_set():
            log.info("stopping: %s", reason, extra={"event": "stopping"})
            self.exit_code = exit_code
            self._stop.set()
            self._alerts_wanted.set()  # the alert worker ends after its current pass

    def _install_signals(self, loop: asyncio.AbstractEventLoop) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, self.request_stop, signal.Signals(signum).name)
        loop.add_signal_handler(signal.SIGHUP, self.reload)

    async def _shutdown(self) -> None:
        """No new jobs; in-flight ones get the grace period, then crawls are stopped; the outbox
        is flushed with what time is left; the leader lock goes last."""
        assert self._scheduler is not None
        grace = self.config.settings.daemon.grace_seconds
        deadline = time.monotonic() + grace
        self._scheduler.pause()
        # deposed: its crawls are being stopped already and it may not send
        pending = await self._wait_inflight(min(grace, 5.0) if self.deposed else grace * 0.6)
        if pending and not self.deposed:
            log.warning("stopping %d crawls still running after %.0f s", len(pending), grace * 0.6)
            for runner in list(self._runners):
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(runner.stop(), max(0.1, deadline - time.monotonic()))
            pending = await self._wait_inflight(max(0.1, deadline - time.monotonic() - 1))
        if not pending and not self.deposed:
            await self._flush_outbox(deadline)
        self._scheduler.shutdown(wait=False)
        self.leadership.release()
        left = [t for t in self._inflight if not t.done()]
        self.unfinished = self.unfinished or bool(left) or self._alert_lock.locked()
        if left:
            log.warning(
                "grace period over with %d jobs unfinished; they run again next start", len(left)
            )
            for task in left:
                task.cancel()

    async def _wait_inflight(self, timeout: float) -> set[asyncio.Task[Any]]:
        tasks = {t for t in self._inflight if not t.done()}
        if not tasks:
            return set()
        _, pending = await asyncio.wait(tasks, timeout=timeout)
        return pending

    async def _flush_outbox(self, deadline: float) -> None:
        left = deadline - time.monotonic() - 0.5
        if left <= 0 or not self.config.settings.smtp.host:
            return
        try:
            await asyncio.wait_for(self._in_thread(self._send_due), left)
        except TimeoutError:  # the send goes on in its thread: don't wait for it at exit
            self.unfinished = True
            log.warning("outbox flush did not finish within the grace period; it resumes later")
        except Fenced as exc:
            log.warning("outbox not flushed: %s", exc)

    # --- scheduling ------------------------------------------------------------------------

    def _sync_sources(self) -> None:
        with self._leader_write() as session:
            repository.sync_sources(session, source_records(self.config.sources))

    def _schedule_everything(self) -> None:
        assert self._scheduler is not None
        with self.sessions() as session:
            states = jobstate.load_states(session)
        now = datetime.now(UTC)
        for source in self.config.enabled.values():
            self._add_crawl_job(source, states.get(f"crawl:{source.id}"), now)
        for rule in self.config.digest_rules.values():
            self._add_digest_job(rule, states.get(f"digest:{rule.name}"), now)
        daemon = self.config.settings.daemon
        self._scheduler.add_job(
            self._tracked(self._outbox_job),
            IntervalTrigger(seconds=daemon.outbox_retry_seconds),
            id="outbox",
            coalesce=True,
            max_instances=1,
            replace_existing=True,
        )
        self._scheduler.add_job(
            self._tracked(self._retention_job),
            cron_trigger(daemon.retention_cron, datetime.now().astimezone().tzinfo or UTC),
            id="retention",
            coalesce=True,
            max_instances=1,
            replace_existing=True,
        )
        self._scheduler.add_job(
            self._check_leadership,
            IntervalTrigger(seconds=LEADER_CHECK_SECONDS),
            id="leader",
            coalesce=True,
            max_instances=1,
            replace_existing=True,
        )

    def _add_crawl_job(self, source: SourceSpec, state: Any, now: datetime) -> None:
        """First run: the stored next run if still ahead (a restart resumes the schedule, and a
        source backing off keeps waiting), else now, spread by the source's jitter."""
        assert self._scheduler is not None
        trigger = schedule_trigger(source.schedule, source.tz)
        first = now + timedelta(seconds=random.uniform(0, source.schedule.jitter))
        if state is not None and state.next_run_at is not None and state.next_run_at > now:
            regular = trigger.get_next_fire_time(None, now) or state.next_run_at
            backing_off = (state.consecutive_failures or 0) > 0
            first = state.next_run_at if backing_off else min(state.next_run_at, regular)
        self._add_job(self._crawl_job, trigger, "crawl", source.id, first)

    def _add_digest_job(self, rule: Rule, state: Any, now: datetime) -> None:
        """A digest missed while the daemon was down is sent at once on start."""
        assert self._scheduler is not None
        from zoneinfo import ZoneInfo

        trigger = cron_trigger(rule.delivery.cron or "", ZoneInfo(rule.delivery.timezone))
        first = trigger.get_next_fire_time(None, now)
        if (
            state is not None
            and state.last_started_at
            and missed_since(trigger, state.last_started_at, now)
        ):
            first = now
        self._add_job(self._digest_job, trigger, "digest", rule.name, first)

    def _add_job(
        self,
        job: Callable[[str], Awaitable[None]],
        trigger: Any,
        kind: str,
        name: str,
        first: datetime | None,
    ) -> None:
        """One instance at a time; runs missed while busy or down coalesce into one."""
        assert self._scheduler is not None
        self._scheduler.add_job(
            self._tracked(job),
            trigger,
            args=[name],
            id=f"{kind}:{name}",
            name=f"{kind} {name}",
            next_run_time=first,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
            replace_existing=True,
        )
        self._save_next_run(f"{kind}:{name}", first)

    def _tracked(self, job: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
        """Jobs register as in flight, so a shutdown can wait for them; their errors are
        logged with the job, never lost in the scheduler."""

        async def run(*args: Any) -> None:
            task = asyncio.current_task()
            if self._stop.is_set() or task is None:
                return
            self._inflight.add(task)
            try:
                if await self._still_leader():
                    await job(*args)
            except Fenced as exc:
                self._depose(str(exc))
            except Exception:
                log.exception("job %s%s failed", job.__name__, args)
            finally:
                self._inflight.discard(task)

        run.__name__ = job.__name__
        return run

    def _overlapping(self, event: JobEvent) -> None:
        log.warning("%s is still running; this run is skipped", event.job_id)

    def _save_next_run(self, job_id: str, when: datetime | None) -> None:
        with self._leader_write() as session:
            jobstate.set_next_run(session, job_id, when)

    # --- jobs ------------------------------------------------------------------------------

    async def _crawl_job(self, source_id: str) -> None:
        config = self.config
        source = config.enabled.get(source_id)
        if source is None:
            return
        if self.dispatch is not None:  # workers crawl it; alert on what they stored so far
            if await asyncio.to_thread(self._backing_off, source):
                return
            await asyncio.to_thread(self.dispatch, source)
            self._queue_alerts(source_id)
            return
        job_id = f"crawl:{source_id}"
        async with contextlib.AsyncExitStack() as held:
            # Sources on one site (Khovar's three editions) take turns, so the per-domain
            # delay and concurrency hold across them, not only within one crawl.
            for domain in sorted(set(source.allowed_domains)):
                await held.enter_async_context(
                    self._domain_locks.setdefault(domain, asyncio.Lock())
                )
            if self._stop.is_set():
                return
            started = time.monotonic()
            with self._leader_write() as session:
                jobstate.job_started(session, job_id)
                run_id = repository.start_run(session, trigger="daemon")
            [result] = await crawl_sources(
                config.settings, [source], DatabaseSink(self.sessions), active=self._runners
            )
        counts = result.counts
        error = "; ".join(f"{u}: {r}" for u, r in counts.failures[:3]) or None
        with self._leader_write() as session:
            repository.record_source_run(session, run_id, source_id, counts)
            repository.finish_run(session, run_id)
            failures = jobstate.job_finished(session, job_id, counts.status, error)
        self._after_crawl(source, failures)
        self.metrics.crawl_finished(source_id, counts, time.monotonic() - started, failures)
        log.info(
            "crawled %s: %s, %d new, %d fetched, %d bytes, %d not modified",
            source_id,
            counts.status,
            counts.new,
            counts.pages_fetched,
            counts.bytes_downloaded,
            counts.not_modified,
            extra={
                "event": "crawled",
                "source": source_id,
                "status": counts.status,
                "new": counts.new,
                "bytes": counts.bytes_downloaded,
                "not_modified": counts.not_modified,
                "unchanged": counts.unchanged,
                "failures_in_a_row": failures,
            },
        )
        self._queue_alerts(source_id)

    def _queue_alerts(self, source_id: str) -> None:
        """The alert worker matches and sends; the crawl job does not wait for it."""
        self._alerts_queued.add(source_id)
        self._alerts_wanted.set()

    def _after_crawl(self, source: SourceSpec, failures: int) -> None:
        """Remember when it is due next; a failing source backs off exponentially (interval x
        2^failures, at most backoff_max) and is back on its schedule after one success."""
        assert self._scheduler is not None
        job = self._scheduler.get_job(f"crawl:{source.id}")
        if job is None:
            return
        next_run = job.next_run_time
        if failures:
            now = datetime.now(UTC)
            backoff = now + self._backoff(source, failures, now)
            if next_run is None or backoff > next_run:
                job.modify(next_run_time=backoff)
                next_run = backoff
            log.warning(
                "%s failed %d times in a row; next try %s",
                source.id,
                failures,
                backoff.isoformat(timespec="seconds"),
            )
        self._save_next_run(job.id, next_run)

    def _backoff(self, source: SourceSpec, failures: int, now: datetime) -> timedelta:
        gap = usual_gap(source.schedule, source.tz, now).total_seconds()
        limit = max(gap, self.config.settings.daemon.backoff_max_seconds)
        return timedelta(seconds=min(gap * 2**failures, limit))

    def _backing_off(self, source: SourceSpec) -> bool:
        """--distributed: the workers record each poll, so a source whose last polls failed
        waits here as long as one crawled in-process would (interval x 2^failures)."""
        with self.sessions() as session:
            statuses = health.recent_statuses(session, source.id, 16)
            last = health.last_crawl_at(session, source.id)
        failures = next(
            (i for i, status in enumerate(statuses) if status != "failed"), len(statuses)
        )
        if not failures or last is None:
            return False
        now = datetime.now(UTC)
        next_try = last + self._backoff(source, failures, now)
        if now >= next_try:
            return False
        log.info(
            "not queueing %s: it failed %d times in a row; next try %s",
            source.id,
            failures,
            next_try.isoformat(timespec="seconds"),
            extra={"event": "backing_off", "source": source.id, "failures_in_a_row": failures},
        )
        return True

    async def _digest_job(self, rule_name: str) -> None:
        job_id = f"digest:{rule_name}"
        with self._leader_write() as session:
            jobstate.job_started(session, job_id)
        report = AlertReport()
        await self._in_thread(self._send_digest, rule_name, report)
        with self._leader_write() as session:
            jobstate.job_finished(
                session,
                job_id,
                "failed" if report.failed_messages or report.failed_posts else "ok",
                "; ".join(report.errors) or None,
            )
        job = self._scheduler.get_job(job_id) if self._scheduler else None
        self._save_next_run(job_id, job.next_run_time if job else None)

    async def _outbox_job(self) -> None:
        await self._in_thread(self._send_due)

    async def _retention_job(self) -> None:
        days = self.config.settings.retention_days

        def expire() -> None:
            # a transaction per batch: the crawler's stores wait for none for long
            result = prune_all(self._leader_write, utcnow() - timedelta(days=days))
            log.info(
                "retention: %d URLs, %d LSH bands, %d event keys older than %d days removed",
                result.urls,
                result.bands,
                result.event_keys,
                days,
            )

        await self._in_thread(expire)
        with self._leader_write() as session:
            jobstate.job_finished(session, "retention", "ok")

    async def _alert_worker(self) -> None:
        """Match, send and check health for the sources crawled since its last pass."""
        while True:
            await self._alerts_wanted.wait()
            if self._stop.is_set():
                return  # the shutdown flushes the outbox
            self._alerts_wanted.clear()
            source_ids, self._alerts_queued = sorted(self._alerts_queued), set()
            try:
                if await self._still_leader():
                    await self._in_thread(self._alerts_and_health, source_ids)
            except Fenced as exc:
                self._depose(str(exc))
            except Exception:
                log.exception("alert pass for %s failed", ", ".join(source_ids))

    async def _check_leadership(self) -> None:
        await self._still_leader()

    async def _still_leader(self) -> bool:
        """Checked before each job and every LEADER_CHECK_SECONDS. A lock whose session died
        is taken again under a new epoch if it is free; if a successor took it, stop now."""
        if self.deposed:
            return False
        async with self._leader_check:
            if self.deposed:
                return False
            if await asyncio.to_thread(self.leadership.still_held):
                return True
            log.error("lost the scheduler lock (its database session is gone)")
            try:
                await asyncio.to_thread(self.leadership.reacquire)
            except LeadershipTaken as holder:
                self._depose(f"{holder} took the scheduler lock")
                return False
            except Exception as exc:  # the database itself is unreachable: stop, exit 1
                self._depose(f"cannot take the scheduler lock again: {exc}", exit_code=1)
                return False
            log.warning(
                "took the scheduler lock again, epoch %s",
                self.leadership.epoch,
                extra={"event": "leadership_regained", "epoch": self.leadership.epoch},
            )
            return True

    def _depose(self, reason: str, exit_code: int = EXIT_DEPOSED) -> None:
        """No leader-only work from now on: no new jobs, crawls stopped at once, no flush."""
        if self.deposed:
            return
        self.deposed = True
        log.error("no longer the scheduler: %s; stopping", reason, extra={"event": "deposed"})
        if self._scheduler is not None:
            self._scheduler.pause()
        self._stopping = [asyncio.ensure_future(r.stop()) for r in list(self._runners)]
        self.request_stop("deposed", exit_code=exit_code)

    @contextlib.contextmanager
    def _leader_write(self) -> Iterator[Session]:
        """A transaction of leader-only writes (scheduling state), under the fence."""
        with self.leadership.fenced(), self.sessions.begin() as session:
            yield session

    # --- blocking work, in a worker thread, one at a time ----------------------------------

    async def _in_thread(self, work: Callable[..., Any], *args: Any) -> Any:
        async with self._alert_lock:
            return await asyncio.to_thread(work, *args)

    def _alerts_and_health(self, source_ids: list[str]) -> None:
        config = self.config
        report = run_alerts(
            config.settings, config.sources, self.sessions, config.matcher, self.leadership.fenced
        )
        self._count_alerts(report)
        for source_id in source_ids:
            check_source(config.settings, self.sessions, source_id)
        send_notices(config.settings, self.sessions, self.leadership.fenced)

    def _send_due(self) -> None:
        config = self.config
        report = AlertReport()
        fence = self.leadership.fenced
        # e.g. after a crash mid-crawl
        evaluate_new(self.sessions, config.matcher, report, config.settings, fence)
        send_due(config.settings, self.sessions, config.sources, report, SendOptions(fence=fence))
        send_notices(config.settings, self.sessions, fence)
        self._count_alerts(report)

    def _send_digest(self, rule_name: str, report: AlertReport) -> None:
        config = self.config
        fence = self.leadership.fenced
        evaluate_new(self.sessions, config.matcher, report, config.settings, fence)
        send_due(
            config.settings,
            self.sessions,
            config.sources,
            report,
            SendOptions(mode="digest", rule=rule_name, fence=fence),
        )
        self._count_alerts(report)

    def _count_alerts(self, report: AlertReport) -> None:
        self.metrics.alerts(report)
        with self.sessions() as session:
            self.metrics.outbox_pending(repository.count_pending_deliveries(session))

    # --- SIGHUP ----------------------------------------------------------------------------

    def reload(self) -> None:
        """Re-read settings, sources and rules; a broken file keeps the running configuration.
        Jobs of removed sources and rules go, new ones start, changed schedules apply."""
        try:
            config = load_config(self.loader)
        except Exception as exc:
            log.error("reload failed, keeping the running configuration: %s", exc)
            return
        old = self.config
        self.config = config
        self._sync_sources()
        assert self._scheduler is not None
        now = datetime.now(UTC)
        with self.sessions() as session:
            states = jobstate.load_states(session)
        for source_id in old.enabled.keys() - config.enabled.keys():
            self._scheduler.remove_job(f"crawl:{source_id}")
        for source_id, source in config.enabled.items():
            if old.enabled.get(source_id) != source:
                self._add_crawl_job(source, states.get(f"crawl:{source_id}"), now)
        for rule_name in old.digest_rules.keys() - config.digest_rules.keys():
            self._scheduler.remove_job(f"digest:{rule_name}")
        for rule_name, rule in config.digest_rules.items():
            previous = old.digest_rules.get(rule_name)
            if previous is None or previous.delivery != rule.delivery:
                self._add_digest_job(rule, states.get(f"digest:{rule_name}"), now)
        log.info("reloaded: %d sources, %d rules", len(config.enabled), len(config.matcher.rules))
