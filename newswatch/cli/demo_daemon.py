"""`newswatch demo`'s daemon: `newswatch run` as a subprocess, followed through its JSON log
and the local mailbox, cycle by cycle."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

POLL_SECONDS = 0.05


class DemoError(Exception):
    """The demo cannot go on; the message says why."""


@dataclass
class DaemonProcess:
    """One `newswatch run --log-format json`; its log goes to a file read here."""

    config: Path
    log_path: Path
    process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
        # -P: the working directory must not shadow the installed package
        command = [sys.executable, "-P", "-m", "newswatch"]
        options = ["--config", str(self.config), "--log-format", "json", "--log-level", "INFO"]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [*command, *options, "run"], stdout=subprocess.DEVNULL, stderr=log, env=env
            )

    def records(self, event: str | None = None) -> list[dict[str, Any]]:
        records = []
        for line in self.log_path.read_text("utf-8", "replace").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                record = {"message": line}  # a crash before logging was set up
            if isinstance(record, dict) and (event is None or record.get("event") == event):
                records.append(record)
        return records

    def check_alive(self) -> None:
        assert self.process is not None
        code = self.process.poll()
        if code is not None:
            how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
            raise DemoError(f"newswatch run {how} before the demo was over")

    def stop(self, timeout: float) -> int:
        """SIGTERM, as systemd would; the exit code once it has finished."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            raise DemoError(f"newswatch run still running {timeout:.0f} s after SIGTERM") from None

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(_readable(r) for r in self.records()[-lines:])


def _readable(record: dict[str, Any]) -> str:
    head = " ".join(str(record[k]) for k in ("time", "level", "logger") if k in record)
    text = f"{head}: {record.get('message', '')}" if head else str(record.get("message", ""))
    return text + (f"\n{record['exc_info']}" if record.get("exc_info") else "")


def wait_until(what: str, condition: Callable[[], Any], daemon: DaemonProcess, timeout: float):
    """Poll until condition() is truthy; fail if the daemon exits or time runs out."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        daemon.check_alive()
        if time.monotonic() > deadline:
            raise DemoError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(POLL_SECONDS)
    return value


@dataclass
class Cycle:
    number: int
    crawls: list[dict[str, Any]]  # the `crawled` log records of this cycle
    new: int  # articles stored
    emails: list[EmailMessage]

    def summary(self, sources: int) -> str:
        failed = sorted({c["source"] for c in self.crawls if c.get("status") != "ok"})
        problems = f" ({', '.join(failed)} not ok)" if failed else ""
        return (
            f"cycle {self.number}: {plural(sources, 'source')} polled{problems}, "
            f"{plural(self.new, 'new article')}, {plural(len(self.emails), 'email')}"
        )


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


@dataclass
class Cycles:
    """A cycle ends when every enabled source has been polled again since the last cycle
    ended and every article stored so far has been matched and its alerts sent. Articles
    are counted in the database (`stored`: their number, None while some wait for their
    alerts), as the outbox job may alert on an article before its crawl has ended."""

    daemon: DaemonProcess
    sources: list[str]
    mailbox: Any  # newswatch.fixtures.mailbox.Mailbox
    stored: Callable[[], int | None]
    done: int = 0
    arrivals: list[float] = field(default_factory=list)  # when each email was first seen
    _crawls_seen: int = 0
    _emails_seen: int = 0
    _stored: int = 0

    def next(self, timeout: float) -> Cycle:
        number = self.done + 1
        crawls, stored = wait_until(f"cycle {number}", self._complete, self.daemon, timeout)
        emails = self.mailbox.messages[self._emails_seen : len(self.arrivals)]
        cycle = Cycle(number, crawls[self._crawls_seen :], stored - self._stored, emails)
        self.done, self._crawls_seen = number, len(crawls)
        self._emails_seen, self._stored = len(self.arrivals), stored
        return cycle

    def _complete(self) -> tuple[list[dict[str, Any]], int] | None:
        crawls = self.daemon.records("crawled")
        polled = Counter(c.get("source") for c in crawls[self._crawls_seen :])
        stored = self.stored() if all(polled[s] for s in self.sources) else None
        self.note_arrivals()  # the emails about those `stored` articles are all in
        if stored is None or self.stored() != stored:  # none stored since, whose email is in
            return None
        return crawls, stored

    def note_arrivals(self) -> None:
        fresh = len(self.mailbox.messages) - len(self.arrivals)
        self.arrivals.extend([time.monotonic()] * fresh)
