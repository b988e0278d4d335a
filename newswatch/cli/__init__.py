"""The `newswatch` command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newswatch.cli import alerts, articles, events, rules, sources, stories
from newswatch.cli.crawl import crawl
from newswatch.cli.demo import demo
from newswatch.cli.extract import extract, ingest
from newswatch.cli.feed import feed
from newswatch.cli.match import match
from newswatch.cli.prune import prune
from newswatch.cli.run import run
from newswatch.cli.state import AppState
from newswatch.cli.status import status
from newswatch.config import ConfigError
from newswatch.scheduler.logs import configure_logging

app = typer.Typer(
    name="newswatch",
    help="Monitor news on Tajik–Kazakh relations: crawl, clean, store once, alert.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", help="Settings YAML (default: $NEWSWATCH_CONFIG)."),
    ] = None,
    database: Annotated[
        str | None, typer.Option(help="SQLAlchemy URL (default: $NEWSWATCH_DATABASE_URL).")
    ] = None,
    sources_file: Annotated[
        Path | None, typer.Option("--sources", help="sources.yaml to use.")
    ] = None,
    log_level: Annotated[
        str | None,
        typer.Option(help="DEBUG, INFO, WARNING, ERROR (default WARNING; `run`: log_level)."),
    ] = None,
    log_format: Annotated[
        str | None, typer.Option(help="text or json (default text; `run`: log_format).")
    ] = None,
) -> None:
    if log_format not in (None, "text", "json"):
        raise typer.BadParameter("use text or json", param_hint="--log-format")
    configure_logging(log_level or "WARNING", log_format or "text")
    overrides = {"database_url": database, "sources_file": sources_file}
    ctx.obj = AppState(
        config_file=config, overrides=overrides, log_level=log_level, log_format=log_format
    )


app.command()(crawl)
app.command()(extract)
app.command()(ingest)
app.command()(feed)
app.command()(match)
app.command()(demo)
app.command()(prune)
app.command()(status)
app.command()(run)
app.add_typer(articles.app, name="articles")
app.add_typer(sources.app, name="sources")
app.add_typer(stories.app, name="stories")
app.add_typer(events.app, name="events")
app.add_typer(alerts.app, name="alerts")
app.add_typer(rules.app, name="rules")


def main() -> None:
    try:
        app()
    except ConfigError as exc:
        typer.secho(f"newswatch: configuration error:\n{exc}", err=True, fg=typer.colors.RED)
        raise SystemExit(2) from exc
