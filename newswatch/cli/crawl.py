"""`newswatch crawl`: one crawl of the enabled sources, a summary table at the end."""

from __future__ import annotations

from typing import Annotated

import typer

from newswatch.cli.output import print_json, print_table
from newswatch.cli.progress import crawl_progress
from newswatch.cli.state import AlertBacklog, fail, state, with_backlog


def crawl(
    ctx: typer.Context,
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="Source id (repeatable).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per source.")] = False,
    alert_backlog: AlertBacklog = False,
) -> None:
    """Crawl the enabled sources (or the named ones) once, store new articles, send alerts.
    A source's first crawl (and articles older than alerts.max_age) alerts nobody unless
    --alert-backlog."""
    from newswatch.scheduler.crawl_once import (  # Scrapy: only when crawling
        crawl_once,
        select_sources,
    )

    app = state(ctx)
    try:
        sources = select_sources(app.sources, source or [])
    except ValueError as exc:
        raise fail(str(exc)) from exc
    if not sources:
        raise fail("no enabled sources to crawl")
    with crawl_progress(as_json) as watch:
        report = crawl_once(with_backlog(app.settings, alert_backlog), sources, watch=watch)
    rows = []
    for result in report.results:
        c = result.counts
        if as_json:
            print_json(
                {
                    "run_id": report.run_id,
                    "source": result.source_id,
                    "status": c.status,
                    "pages_fetched": c.pages_fetched,
                    "bytes_downloaded": c.bytes_downloaded,
                    "new": c.new,
                    "duplicate": c.duplicate,
                    "skipped_known": c.skipped_known,
                    "failed": c.failed,
                    "failures": [{"url": u, "reason": r} for u, r in c.failures],
                    "not_modified": c.not_modified,
                    "unchanged": c.unchanged,
                }
            )
        rows.append(
            [
                result.source_id,
                c.status,
                c.pages_fetched,
                c.bytes_downloaded,
                c.new,
                c.duplicate,
                c.skipped_known,
                c.not_modified,
                c.unchanged,
                c.failed,
            ]
        )
    if not as_json:
        print_table(
            [
                "source",
                "status",
                "fetched",
                "bytes",
                "new",
                "dup",
                "known",
                "304",
                "unchanged",
                "failed",
            ],
            rows,
        )
        for result in report.results:
            for url, reason in result.counts.failures:
                typer.echo(f"  {result.source_id}: {url}: {reason}")
        if alerts := report.alerts:
            typer.echo(
                f"\nalerts: {alerts.checked} new articles matched against the rules, "
                f"{alerts.queued} deliveries queued, {alerts.sent_messages} emails sent"
                + (
                    f", {alerts.failed_messages} failed (will retry)"
                    if alerts.failed_messages
                    else ""
                )
            )
            if alerts.backlog:
                typer.echo(
                    f"{alerts.backlog} articles stored without alerts: the backlog of a first "
                    "crawl, or older than alerts.max_age (--alert-backlog alerts on them)"
                )
    if _alerts_cannot_go(app.settings, report):
        # Everything is stored and the deliveries wait in the outbox; the exit code tells a
        # cron job or script that the configuration, not the crawl, needs a fix.
        raise typer.Exit(2)
    if any(r.counts.status == "failed" for r in report.results):
        raise typer.Exit(1)


def _alerts_cannot_go(settings, report) -> bool:
    """Alerts were queued and nothing can send them: say so instead of "0 emails sent"."""
    if not (report.alerts and report.alerts.queued and not settings.smtp.host):
        return False
    typer.secho(
        f"newswatch: error: {report.alerts.queued} alert deliveries wait in the outbox, "
        "no email was sent: no SMTP server is configured.\nSet smtp.host in the settings "
        "file (or NEWSWATCH_SMTP__HOST), then run `newswatch alerts send`.",
        err=True,
        fg=typer.colors.RED,
    )
    return True
