"""`newswatch prune`: expire the seen-URL, near-duplicate and event-candidate state older than
the window."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from newswatch.cli.options import AsJson
from newswatch.cli.output import print_json
from newswatch.cli.progress import working
from newswatch.cli.state import state
from newswatch.storage.db import open_database
from newswatch.storage.retention import prune_all
from newswatch.storage.types import utcnow


def prune(
    ctx: typer.Context,
    days: Annotated[
        int | None, typer.Option(min=1, help="Window in days (default: retention_days).")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Forget seen URLs, near-duplicate bands and event keys older than the retention window."""
    settings = state(ctx).settings
    window = days or settings.retention_days
    sessions = open_database(settings.database_url)
    with working(f"expiring state older than {window} days", as_json):
        result = prune_all(sessions.begin, utcnow() - timedelta(days=window))
    if as_json:
        print_json(
            {
                "days": window,
                "urls": result.urls,
                "bands": result.bands,
                "event_keys": result.event_keys,
            }
        )
    else:
        typer.echo(
            f"removed {result.urls} seen URLs, {result.bands} LSH bands and {result.event_keys}"
            f" event keys older than {window} days"
        )
