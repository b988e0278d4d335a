"""`newswatch sources`: the configured sources, validated."""

from __future__ import annotations

from typing import Annotated

import typer

from newswatch.cli.output import print_json, print_table
from newswatch.cli.state import state

app = typer.Typer(help="Configured news sources.", no_args_is_help=True)


@app.command("list")
def list_sources(
    ctx: typer.Context,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (one object per line).")
    ] = False,
) -> None:
    """List the sources of sources.yaml (validating it)."""
    sources = state(ctx).sources
    if as_json:
        for source in sources:
            print_json(source.model_dump(mode="json"))
        return
    print_table(
        ["id", "enabled", "discovery", "languages", "schedule", "start"],
        [
            [
                s.id,
                s.enabled,
                s.discovery,
                ",".join(s.languages),
                s.schedule.interval or s.schedule.cron,
                s.start_urls[0],
            ]
            for s in sources
        ],
    )
