"""One crawl of the enabled sources into the database, with a recorded crawl run."""

from __future__ import annotations

from dataclasses import dataclass

from newswatch.config.settings import Settings
from newswatch.config.sources import SourceSpec
from newswatch.crawler.runner import CrawlWatch, SourceResult, crawl_sources, run_on_reactor
from newswatch.crawler.sink import DatabaseSink
from newswatch.scheduler.alerting import AlertReport, run_alerts
from newswatch.scheduler.records import source_records
from newswatch.storage import repository
from newswatch.storage.db import open_database


@dataclass
class CrawlReport:
    run_id: int
    results: list[SourceResult]
    alerts: AlertReport | None = None


def select_sources(all_sources: list[SourceSpec], wanted: list[str]) -> list[SourceSpec]:
    """The named sources (an unknown name is an error), or every enabled one."""
    if not wanted:
        return [s for s in all_sources if s.enabled]
    by_id = {s.id: s for s in all_sources}
    unknown = [w for w in wanted if w not in by_id]
    if unknown:
        raise ValueError(f"unknown source(s): {', '.join(unknown)}; known: {', '.join(by_id)}")
    return [by_id[w] for w in wanted]


def crawl_once(
    settings: Settings,
    sources: list[SourceSpec],
    trigger: str = "cli",
    *,
    alerts: bool = True,
    watch: CrawlWatch | None = None,
) -> CrawlReport:
    """Crawl, record the run, then match the new articles and send the immediate alerts."""
    sessions = open_database(settings.database_url)
    with sessions.begin() as session:
        repository.sync_sources(session, source_records(sources))
        run_id = repository.start_run(session, trigger)
    results = run_on_reactor(
        lambda: crawl_sources(settings, sources, DatabaseSink(sessions), watch=watch)
    )
    with sessions.begin() as session:
        for result in results:
            repository.record_source_run(session, run_id, result.source_id, result.counts)
        repository.finish_run(session, run_id)
    report = CrawlReport(run_id, results)
    if alerts:
        report.alerts = run_alerts(settings, sources, sessions)
    return report
