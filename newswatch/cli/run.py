"""`newswatch run`: the daemon. One per database; a second one refuses or stands by."""

from __future__ import annotations

import logging
import os
import signal
import threading
from typing import Annotated

import typer

from newswatch.cli.state import AlertBacklog, fail, state, with_backlog
from newswatch.config.settings import Settings
from newswatch.scheduler.logs import configure_logging

log = logging.getLogger("newswatch.daemon")
EXIT_NOT_LEADER = 3


def run(
    ctx: typer.Context,
    standby: Annotated[
        bool,
        typer.Option(
            "--standby",
            help="If another `newswatch run` already schedules this database, wait and take "
            "over when it stops, instead of exiting.",
        ),
    ] = False,
    alert_backlog: AlertBacklog = False,
    distributed: Annotated[
        bool,
        typer.Option(
            "--distributed",
            help="Queue each due source's poll on the shared Redis queue (settings "
            "`distributed.*`) for `newswatch worker` processes, instead of crawling here.",
        ),
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="Processes extracting pages beside the downloading one (overrides "
            "`crawl.extract_workers`; 1: extract on the reactor thread).",
        ),
    ] = None,
) -> None:
    """Poll every enabled source on its schedule, send alerts as they are due, digests on
    their cron, retry the outbox, expire old state; until SIGTERM or SIGINT (exit 0 after the
    grace period). SIGHUP reloads sources and rules. Exits 3 when another daemon runs."""
    from newswatch.storage.db import is_current, make_engine, upgrade
    from newswatch.storage.leader import Leadership, LeadershipTaken

    app = state(ctx)
    settings = app.settings  # broken configuration: exit 2 before anything starts
    app.sources  # noqa: B018 - validated now, not at the first job
    configure_logging(
        app.log_level or settings.log_level or "INFO", app.log_format or settings.log_format
    )
    engine = make_engine(settings.database_url)
    if not is_current(engine):  # else Alembic (~12 MB) stays out of the long-lived process
        upgrade(engine)
    leadership = Leadership(engine)
    stop = _StandbyStop()
    while True:
        try:
            leadership.acquire()
            break
        except LeadershipTaken as holder:
            if not standby:
                raise fail(
                    f"another scheduler runs on this database ({holder}); not starting, so no "
                    "alert is sent twice. Use --standby to take over when it stops.",
                    code=EXIT_NOT_LEADER,
                ) from None
            log.info("standing by: %s holds the scheduler lock", holder)
            if stop.wait(settings.daemon.standby_poll_seconds):
                raise typer.Exit(0) from None
    # SIGTERM from here until the daemon installs its own handlers still means "stop, exit 0"
    raise typer.Exit(_run_daemon(app, leadership, stop, alert_backlog, distributed, workers))


def _run_daemon(
    app,
    leadership,
    stop: _StandbyStop,
    alert_backlog: bool,
    distributed: bool = False,
    workers: int | None = None,
) -> int:
    from newswatch.crawler.runner import run_on_reactor
    from newswatch.scheduler.daemon import Daemon

    database = app.settings.database_url

    def loader():
        settings, sources = app.reload()
        return daemon_settings(settings, database, alert_backlog, workers), sources

    daemons: list[Daemon] = []

    async def main() -> int:
        daemons.append(Daemon(loader, leadership))
        if distributed:
            from newswatch.scheduler.distributed import Dispatcher

            daemons[0].dispatch = Dispatcher(app.settings)
        return await daemons[0].run(lambda: stop.requested)

    try:
        code = run_on_reactor(main, own_signals=True)
    finally:
        leadership.release()
    if daemons and daemons[0].unfinished:
        # A worker thread still blocked after the grace period (a mail server that stopped
        # answering mid-send) would hold the interpreter's exit; its delivery is still
        # pending and goes out after the next start, so leave now.
        logging.shutdown()
        os._exit(code)
    return code


def daemon_settings(
    settings: Settings, database: str, alert_backlog: bool, workers: int | None
) -> Settings:
    """The settings the daemon's crawls run with, at start and after each reload (SIGHUP):
    the database it leads, and the command line's --alert-backlog and --workers."""
    settings = with_backlog(settings, alert_backlog)
    update: dict[str, object] = {"database_url": database}
    if workers is not None:
        update["crawl"] = settings.crawl.model_copy(update={"extract_workers": workers})
    return settings.model_copy(update=update)


class _StandbyStop:
    """SIGTERM/SIGINT while standing by: exit 0 at once; while starting: stop at once."""

    def __init__(self) -> None:
        self._event = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: self._event.set())

    def wait(self, seconds: float) -> bool:
        return self._event.wait(seconds)

    @property
    def requested(self) -> bool:
        return self._event.is_set()
