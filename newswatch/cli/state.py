"""What the top-level options give every command: settings, read once when first needed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, get_args

import typer

from newswatch.config import ConfigError, Settings, SourceSpec, load_settings
from newswatch.config.sources import Language
from newswatch.scheduler.logs import configure_logging


@dataclass
class AppState:
    config_file: Path | None = None
    overrides: dict[str, object] = field(default_factory=dict)
    log_level: str | None = None  # as given on the command line
    log_format: str | None = None
    _settings: Settings | None = None
    _sources: list[SourceSpec] | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config_file, **self.overrides)
            self._apply_logging(self._settings)
        return self._settings

    @property
    def loaded_database_url(self) -> str | None:
        """The database in use, if the settings were read (for error messages)."""
        return self._settings.database_url if self._settings else None

    def _apply_logging(self, settings: Settings) -> None:
        """The settings file's log_level/log_format, unless the command line chose."""
        if (self.log_level or not settings.log_level) and (
            self.log_format or settings.log_format == "text"
        ):
            return
        configure_logging(
            self.log_level or settings.log_level or "WARNING",
            self.log_format or settings.log_format,
        )

    def reload(self) -> tuple[Settings, list[SourceSpec]]:
        """Read settings and sources again (SIGHUP); errors raise ConfigError."""
        settings = load_settings(self.config_file, **self.overrides)
        return settings, settings.load_sources()

    @property
    def sources(self) -> list[SourceSpec]:
        if self._sources is None:
            self._sources = self.settings.load_sources()
        return self._sources


def state(ctx: typer.Context) -> AppState:
    return ctx.find_root().obj


LANGUAGES = get_args(Language)
AlertBacklog = Annotated[
    bool,
    typer.Option(
        "--alert-backlog",
        help="Alert on the backlog too: articles of a source's first crawl, published before "
        "it was added, or older than alerts.max_age (default: stored, not alerted).",
    ),
]


def with_backlog(settings: Settings, alert_backlog: bool) -> Settings:
    if not alert_backlog:
        return settings
    alerts = settings.alerts.model_copy(update={"alert_backlog": True})
    return settings.model_copy(update={"alerts": alerts})


def check_sources(app: AppState, ids: list[str] | None) -> list[str]:
    """Source ids as given, each one configured; else exit 2 naming the known ones."""
    known = [s.id for s in app.sources]
    unknown = [i for i in ids or [] if i not in known]
    if unknown:
        raise fail(f"unknown source {', '.join(unknown)}; configured: {', '.join(known)}")
    return ids or []


def check_language(language: str | None) -> str | None:
    if language is not None and language not in LANGUAGES:
        raise fail(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    return language


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.secho(f"newswatch: error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(code)


__all__ = ["AppState", "ConfigError", "check_language", "check_sources", "fail", "state"]
