"""`newswatch worker`: crawl requests from the shared Redis queue into the shared database."""

from __future__ import annotations

import typer

from newswatch.cli.state import state
from newswatch.scheduler.logs import configure_logging


def worker(ctx: typer.Context) -> None:
    """Take crawl requests from the shared Redis queue (settings `distributed.*`), fetch,
    extract and store them in the database; queue the articles a polled source lists. Run
    as many as you like on any machine; `newswatch run --distributed` queues the polls.
    SIGTERM/SIGINT: finish the requests in hand, then exit."""
    from newswatch.crawler.runner import run_on_reactor
    from newswatch.scheduler.distributed import run_worker
    from newswatch.storage.db import open_database

    app = state(ctx)
    settings = app.settings
    sources = app.sources
    configure_logging(app.log_level or settings.log_level, app.log_format or settings.log_format)
    sessions = open_database(settings.database_url)
    run_on_reactor(run_worker(settings, sources, sessions), own_signals=True)
