"""Pages per second of the whole pipeline (HTTP fetch, extraction, language, dates, storage)
against bare trafilatura.bare_extraction on the same pages, in one run; the crawl once per
extraction worker count (1 = extraction on the reactor thread, the default). The fixture web
server runs in a process of its own, as a publisher's server would: its CPU is not ours.

    python -m bench.pipeline [--pages 2000] [--workers 1,2] [--repeat N]

--repeat N runs every stage N times and keeps each stage's fastest run, as timeit advises: on a
shared machine the slower runs measure the other tenants. The stages take turns, round after
round (bare trafilatura, extract_article, then a crawl per worker count, each into a fresh
database), so a machine that slows down for a while slows every stage alike.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from bench.corpus import BENCH_ORIGIN, write_corpus
from bench.warmup import warm_one_time_loads
from newswatch.config.settings import CrawlSettings, Settings
from newswatch.config.sources import SourceSpec
from newswatch.crawler.extract_pool import shared_pool
from newswatch.crawler.extraction import extract_article
from newswatch.crawler.runner import crawl_sources, run_on_reactor
from newswatch.crawler.sink import DatabaseSink
from newswatch.fixtures.server import FixtureServer
from newswatch.scheduler.records import source_records
from newswatch.storage import repository
from newswatch.storage.db import open_database


@dataclass
class Row:
    name: str
    pages: int
    seconds: float
    cpu_main: float | None = None  # CPU seconds of this process (reactor, storage)
    cpu_workers: float | None = None  # CPU seconds of the extraction worker processes
    workers: int = 1
    # CPU seconds of the fixture server: a publisher's server elsewhere, but here it takes its
    # share of the same CPUs while we crawl
    cpu_server: float | None = None

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds else float("inf")

    @property
    def idle_core_bound(self) -> float | None:
        """Pages/s if every process had a core of its own: the busiest one's CPU per page
        (on a shared machine the wall clock only says what the other tenants left us)."""
        if self.cpu_main is None:
            return None
        per_page = max(self.cpu_main, (self.cpu_workers or 0) / self.workers) / self.pages
        return 1 / per_page if per_page else None

    @property
    def machine_bound(self) -> float | None:
        """Pages/s if this machine's CPUs did nothing but this run's processes (ours and the
        fixture server's) and were never idle: the idle-core bound, or their total CPU per
        page shared among the CPUs when that is lower."""
        idle_core = self.idle_core_bound
        if idle_core is None or self.cpu_server is None:
            return idle_core
        total = self.cpu_main + (self.cpu_workers or 0) + self.cpu_server
        cpus = os.cpu_count() or 1
        return min(idle_core, cpus * self.pages / total) if total else idle_core


SOURCE = SourceSpec(
    id="bench",
    name="bench",
    languages=["ru", "kk", "tg", "en"],
    discovery="feed",
    start_urls=[f"{BENCH_ORIGIN}/feed.xml"],
    allowed_domains=["bench.example"],
)


def _process_cpu(pid: int) -> float:
    """CPU seconds used so far by one process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children_cpu(besides: int) -> float:
    """CPU seconds used so far by this process's live children but `besides` (Linux /proc)."""
    total = 0.0
    for children in Path("/proc/self/task").glob("*/children"):
        for pid in children.read_text().split():
            if int(pid) == besides:
                continue
            with contextlib.suppress(OSError):
                total += _process_cpu(int(pid))
    return total


def _serve(sites: Path, conn) -> None:
    """The child: serve `sites`, send the origin map, serve until told to stop."""
    with FixtureServer(sites_dir=sites) as server:
        conn.send(server.origin_map())
        conn.recv()


@contextlib.contextmanager
def _server_process(sites: Path):
    """(origin map, pid) of a fixture server in a process of its own."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=_serve, args=(sites, theirs), daemon=True)
    process.start()
    try:
        yield ours.recv(), process.pid
    finally:
        ours.send("stop")
        process.join()


@dataclass(frozen=True)
class Served:
    origin_map: dict[str, str]
    pid: int


def _settings(tmp: Path, served: Served, pages: int, workers: int, run: int) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp / f'bench-{run}-{workers}.db'}",
        origin_map=served.origin_map,
        crawl=CrawlSettings(
            download_delay=0,
            concurrency_per_domain=16,
            max_articles_per_source=pages + 10,
            obey_robots_txt=False,
            extract_workers=workers,
        ),
    )


async def _crawls(
    tmp: Path, served: Served, pages: int, counts: list[int], before=lambda run: None
) -> list[Row]:
    """One crawl per worker count into its own fresh database, on one reactor (Twisted
    cannot restart it). Pools are started before the clock: a daemon starts them once.
    before(run) is called ahead of each crawl (the extraction loops, timed in between)."""
    rows = []
    for run, workers in enumerate(counts):
        before(run)
        settings = _settings(tmp, served, pages, workers, run)
        sessions = open_database(settings.database_url)
        with sessions.begin() as session:
            repository.sync_sources(session, source_records([SOURCE]))
        if workers > 1:
            shared_pool(workers).warm()
        start, cpu = time.perf_counter(), time.process_time()
        children, server = _children_cpu(besides=served.pid), _process_cpu(served.pid)
        [result] = await crawl_sources(settings, [SOURCE], DatabaseSink(sessions))
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu
        children = _children_cpu(besides=served.pid) - children
        server = _process_cpu(served.pid) - server
        if result.counts.new != pages:
            raise SystemExit(f"{workers} workers: only {result.counts.new} of {pages} stored")
        name = f"crawl, {workers} extract worker(s): HTTP+extract+store"
        rows.append(Row(name, pages, seconds, cpu, children, workers, server))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--workers", default="1,2", help="extraction worker counts to crawl with")
    parser.add_argument(
        "--repeat", type=int, default=1, help="run each stage N times, keep the fastest"
    )
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    with tempfile.TemporaryDirectory(prefix="newswatch-bench-") as tmp_name:
        tmp = Path(tmp_name)
        files = write_corpus(tmp / "sites", args.pages)
        bodies = [f.read_bytes() for f in files]
        urls = [f"{BENCH_ORIGIN}/a/{i}" for i in range(len(files))]
        megabytes = sum(map(len, bodies)) / 1e6
        print(f"corpus: {len(bodies)} pages, {megabytes:.1f} MB, built from fixture pages")
        print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}\n")

        # Neither side pays the one-time loads or first-call caches inside its figure.
        warm_one_time_loads()
        for body, url in zip(bodies[:3], urls, strict=False):
            trafilatura.bare_extraction(body, url=url, with_metadata=True)
            extract_article(body, url)
        bares: list[Row] = []
        ours: list[Row] = []

        def extraction_loops(run: int) -> None:
            """Each round starts with them: a machine that slows down slows every stage."""
            if run % len(counts) == 0:
                bares.append(_timed("bare trafilatura.bare_extraction", bodies, urls, _bare))
                ours.append(
                    _timed("newswatch extract_article (no I/O)", bodies, urls, extract_article)
                )

        with _server_process(tmp / "sites") as (origin_map, pid):
            served = Served(origin_map, pid)
            runs = run_on_reactor(
                lambda: _crawls(tmp, served, len(bodies), counts * args.repeat, extraction_loops)
            )
        crawls = [_fastest([r for r in runs if r.workers == n]) for n in counts]
        if args.repeat > 1:
            print(f"fastest of {args.repeat} runs per stage\n")
        bare = _fastest(bares)
        print_table([bare, _fastest(ours), *crawls], bare, crawls[0])


def _bare(body: bytes, url: str) -> None:
    trafilatura.bare_extraction(body, url=url, with_metadata=True)


def _timed(name: str, bodies: list[bytes], urls: list[str], extract) -> Row:
    start, cpu = time.perf_counter(), time.process_time()
    for body, url in zip(bodies, urls, strict=True):
        extract(body, url)
    return Row(name, len(bodies), time.perf_counter() - start, time.process_time() - cpu)


def _fastest(rows: list[Row]) -> Row:
    return min(rows, key=lambda row: row.seconds)


def print_table(rows: list[Row], bare: Row, first_crawl: Row) -> None:
    """vs 1st: against the first crawl. CPU ms/page: this process (reactor, storage, and the
    extraction too with one worker), the extraction workers ("-": none) and the fixture
    server; on idle cores the crawl cannot beat the busier process: the idle-core bound,
    comparable between rows when other tenants share the CPUs. The machine bound also shares
    this machine's CPUs among all of them, the server included."""
    print(
        f"{'stage':52} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'vs bare':>8} {'vs 1st':>7}"
        f" {'CPU ms/page main':>17} {'workers':>8} {'server':>7} {'idle-core bound':>16}"
        f" {'machine bound':>14}"
    )
    for row in rows:
        versus = f"{row.rate / first_crawl.rate:7.2f}" if row.name.startswith("crawl") else ""
        crawl = row.cpu_server is not None
        main = f"{1000 * row.cpu_main / row.pages:17.1f}" if row.cpu_main is not None else ""
        workers = f"{1000 * (row.cpu_workers or 0) / row.pages:8.1f}" if row.cpu_workers else ""
        workers = workers or (f"{'-':>8}" if crawl else "")
        server = f"{1000 * row.cpu_server / row.pages:7.1f}" if crawl else ""
        bound = f"{row.idle_core_bound:16.1f}" if row.idle_core_bound else ""
        machine = f"{row.machine_bound:14.1f}" if crawl and row.machine_bound else ""
        print(
            f"{row.name:52} {row.pages:6d} {row.seconds:8.2f} {row.rate:8.1f}"
            f" {row.rate / bare.rate:8.2f} {versus:>7} {main:>17} {workers:>8} {server:>7}"
            f" {bound:>16} {machine:>14}"
        )


if __name__ == "__main__":
    main()
