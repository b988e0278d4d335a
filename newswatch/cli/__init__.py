"""The `newswatch` command."""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from newswatch.cli import alerts, articles, events, fixtures, rules, sources, stories
from newswatch.cli.crawl import crawl
from newswatch.cli.demo import demo
from newswatch.cli.extract import extract, ingest
from newswatch.cli.failures import known_failure
from newswatch.cli.feed import feed
from newswatch.cli.match import match
from newswatch.cli.prune import prune
from newswatch.cli.run import run
from newswatch.cli.search import search
from newswatch.cli.state import AppState
from newswatch.cli.status import status
from newswatch.cli.web import web
from newswatch.cli.worker import worker
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
        str | None,
        typer.Option(
            help="An SQLite file path or a SQLAlchemy URL (default: $NEWSWATCH_DATABASE_URL)."
        ),
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
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback of a failure.")
    ] = False,
) -> None:
    if log_format not in (None, "text", "json"):
        raise typer.BadParameter("use text or json", param_hint="--log-format")
    configure_logging(log_level or "WARNING", log_format or "text")
    overrides = {"database_url": database, "sources_file": sources_file}
    ctx.obj = AppState(
        config_file=config, overrides=overrides, log_level=log_level, log_format=log_format
    )
    _invocation.debug, _invocation.app = debug, ctx.obj


app.command()(crawl)
app.command()(extract)
app.command()(ingest)
app.command()(feed)
app.command()(match)
app.command()(demo)
app.command()(prune)
app.command()(status)
app.command()(run)
app.command()(search)
app.command()(web)
app.command()(worker)
app.add_typer(articles.app, name="articles")
app.add_typer(sources.app, name="sources")
app.add_typer(stories.app, name="stories")
app.add_typer(events.app, name="events")
app.add_typer(alerts.app, name="alerts")
app.add_typer(rules.app, name="rules")
app.add_typer(fixtures.app, name="fixtures")


@dataclass
class _Invocation:
    """What main() needs to know after a command failed; set by the root callback."""

    debug: bool = False
    app: AppState | None = None


_invocation = _Invocation()


def command():
    """The click command behind `app`, with flags shown as flags (typer prints `<bool>`)."""
    root = typer.main.get_command(app)
    pending = [root]
    while pending:
        current = pending.pop()
        for param in current.params:
            if getattr(param, "is_flag", False):
                param.metavar = ""
        current.get_help_option = _flag_help_option(current.get_help_option)
        pending.extend(getattr(current, "commands", {}).values())
    return root


def _flag_help_option(make):
    def get_help_option(ctx):
        option = make(ctx)
        if option is not None:
            option.metavar = ""
        return option

    return get_help_option


def main() -> None:
    """The one error boundary: known failures are one or two lines and exit 2."""
    try:
        command()()
    except ConfigError as exc:
        _traceback_if_asked()
        typer.secho(f"newswatch: configuration error:\n{exc}", err=True, fg=typer.colors.RED)
        raise SystemExit(2) from exc
    except Exception as exc:
        app_state = _invocation.app
        message = known_failure(exc, app_state.loaded_database_url if app_state else None)
        if message is None:
            raise
        _traceback_if_asked()
        typer.secho(f"newswatch: error: {message}", err=True, fg=typer.colors.RED)
        raise SystemExit(2) from exc


def _traceback_if_asked() -> None:
    if _invocation.debug or logging.getLogger().isEnabledFor(logging.DEBUG):
        traceback.print_exc()
