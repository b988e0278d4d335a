"""Shared reactor or child process per crawl? Latency and memory of repeated crawls, both ways.

    python -m bench.crawl_isolation [--cycles 60] [--sources khovar-en,kazpravda] [--only MODE]

(a) reactor: one long-lived process installs the asyncio reactor once and awaits crawl_sources
    every cycle, recording the run and matching alerts as `newswatch crawl` does (Scrapy's
    reactor cannot be restarted, scrapy/scrapy#2941, so this is the daemon's only in-process
    design). It runs in its own child, so its memory is its own.
(b) process: a parent without Scrapy starts `newswatch crawl` per cycle; its wall time includes
    interpreter start and imports.

Both crawl the fixture sites (a copied tree) into one SQLite database per mode, configured by the
same NEWSWATCH_* environment. Before every cycle the khovar-en feed gains a new article (a page
of sentences sampled from the fixture's own articles), so every cycle stores one and the
database grows as in production.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any

from newswatch.fixtures import SITES_DIR
from newswatch.fixtures.publish import Story, article_page, feed_item
from newswatch.fixtures.server import FixtureServer

GROWING = "khovar-en"  # the source whose feed gains an article every cycle
HOST = "khovar.tj"
FEED = "eng/feed.xml"
FEED_WINDOW = 10  # a real feed rolls: it lists only its newest items
MARK = "cycle "  # prefix of the reactor child's per-cycle lines on stdout
CLI = "from newswatch.cli import main; main()"  # the `newswatch` console script
DUSHANBE = timezone(timedelta(hours=5))
MIB = 1024


# --- the growing site ------------------------------------------------------------------------


def _published(k: int) -> datetime:
    return datetime(2021, 9, 24, tzinfo=DUSHANBE) + timedelta(hours=k)


def article_path(k: int) -> str:
    return f"/eng/{_published(k):%Y/%m}/bench-story-{k}/"


def article_file(k: int) -> str:
    return f"eng/bench-story-{k}.html"


def register_routes(server: FixtureServer, cycles: int) -> None:
    """Routes for every article to come; each file is written when its cycle publishes it."""
    routes = server.sites[HOST].routes
    for k in range(1, cycles + 1):
        routes[article_path(k)] = {"file": article_file(k), "content_type": "text/html"}


@cache
def _sentences(site: Path) -> tuple[str, ...]:
    """Sentences of the English fixture articles: sampled, they make pages that read like news
    and are neither copies nor near-copies of each other (all would be stored as new)."""
    found = []
    for page in sorted((site / "eng").glob("*.html")):
        if page.name.startswith("bench-story-"):
            continue  # ours, written by earlier cycles
        body = re.search(r'<div class="entry-content">(.*?)</div>', page.read_text(), re.S)
        for paragraph in re.findall(r"<p>(.*?)</p>", body.group(1) if body else "", re.S):
            text = html.unescape(re.sub(r"<[^>]+>", "", paragraph))
            found += re.split(r"(?<=[.!?])\s+", text.strip())
    return tuple(s for s in found if len(s.split()) >= 6)


def _story(site: Path, k: int) -> Story:
    """Article k: eight sentences sampled from the fixture's own articles, on its own URL."""
    picked = random.Random(k).sample(_sentences(site), 8)
    return Story(
        slug=f"bench-story-{k}",
        title=f"Bench story {k}: {' '.join(picked[0].split()[:7])}",
        paragraphs=[" ".join(picked[i : i + 2]) for i in range(0, 8, 2)],
        published=_published(k),
    )


@cache
def _original_feed(site: Path) -> str:
    return (site / FEED).read_text()


def publish(sites: Path, k: int) -> None:
    """Write article k and put it on top of the feed, which lists the newest FEED_WINDOW of
    ours (its ETag changes with it)."""
    site = sites / HOST
    feed = _original_feed(site)  # read before the first rewrite
    (site / article_file(k)).write_bytes(article_page(_story(site, k)))
    items = [feed_item(_story(site, n)) for n in range(k, max(0, k - FEED_WINDOW), -1)]
    at = feed.index("\n\t<item>")
    (site / FEED).write_text(feed[:at] + "".join(items) + feed[at:])


# --- measuring -------------------------------------------------------------------------------


@dataclass
class Cycle:
    seconds: float
    rss_kib: int  # (a) the process after the cycle; (b) the child's peak
    new: int
    parent_kib: int | None = None  # (b): the parent that starts the children


@dataclass
class Outcome:
    mode: str
    cycles: list[Cycle]
    peak_kib: int  # the whole run's peak of the process doing the crawls
    stored: int  # articles in the database at the end


def rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def child_env(origin_map: dict[str, str], database_url: str) -> dict[str, str]:
    """The same settings for both modes, through the environment `newswatch` reads."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env.update(
        NEWSWATCH_DATABASE_URL=database_url,
        NEWSWATCH_ORIGIN_MAP=json.dumps(origin_map),  # pydantic-settings parses JSON dicts
        NEWSWATCH_CRAWL__DOWNLOAD_DELAY="0",
    )
    return env


def wait_child(proc: subprocess.Popen[bytes]) -> int:
    """Reap the child; its peak RSS in KiB (ru_maxrss, Linux) is the memory it really used."""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{proc.args!r} exited with {proc.returncode}")
    return usage.ru_maxrss


def run_processes(env: dict[str, str], sites: Path, names: list[str], cycles: int) -> Iterator:
    """(b): `newswatch crawl --json` per cycle; yields Cycle, then the largest child peak."""
    command = [sys.executable, "-c", CLI, "crawl", "--json"]
    command += [arg for name in names for arg in ("--source", name)]
    peaks = []
    for k in range(1, cycles + 1):
        publish(sites, k)
        start = time.perf_counter()
        proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE)
        out = proc.stdout.read() if proc.stdout else b""
        peaks.append(wait_child(proc))
        seconds = time.perf_counter() - start
        new = sum(json.loads(line)["new"] for line in out.splitlines() if line.strip())
        yield Cycle(seconds, peaks[-1], new, parent_kib=rss_kib())
    yield max(peaks)


def run_reactor(env: dict[str, str], sites: Path, names: list[str], cycles: int) -> Iterator:
    """(a): this module again in a child that keeps one reactor for every cycle."""
    command = [sys.executable, "-m", "bench.crawl_isolation", "--cycles", str(cycles)]
    command += ["--sources", ",".join(names), "--reactor-child", str(sites)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    for line in proc.stdout or ():
        if line.startswith(MARK):
            yield Cycle(**json.loads(line.removeprefix(MARK)))
    yield wait_child(proc)


def progress(mode: str, steps: Iterator) -> Iterator:
    """Pass the cycles through, with a line on stderr every 10 (long runs)."""
    for n, step in enumerate(steps, 1):
        if n % 10 == 0 and isinstance(step, Cycle):
            print(f"{mode}: {n} cycles, RSS {mb(step.rss_kib)} MB", file=sys.stderr, flush=True)
        yield step


def measure(mode: str, names: list[str], cycles: int) -> Outcome:
    """One mode on its own copy of the sites and its own database, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="newswatch-isolation-") as tmp:
        sites, database = Path(tmp) / "sites", Path(tmp) / "bench.db"
        shutil.copytree(SITES_DIR, sites)
        with FixtureServer(sites_dir=sites) as server:
            register_routes(server, cycles)
            env = child_env(server.origin_map(), f"sqlite:///{database}")
            run = run_reactor if mode == "reactor" else run_processes
            *done, peak = progress(mode, run(env, sites, names, cycles))
        with sqlite3.connect(database) as connection:
            (stored,) = connection.execute("SELECT count(*) FROM articles").fetchone()
        connection.close()
    return Outcome(mode, done, peak, stored)


# --- (a) inside its child --------------------------------------------------------------------


def reactor_child(sites: Path, names: list[str], cycles: int) -> None:
    # Imported here: the parent, which runs mode (b), must not carry Scrapy.
    from newswatch.config.settings import load_settings
    from newswatch.crawler.runner import run_on_reactor
    from newswatch.scheduler.crawl_once import select_sources
    from newswatch.scheduler.logs import configure_logging

    configure_logging("WARNING", "text")  # as `newswatch crawl` does
    settings = load_settings()
    sources = select_sources(settings.load_sources(), names)
    run_on_reactor(lambda: _reactor_cycles(settings, sources, sites, cycles))


async def _reactor_cycles(settings: Any, sources: list[Any], sites: Path, cycles: int) -> None:
    from newswatch.scheduler.alerting import load_matcher
    from newswatch.storage.db import open_database

    sessions = open_database(settings.database_url)  # once, as the daemon does
    matcher = load_matcher(settings, sources)
    for k in range(1, cycles + 1):
        publish(sites, k)
        start = time.perf_counter()
        new = await _reactor_cycle(settings, sources, sessions, matcher)
        seconds = time.perf_counter() - start
        report = {"seconds": seconds, "rss_kib": rss_kib(), "new": new}
        print(MARK + json.dumps(report), flush=True)


async def _reactor_cycle(settings: Any, sources: list[Any], sessions: Any, matcher: Any) -> int:
    """crawl_once's work, with the crawl awaited on the running reactor and the alerts in a
    thread, as the daemon runs them."""
    from newswatch.crawler.runner import crawl_sources
    from newswatch.crawler.sink import DatabaseSink
    from newswatch.scheduler.alerting import run_alerts
    from newswatch.scheduler.records import source_records
    from newswatch.storage import repository

    with sessions.begin() as session:
        repository.sync_sources(session, source_records(sources))
        run_id = repository.start_run(session, "bench")
    results = await crawl_sources(settings, sources, DatabaseSink(sessions))
    with sessions.begin() as session:
        for result in results:
            repository.record_source_run(session, run_id, result.source_id, result.counts)
        repository.finish_run(session, run_id)
    await asyncio.to_thread(run_alerts, settings, sources, sessions, matcher)
    if failed := [r.source_id for r in results if r.counts.status == "failed"]:
        raise RuntimeError(f"crawl failed: {failed}")  # `newswatch crawl` exits 1 here too
    return sum(r.counts.new for r in results)


# --- report ----------------------------------------------------------------------------------


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) > 1 else values[0]


def growth_per_100(kib: list[int]) -> float:
    """MB per 100 cycles, least squares over the cycles after warm-up (from the 10th on)."""
    start = min(9, len(kib) // 2)
    ys = kib[start:]
    if len(ys) < 2:
        return 0.0
    slope, _ = statistics.linear_regression(range(len(ys)), ys)
    return slope * 100 / MIB


def mb(kib: float) -> str:
    return f"{kib / MIB:.0f}"


def row(outcome: Outcome) -> str:
    cycles = outcome.cycles
    seconds = [c.seconds for c in cycles]
    rss = [c.rss_kib for c in cycles]
    new = sum(c.new for c in cycles)
    if outcome.mode == "reactor":
        name, peak, parent = "(a) shared reactor", mb(outcome.peak_kib), "—"
    else:
        name = "(b) process per crawl"
        peak = f"{mb(statistics.median(rss))} (max {mb(outcome.peak_kib)})"
        parent = f"{mb(cycles[0].parent_kib or 0)} → {mb(cycles[-1].parent_kib or 0)}"
    return (
        f"| {name} | {len(cycles)} | {statistics.median(seconds):.2f} | {p95(seconds):.2f} "
        f"| {mb(rss[0])} → {mb(rss[-1])} | {growth_per_100(rss):+.1f} | {peak} | {parent} "
        f"| {new} ({outcome.stored} in DB) |"
    )


def report(outcomes: list[Outcome]) -> None:
    print(
        "| mode | cycles | median s | p95 s | crawler RSS MB first → last "
        "| growth MB/100 cycles | crawler peak RSS MB | parent RSS MB | new articles |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for outcome in outcomes:
        print(row(outcome))
    print(
        "\ncrawler RSS: (a) the daemon process after each cycle; (b) each child's peak. "
        "growth: fitted from cycle 10 on.\n"
    )
    for outcome in outcomes:
        rss = [c.rss_kib for c in outcome.cycles]
        marks = sorted({i for i in (1, 10, 25, 50, 100, 150, 200, 500, len(rss)) if i <= len(rss)})
        points = ", ".join(f"{i}: {mb(rss[i - 1])}" for i in marks)
        print(f"{outcome.mode} RSS MB at cycle {points}")
    if len(outcomes) == 2:
        a, b = (statistics.median(c.seconds for c in o.cycles) for o in outcomes)
        print(f"\nmedian latency (b)/(a): {b / a:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cycles", type=int, default=60)
    parser.add_argument("--sources", default=f"{GROWING},kazpravda")
    parser.add_argument("--only", choices=["reactor", "process"], help="measure one mode")
    parser.add_argument("--reactor-child", type=Path, help=argparse.SUPPRESS)  # internal
    args = parser.parse_args()
    names = [n for n in args.sources.split(",") if n]
    if GROWING not in names:
        parser.error(f"--sources must include {GROWING}: its feed gets the new articles")
    if args.reactor_child:
        reactor_child(args.reactor_child, names, args.cycles)
        return
    modes = [args.only] if args.only else ["reactor", "process"]
    outcomes = [measure(mode, names, args.cycles) for mode in modes]
    report(outcomes)
    stored = {sum(c.new for c in o.cycles) for o in outcomes} | {o.stored for o in outcomes}
    if len(stored) != 1:
        raise SystemExit(f"the modes stored different numbers of articles: {stored}")
    if "scrapy" in sys.modules:
        raise SystemExit("the parent imported Scrapy: (b)'s parent RSS would be wrong")


if __name__ == "__main__":
    main()
