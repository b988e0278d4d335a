"""`newswatch status`: per source the last crawl and its result; the alert outbox."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from newswatch.cli.output import print_json, print_table, shorten
from newswatch.cli.state import state

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from newswatch.config.sources import SourceSpec


def status(
    ctx: typer.Context,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per source, then the outbox.")
    ] = False,
) -> None:
    """Per configured source: last run, result, new items, errors, 304s, unchanged pages and
    bytes of its last crawl, the daemon's next run and failures in a row, open health
    problems; then the alert deliveries waiting in the outbox and the emails composed from
    them and not sent yet (failed ones counted apart)."""
    from newswatch.storage.db import open_database

    app = state(ctx)
    sessions = open_database(app.settings.database_url, read_only=True)
    with sessions() as session:
        reports, summary = status_reports(session, app.sources, app.settings.database_url)
    if as_json:
        for report in reports:
            print_json(report)
        print_json(summary)
        return
    print_table(
        [
            "source",
            "last run (UTC)",
            "status",
            "new",
            "failed",
            "304",
            "unchanged",
            "bytes",
            "next run (UTC)",
            "fails",
            "problems",
            "last error",
        ],
        [
            [
                r["source"],
                r["last_run"][:19].replace("T", " ") if r["last_run"] else "-",
                _status_cell(r),
                r["new"],
                r["failed"],
                r["not_modified"],
                r["unchanged"],
                r["bytes_downloaded"],
                r["next_run"][:19].replace("T", " ") if r["next_run"] else "-",
                r["failures_in_a_row"],
                ", ".join(r["problems"]) or "-",
                shorten(r["last_error"], 60),
            ]
            for r in reports
        ],
    )
    typer.echo(
        f"\noutbox: {summary['outbox_pending']} alert deliveries pending; "
        f"{summary['emails_unsent']} emails composed and not sent "
        f"({summary['emails_failed']} failed; `newswatch alerts pending` lists them)"
    )
    daemon = summary["daemon"] or "not running (no newswatch run holds the scheduler lock)"
    typer.echo(f"daemon: {daemon}")
    for crawl in summary["crawls_in_progress"]:
        started = crawl["started"][:19].replace("T", " ")
        typer.echo(
            f"crawl in progress: run {crawl['run_id']} ({crawl['trigger']}), since {started}"
        )


def status_reports(
    session: Session, sources: list[SourceSpec], database_url: str
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """What `status --json` prints (and the web view's sources show): one dict per source,
    then the summary line (outbox, the daemon holding the lock, crawls in progress)."""
    from newswatch.storage import health, jobstate, outbox, repository, running

    runs = repository.latest_source_runs(session, [s.id for s in sources])
    jobs = jobstate.load_states(session)
    problems: dict[str, list[str]] = {}
    for notice in health.open_notices(session):
        problems.setdefault(notice.source_id, []).append(notice.kind)
    daemon = running.scheduler_holder(session, database_url)
    # without a live daemon, its unfinished jobs were interrupted, not running
    crawling = running.sources_crawling(session) if daemon else {}
    in_progress = [
        run for run in running.crawls_in_progress(session) if daemon or run.trigger != "daemon"
    ]
    reports = []
    for source in sources:
        report = _report(source.id, runs.get(source.id))
        job = jobs.get(f"crawl:{source.id}")
        next_run = job.next_run_at if job and source.enabled else None
        report["next_run"] = next_run.isoformat() if next_run else None
        report["failures_in_a_row"] = job.consecutive_failures if job else 0
        report["problems"] = problems.get(source.id, [])
        report["crawling_since"] = _crawling_since(report, source, crawling, in_progress)
        reports.append(report)
    crawls = [
        {"run_id": r.id, "trigger": r.trigger, "started": r.started_at.isoformat()}
        for r in in_progress
    ]
    unsent, failed = outbox.count_unsent_messages(session)
    summary = {
        "outbox_pending": repository.count_pending_deliveries(session),
        "emails_unsent": unsent,  # composed (alert_messages), not sent; failed included
        "emails_failed": failed,
        "daemon": daemon,
        "crawls_in_progress": crawls,
    }
    return reports, summary


def _crawling_since(report, source, crawling, in_progress) -> str | None:
    """The daemon's crawl of this source, or (never crawled yet) a `crawl` command running."""
    if job := crawling.get(source.id):
        return job.last_started_at.isoformat()
    if report["status"] is None and in_progress and source.enabled:
        return in_progress[0].started_at.isoformat()
    return None


def _status_cell(report: dict[str, Any]) -> str:
    if report["crawling_since"]:
        return f"crawling ({report['status']} before)" if report["status"] else "first crawl…"
    return report["status"] or "never run"


def _report(source_id: str, run: Any) -> dict[str, Any]:
    """One source's line from its last crawl; counts are None when it never ran."""
    if run is None:
        return {
            "source": source_id,
            "last_run": None,
            "status": None,
            "new": None,
            "failed": None,
            "last_error": None,
            "not_modified": None,
            "unchanged": None,
            "bytes_downloaded": None,
            "next_run": None,
        }
    failures = sorted(run.failures, key=lambda f: f.id)
    return {
        "source": source_id,
        "last_run": run.finished_at.isoformat(),
        "status": run.status,
        "new": run.new,
        "failed": run.failed,
        "last_error": f"{failures[-1].url}: {failures[-1].reason}" if failures else None,
        "not_modified": run.not_modified,
        "unchanged": run.unchanged,
        "bytes_downloaded": run.bytes_downloaded,
        "next_run": None,
    }
