"""A healthy source beside a hostile one, under the real daemon (issue 12): how long the
healthy source's story takes from publication to both emails, the daemon's peak memory, and
whether the hostile source's stored count grows poll after poll.

    python -m bench.hostile [--stories 5] [--only alone,feed100k,entities,sitemap20k,slow]

Each neighbour runs in a world of its own (fixture sites, SMTP server, SQLite database) with
the default crawl settings (but download delay 0 and bodies up to 20 MB): khovar-en polled
every 3 s beside
- alone: nothing;
- feed100k: an 8.6 MB feed of 100,000 entries, 1,000 of whose pages exist (the entry cap: the
  first poll reads 500, the per-poll page budget, the next the other 500, then none);
- entities: the quadratic-entity feed (355 KB; one 200 KB entity referenced 30,000 times);
- sitemap20k: a sitemap of 20,000 URLs;
- slow, slow-unsliced: 300 pages on khovar.tj itself, each answering in 1 s (sources on one
  site take turns), with a 5 s time slice and with none; the first story is published once
  its crawl has begun (for the others, after the neighbour's first poll). A story not emailed
  within the interval + 30 s counts as inf.
Latency includes waiting for the next poll (up to the 3 s interval); the goal is the interval
+ 5 s. Wall-clock figures on a shared machine: read them beside the load average printed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import statistics
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.soak import quiet_smtp_server
from newswatch.fixtures.publish import relations_story
from tests.daemon_harness import KHOVAR_EN, POLL_SECONDS, DaemonWorld, daemon_world, wait_until
from tests.test_hostile_feeds import (
    _hostile_source,
    _huge_feed,
    _huge_sitemap,
    _peak_rss,
    _quadratic_entity_feed,
    _sitemap_source,
    _slow_source,
    _stored,
)

GOAL = POLL_SECONDS + 5


def _feed100k(world: DaemonWorld) -> dict:
    feed, routes = _huge_feed(world, "big.example", 100_000, 1000)
    return _hostile_source(world, "big.example", feed, routes)


def _entities(world: DaemonWorld) -> dict:
    return _hostile_source(world, "bomb.example", _quadratic_entity_feed())


def _sitemap20k(world: DaemonWorld) -> dict:
    body, routes = _huge_sitemap(world, "map.example", 20_000, 1000)
    return _sitemap_source(world, "map.example", "sitemap.xml", body, routes)


def _slow(world: DaemonWorld) -> dict:
    return _slow_source(world, 300, delay=1.0)


NEIGHBOURS: dict[str, tuple[str, Callable[[DaemonWorld], dict] | None]] = {
    "alone": ("nothing", None),
    "feed100k": ("a 100,000-entry feed", _feed100k),
    "entities": ("the quadratic-entity feed", _entities),
    "sitemap20k": ("a 20,000-URL sitemap", _sitemap20k),
    "slow": ("300 slow pages on the same site, 5 s time slice", _slow),
    "slow-unsliced": ("300 slow pages on the same site, no time slice", _slow),
}
SLICES = {"slow": 5, "slow-unsliced": 0}  # else the default (120 s)


@dataclass
class Outcome:
    latencies: list[float]
    peak_mib: float
    stored: list[int]  # the neighbour's stored articles after each story
    last_error: str


def _run(world: DaemonWorld, name: str, stories: int) -> Outcome:
    make = NEIGHBOURS[name][1]
    neighbour = make(world) if make else None
    world.sources = [KHOVAR_EN] + ([neighbour] if neighbour else [])
    # bodies up to 20 MB, so that the huge feed is parsed, not refused by the download cap
    crawl = {"download_delay": 0.0, "retry_times": 0, "timeout": 30, "max_body_bytes": 20_000_000}
    if name in SLICES:
        crawl["time_slice_seconds"] = SLICES[name]
    world.settings = {"crawl": crawl}
    daemon = world.daemon().start()
    if name in SLICES:  # publish while the slow source crawls (and may hold the site's turn)
        wait_until("the slow crawl", lambda: _slow_pages_asked(world), timeout=300)
    else:
        daemon.wait_for("first crawl", "crawled", source="khovar-en", timeout=300)
    if neighbour and name not in SLICES:
        daemon.wait_for(
            "the neighbour's first poll", "crawled", source=neighbour["id"], timeout=300
        )
    latencies, stored = [], []
    for number in range(stories):
        try:
            latencies.append(world.publish_and_wait(relations_story(20 + number)))
        except AssertionError:  # not within the harness's wait (interval + 30 s)
            latencies.append(math.inf)
        if neighbour:
            stored.append(_stored(world, neighbour["id"]))
    peak = _peak_rss(daemon.process.pid) / 2**20
    error = _last_error(world, neighbour["id"]) if neighbour else ""
    daemon.terminate()
    return Outcome(latencies, peak, stored, error)


def _slow_pages_asked(world: DaemonWorld) -> bool:
    return any(path.startswith("/slow/") for path in world.server.log.paths("khovar.tj"))


def _last_error(world: DaemonWorld, source_id: str) -> str:
    for line in world.newswatch("status", "--json").stdout.splitlines():
        report = json.loads(line)
        if report.get("source") == source_id:
            return (report.get("last_error") or "").split(": ", 1)[-1][:90]
    return ""


def _row(label: str, outcome: Outcome) -> str:
    latencies = outcome.latencies
    within = sum(latency <= GOAL for latency in latencies)
    return (
        f"| {label} | {len(latencies)} | {statistics.median(latencies):.1f} "
        f"| {max(latencies):.1f} | {within}/{len(latencies)} | {outcome.peak_mib:.0f} "
        f"| {' → '.join(map(str, outcome.stored)) or '-'} | {outcome.last_error or '-'} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=5, help="stories per neighbour (≤ 10)")
    parser.add_argument("--only", default=",".join(NEIGHBOURS))
    args = parser.parse_args()
    quiet_smtp_server()
    print(
        "| neighbour | stories | latency median s | latency max s | within "
        f"{GOAL} s | daemon peak RSS MB | neighbour stored after each story | its last error |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name in args.only.split(","):
        label = NEIGHBOURS[name][0]
        with (
            tempfile.TemporaryDirectory(prefix=f"newswatch-hostile-{name}-") as tmp,
            contextlib.contextmanager(daemon_world)(Path(tmp), [KHOVAR_EN]) as world,
        ):
            outcome = _run(world, name, args.stories)
        print(_row(label, outcome), flush=True)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
