"""Soak run of the real daemon: `newswatch run` (a subprocess) polls the bundled fixture sites
every --interval seconds while a new matching story appears on the khovar-en feed each cycle.
Reports the daemon's memory (RSS) over the run and new-item-to-email latency.

    python -m bench.soak [--cycles 25] [--interval 2] [--sources khovar-en,kazpravda,tengrinews]
                         [--polls 500]

--polls: after the stories, the daemon keeps polling (nothing new: pages answered 304 or
unchanged) until every source was polled that many more times; RSS after each poll, and its
growth, are reported. The 30 distinct stories bound the story cycles, not the polls.

Latency runs from publication until the poll loop (every 20 ms) sees the story's emails for
both recipients of tests/data/rules.yaml. It includes waiting for the next poll of the feed, up
to one interval, so it is also split at the start of the crawl that found the story: the log's
"time" field has 1 s resolution, too coarse, so a crawl's start is the moment its "crawled"
line shows up minus its duration from the daemon's Prometheus metrics. Each story goes up as
soon as the previous one's emails arrived, i.e. shortly after a poll, so its wait is close to a
full interval: the total is about the worst case of the poll phase; the part after the poll's
start is what the daemon adds (crawl, matching, SMTP).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import re
import statistics
import tempfile
import time
import urllib.request
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from newswatch.fixtures.publish import Story, relations_story
from tests.conftest import REPO
from tests.daemon_harness import RECIPIENTS, Daemon, DaemonWorld, bundled, daemon_world

MAX_CYCLES = 30  # relations_story has 30 distinct stories
FEED_SOURCE = "khovar-en"  # the feed relations_story is published on
TICK = 0.02  # poll period of this script
MIB = 1024  # VmRSS is in KiB
REPORT_AT = (1, 5, 10, 20)  # cycles whose RSS is shown, besides the last


@dataclass
class Cycle:
    latency: float  # publication -> both emails seen
    wait_for_poll: float | None  # publication -> start of the crawl that found it
    rss_kib: int


@dataclass
class PollClock:
    """Start and `new` count of every crawl of FEED_SOURCE, in this script's monotonic time."""

    daemon: Daemon
    metrics_url: str
    crawls: list[tuple[float | None, int]] = field(default_factory=list)
    _seen: int = 0
    _sum: float = 0.0
    _count: int = 0

    def __post_init__(self) -> None:
        self._seen = len(self.daemon.events("crawled", source=FEED_SOURCE))
        self._sum, self._count = self._duration()

    def update(self) -> None:
        fresh = self.daemon.events("crawled", source=FEED_SOURCE)[self._seen :]
        if not fresh:
            return
        seen_at = time.monotonic()
        total, count = self._duration()
        # One new line and one new observation: the duration is that crawl's. Otherwise (a
        # crawl ended between reading the log and the metrics) its start stays unknown.
        exact = len(fresh) == 1 and count == self._count + 1
        for record in fresh:
            self.crawls.append((seen_at - (total - self._sum) if exact else None, record["new"]))
        self._seen += len(fresh)
        self._sum, self._count = total, count

    def start_of_finding_crawl(self, after: int) -> float | None:
        """Start of the first crawl, among those from index `after`, that stored something."""
        return next((start for start, new in self.crawls[after:] if new), None)

    def _duration(self) -> tuple[float, int]:
        with urllib.request.urlopen(self.metrics_url, timeout=5) as response:
            text = response.read().decode()
        label = f'{{source="{FEED_SOURCE}"}}'
        values = {}
        for suffix in ("sum", "count"):
            line = f"newswatch_crawl_duration_seconds_{suffix}{label} "
            found = re.search(re.escape(line) + r"(\S+)", text)
            values[suffix] = float(found.group(1)) if found else 0.0
        return values["sum"], int(values["count"])


def proc_status_kib(pid: int, key: str = "VmRSS") -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(f"{key}:"):
                return int(line.split()[1])
    raise RuntimeError(f"no {key} in /proc/{pid}/status")


def alive(daemon: Daemon) -> None:
    assert daemon.process is not None
    if daemon.process.poll() is not None:
        raise SystemExit(
            f"newswatch run exited ({daemon.process.returncode}):\n{daemon.log_text()[-3000:]}"
        )


def wait(what: str, daemon: Daemon, condition, timeout: float, clock: PollClock | None = None):
    """Every TICK: is the daemon alive, note its crawls, does the condition hold."""
    deadline = time.monotonic() + timeout
    while True:
        alive(daemon)
        if clock is not None:
            clock.update()
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(TICK)


def outbox_pending(world: DaemonWorld) -> int:
    result = world.newswatch("status", "--json")
    return json.loads(result.stdout.splitlines()[-1])["outbox_pending"]


def warm_up(world: DaemonWorld, daemon: Daemon, sources: list[str], interval: int) -> None:
    """First cycle: every source crawled twice (a crawl job alerts after its "crawled" line and
    runs one at a time, so a second line means the first job's emails were handed over), and
    the outbox empty."""

    def crawled_twice() -> bool:
        return all(len(daemon.events("crawled", source=s)) >= 2 for s in sources)

    wait("each source crawled twice", daemon, crawled_twice, 4 * interval + 60)
    wait("the seed emails", daemon, lambda: outbox_pending(world) == 0, 60)


def emails_about(world: DaemonWorld, title: str, since: int = 0) -> list[str]:
    """Recipients of the emails (from index `since`) whose text has the title, once per copy
    of the title: a story listed twice in one email counts twice."""
    found = []
    for mail in world.smtp.received[since:]:
        copies = mail.message.get_body(preferencelist=("plain",)).get_content().count(title)
        found += mail.recipients * copies
    return found


def one_cycle(world: DaemonWorld, daemon: Daemon, clock: PollClock, story: Story, timeout: float):
    since, crawls = len(world.smtp.received), len(clock.crawls)
    world.publish(story)
    published = time.monotonic()

    def both_recipients() -> bool:
        return sorted(set(emails_about(world, story.title, since))) == RECIPIENTS

    wait(f"the emails of {story.title!r}", daemon, both_recipients, timeout, clock)
    arrived = time.monotonic()
    start = clock.start_of_finding_crawl(crawls)
    assert daemon.process is not None
    return Cycle(
        arrived - published,
        None if start is None else start - published,
        proc_status_kib(daemon.process.pid),
    )


def keep_polling(daemon: Daemon, polls: int, interval: int) -> list[tuple[int, int]]:
    """After the stories: the daemon keeps polling every source (pages unchanged, answered 304
    or skipped by their hash) until FEED_SOURCE was crawled `polls` more times; the RSS after
    each of those crawls, as (poll, KiB). Checked every half interval: reading the growing log
    every TICK would compete with the daemon for the CPU."""
    start = len(daemon.events("crawled", source=FEED_SOURCE))
    marks: list[tuple[int, int]] = []
    deadline = time.monotonic() + interval + 120
    assert daemon.process is not None
    while not marks or marks[-1][0] < polls:
        alive(daemon)
        done = len(daemon.events("crawled", source=FEED_SOURCE)) - start
        if done > (marks[-1][0] if marks else 0):
            marks.append((done, proc_status_kib(daemon.process.pid)))
            deadline = time.monotonic() + interval + 120
        elif time.monotonic() > deadline:
            raise SystemExit(f"no poll of {FEED_SOURCE} in {interval + 120} s after poll {done}")
        time.sleep(max(interval / 2, 0.2))
    return marks


def poll_rows(marks: list[tuple[int, int]]) -> list[tuple[str, str]]:
    """RSS over the polls after the stories: at a few marks, and its growth from the first."""
    if not marks:
        return []
    wanted = [1, 50, 100, 250, 500, 1000, marks[-1][0]]
    shown = {}
    for n in wanted:
        mark = next((m for m in marks if m[0] >= n), None)
        if mark is not None:
            shown[mark[0]] = mark[1]
    first, last = marks[0][1], marks[-1][1]
    return [
        ("polls of every source after the stories", f"{marks[-1][0]}"),
        (
            f"RSS after polls {', '.join(map(str, shown))} (MiB)",
            " / ".join(mib(v) for v in shown.values()),
        ),
        (
            f"RSS growth over polls {marks[0][0]}–{marks[-1][0]}",
            f"{mib(first)} → {mib(last)} MiB ({(last - first) / first * 100:+.1f} %)",
        ),
    ]


def duplicates(world: DaemonWorld, stories: list[Story]) -> int:
    """Copies beyond one per recipient and story; a missing copy fails the run."""
    extra = 0
    for story in stories:
        per_recipient = Counter(emails_about(world, story.title))
        if sorted(per_recipient) != RECIPIENTS:
            raise SystemExit(f"{story.title!r} reached {sorted(per_recipient)}, not {RECIPIENTS}")
        extra += sum(n - 1 for n in per_recipient.values())
    return extra


def log_problems(daemon: Daemon) -> tuple[list[str], list[str], int]:
    """ERROR (and CRITICAL) and WARNING messages of the daemon's log, and its tracebacks."""
    records = daemon.events()

    def at(*levels: str) -> list[str]:
        found = [r for r in records if r.get("level") in levels]
        return [f"{r.get('logger')}: {r.get('message')}" for r in found]

    return at("ERROR", "CRITICAL"), at("WARNING"), daemon.log_text().count("Traceback")


def spread(values: list[float]) -> str:
    if not values:
        return "n/a"
    p95 = statistics.quantiles(values, n=20, method="inclusive")[-1] if values[1:] else values[0]
    return f"{statistics.median(values):.2f} / {p95:.2f} / {max(values):.2f}"


def mib(kib: int) -> str:
    return f"{kib / MIB:.1f}"


def report(args, sources: list[str], result: dict) -> None:
    cycles: list[Cycle] = result["cycles"]
    waits = [c.wait_for_poll for c in cycles if c.wait_for_poll is not None]
    after = [c.latency - c.wait_for_poll for c in cycles if c.wait_for_poll is not None]
    marks = [n for n in REPORT_AT if n < len(cycles)] + [len(cycles)]
    errors, warned, tracebacks = result["log"]
    log_counts = f"{len(errors)} / {len(warned)} / {tracebacks}"
    rows = [
        ("cycles", f"{len(cycles)} (sources: {', '.join(sources)})"),
        ("poll interval", f"{args.interval} s, jitter 0"),
        ("latency publish → emails, median / p95 / max (s)", spread([c.latency for c in cycles])),
        ("… waiting for the next poll (s)", spread(waits)),
        ("… from the poll's start to the emails (s)", spread(after)),
        ("cycles with a known poll start", f"{len(waits)} of {len(cycles)}"),
        ("RSS at start → end (MiB)", f"{mib(result['rss_start'])} → {mib(cycles[-1].rss_kib)}"),
        ("RSS at boot, before the first crawl (MiB)", mib(result["rss_boot"])),
        (
            f"RSS at cycles {', '.join(map(str, marks))} (MiB)",
            " / ".join(mib(cycles[n - 1].rss_kib) for n in marks),
        ),
        *poll_rows(result["polls"]),
        ("peak RSS, VmHWM (MiB)", mib(result["hwm"])),
        ("emails received", f"{result['emails']} ({result['seed']} of the seed stories)"),
        ("duplicates", str(result["duplicates"])),
        ("daemon log: ERROR / WARNING lines / tracebacks", log_counts),
        ("exit code", str(result["exit"])),
        ("shutdown after SIGTERM (s)", f"{result['shutdown']:.2f}"),
    ]
    print("| metric | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    for line in errors[:10]:
        print(f"ERROR in daemon log: {line}")
    # Digits masked, so a warning repeated at other times is counted as one kind.
    for line, count in Counter(re.sub(r"\d", "#", w)[:110] for w in warned).most_common(5):
        print(f"WARNING in daemon log ({count}x): {line}")


def soak(world: DaemonWorld, args, sources: list[str]) -> dict:
    world.settings = {"daemon": {"metrics_port": 0, "grace_seconds": 15, "outbox_retry_seconds": 1}}
    daemon = world.daemon().start()
    assert daemon.process is not None
    pid = daemon.wait_for("the daemon's start", "started")["pid"]
    if pid != daemon.process.pid:  # the RSS read must be the daemon's, not a launcher's
        raise SystemExit(f"the daemon runs as pid {pid}, not the started {daemon.process.pid}")
    result = {"rss_boot": proc_status_kib(pid)}
    warm_up(world, daemon, sources, args.interval)
    result.update(rss_start=proc_status_kib(pid), seed=len(world.smtp.received))
    port = daemon.events("metrics")[-1]["port"]
    clock = PollClock(daemon, f"http://127.0.0.1:{port}/metrics")
    stories = [relations_story(i) for i in range(args.cycles)]
    timeout = args.interval + 60
    result["cycles"] = [one_cycle(world, daemon, clock, s, timeout) for s in stories]
    result["polls"] = keep_polling(daemon, args.polls, args.interval) if args.polls else []
    result["hwm"] = proc_status_kib(pid, "VmHWM")
    stopping = time.monotonic()
    result["exit"] = daemon.terminate()
    result["shutdown"] = time.monotonic() - stopping
    result.update(emails=len(world.smtp.received), duplicates=duplicates(world, stories))
    result["log"] = log_problems(daemon)
    return result


def quiet_smtp_server() -> None:
    """aiosmtpd warns at every session about AUTH without TLS (wanted here, on loopback)."""
    warnings.filterwarnings("ignore", module="aiosmtpd")
    logging.getLogger("mail.log").setLevel(logging.ERROR)


def run_in_world(tmp: Path, entries: list[dict], args, sources: list[str]) -> dict:
    with contextlib.contextmanager(daemon_world)(tmp, entries) as world:
        return soak(world, args, sources)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cycles", type=int, default=25)
    parser.add_argument("--interval", type=int, default=2, help="poll interval, whole seconds")
    parser.add_argument("--sources", default="khovar-en,kazpravda,tengrinews")
    parser.add_argument(
        "--polls",
        type=int,
        default=0,
        help="then keep the daemon polling every source this many more times (RSS over them)",
    )
    args = parser.parse_args()
    if not 1 <= args.cycles <= MAX_CYCLES:
        parser.error(f"--cycles must be 1..{MAX_CYCLES}: there are {MAX_CYCLES} distinct stories")
    if args.interval < 1:
        parser.error("--interval must be at least 1 (the schedule takes whole seconds)")
    sources = [s.strip() for s in args.sources.split(",") if s.strip()]
    bundled_file = yaml.safe_load((REPO / "config" / "sources.yaml").read_text("utf-8"))
    known = [entry["id"] for entry in bundled_file["sources"]]
    if set(sources) - set(known):
        parser.error(f"unknown sources {sorted(set(sources) - set(known))}; known: {known}")
    if FEED_SOURCE not in sources:
        parser.error(f"--sources must include {FEED_SOURCE}, where the stories are published")
    quiet_smtp_server()
    schedule = {"interval": f"{args.interval}s", "jitter": 0}
    entries = [{**bundled(s), "schedule": schedule} for s in sources]
    with tempfile.TemporaryDirectory(prefix="newswatch-soak-") as tmp:
        result = run_in_world(Path(tmp), entries, args, sources)
    report(args, sources, result)
    if result["duplicates"] or result["exit"] != 0:
        raise SystemExit(f"duplicates: {result['duplicates']}, exit code {result['exit']}")


if __name__ == "__main__":
    main()
