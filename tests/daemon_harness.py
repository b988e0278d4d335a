"""`newswatch run` as a real subprocess against a private copy of the fixture sites and a real
SMTP server on loopback. The tests watch what a user would watch: the emails that arrive, the
daemon's JSON log, `newswatch status`, the exit code."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from newswatch.fixtures.publish import Story, copy_sites, publish
from newswatch.fixtures.server import FixtureServer
from tests.conftest import NEWSWATCH, REPO
from tests.smtp_server import PASSWORD, Received, SmtpServer

RULES = REPO / "tests" / "data" / "rules.yaml"  # the built-in topic, immediate, two recipients
RECIPIENTS = ["analyst@example.org", "desk@example.org"]
POLL_SECONDS = 3  # the test sources' interval


def bundled(source_id: str) -> dict[str, Any]:
    """A source of config/sources.yaml, polled every POLL_SECONDS."""
    entries = yaml.safe_load((REPO / "config" / "sources.yaml").read_text("utf-8"))["sources"]
    entry = next(e for e in entries if e["id"] == source_id)
    return {**entry, "schedule": {"interval": f"{POLL_SECONDS}s", "jitter": 0}}


KHOVAR_EN = bundled("khovar-en")  # the feed the tests publish new articles on


def wait_until(what: str, condition: Callable[[], Any], timeout: float = 180.0) -> Any:
    """Poll an observable condition (emails arrived, a log line written) until it holds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for: {what}")
        time.sleep(0.05)


@dataclass
class Daemon:
    """One long-running `newswatch` process (`run`, `worker`); its JSON log goes to a file the
    test reads."""

    config: Path
    env: dict[str, str]
    log_path: Path
    command: tuple[str, ...] = ("run",)
    process: subprocess.Popen | None = None
    _log_offset: int = 0

    def start(self) -> Daemon:
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [
                    str(NEWSWATCH),
                    "--config",
                    str(self.config),
                    "--log-format",
                    "json",
                    "--log-level",
                    "INFO",
                    *self.command,
                ],
                stdout=subprocess.DEVNULL,
                stderr=log,
                env=self.env,
            )
        return self

    def events(self, event: str | None = None, **fields: Any) -> list[dict[str, Any]]:
        """Log records of this process (since start), filtered by event and fields."""
        with open(self.log_path, "rb") as log:
            log.seek(self._log_offset)
            lines = log.read().decode("utf-8", "replace").splitlines()
        records = []
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if event is not None and record.get("event") != event:
                continue
            if all(record.get(k) == v for k, v in fields.items()):
                records.append(record)
        return records

    def log_text(self) -> str:
        return self.log_path.read_text("utf-8", "replace")[self._log_offset :]

    def logged(self, text: str) -> bool:
        return text in self.log_text()

    def wait_for(self, what: str, event: str, timeout: float = 180.0, **fields: Any) -> dict:
        def seen() -> dict | None:
            self.alive(what)
            found = self.events(event, **fields)
            return found[-1] if found else None

        return wait_until(what, seen, timeout)

    def wait_count(self, what: str, event: str, count: int, timeout: float = 180.0) -> None:
        """Until the log holds `count` records of `event`."""
        wait_until(what, lambda: self.alive(what) and len(self.events(event)) >= count, timeout)

    def alive(self, what: str) -> bool:
        """True, or an AssertionError with the log's tail when the process has exited."""
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(
                f"newswatch {self.command[0]} exited ({self.process.returncode}) while waiting "
                f"for {what}:\n" + self.log_text()[-3000:]
            )
        return True

    def terminate(self, timeout: float = 40.0) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self, timeout: float = 60.0) -> None:
        """SIGTERM and wait; SIGKILL only when it does not stop in time."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def ensure_stopped(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@dataclass
class DaemonWorld:
    """Fixture sites (a writable copy), an SMTP server and a configuration for newswatch."""

    tmp_path: Path
    server: FixtureServer
    smtp: SmtpServer
    sources: list[dict[str, Any]]
    settings: dict[str, Any] = field(default_factory=dict)
    daemons: list[Daemon] = field(default_factory=list)

    @property
    def database(self) -> str:
        return self.settings.get("database_url") or f"sqlite:///{self.tmp_path / 'daemon.db'}"

    def write_config(self) -> Path:
        sources_file = self.tmp_path / "sources.yaml"
        sources_file.write_text(yaml.safe_dump({"sources": self.sources}, allow_unicode=True))
        config = {
            "database_url": self.database,
            "sources_file": str(sources_file),
            "rules_file": str(RULES),
            "origin_map": self.server.origin_map(),
            "crawl": {"download_delay": 0.0, "timeout": 30, "retry_times": 0},
            "smtp": self.smtp.settings(),
            "daemon": {"grace_seconds": 15, "outbox_retry_seconds": 1},
            # the fixture stories are backlog: these tests alert on them (the default baseline
            # is tested in test_first_hour.py)
            "alerts": {"alert_backlog": True},
            **{k: v for k, v in self.settings.items() if k != "database_url"},
        }
        path = self.tmp_path / "newswatch.yaml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True))
        return path

    def daemon(self, *args: str, log_name: str = "daemon.log") -> Daemon:
        """A daemon writing to log_name: give two daemons that run at once their own log to
        tell their events apart."""
        env = {**os.environ, "NEWSWATCH_SMTP__PASSWORD": PASSWORD}
        env.pop("NEWSWATCH_CONFIG", None)
        daemon = Daemon(self.write_config(), env, self.tmp_path / log_name, ("run", *args))
        self.daemons.append(daemon)
        return daemon

    def newswatch(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "NEWSWATCH_SMTP__PASSWORD": PASSWORD}
        return subprocess.run(
            [str(NEWSWATCH), "--config", str(self.tmp_path / "newswatch.yaml"), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )

    def publish(self, story: Story) -> str:
        return publish(self.server, story)

    def publish_and_wait(self, story: Story) -> float:
        """Publish, wait for the story's email to every recipient; seconds it took."""
        published = time.monotonic()
        self.publish(story)
        wait_until(
            f"the emails about {story.title!r}",
            lambda: len(self.emails_with(story.title)) == len(RECIPIENTS),
            timeout=POLL_SECONDS + 30,
        )
        return time.monotonic() - published

    def emails_with(self, text: str) -> list[Received]:
        return [r for r in self.smtp.received if text in _plain(r)]


def _plain(received: Received) -> str:
    return received.message.get_body(preferencelist=("plain",)).get_content()


def daemon_world(tmp_path: Path, sources: list[dict[str, Any]]) -> Iterator[DaemonWorld]:
    """Context for a test: everything started, everything stopped afterwards."""
    sites = copy_sites(tmp_path)
    with FixtureServer(sites_dir=sites) as server:
        smtp = SmtpServer().start()
        world = DaemonWorld(tmp_path, server, smtp, sources)
        try:
            yield world
        finally:
            for daemon in world.daemons:
                daemon.ensure_stopped()
            if smtp.handler.hold_data is not None:
                smtp.handler.hold_data.set()
            smtp.stop()
