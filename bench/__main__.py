"""The scale-out table (issue 15) in one command: runs the benchmarks one after another in this
checkout, prints measured figures against their goals, and writes bench/results/latest.md with
the table, the machine's load and every benchmark's own output.

    python -m bench [--pages 300] [--pipeline-repeat 3] [--articles 5000] [--neardup-bulk 1000000]
                    [--rules-articles 300] [--cycles 5] [--polls 500] [--stories 5]
                    [--postgres URL]
                    [--skip pipeline,neardup,matching,soak,hostile]

Sizes default to what a loaded 2-core machine finishes in about ten minutes; a measure taken
at a smaller size than its goal names says so in the table. --neardup-bulk 1000000 gives the
near-dup row at its goal's size: a million articles loaded in bulk, then --articles stored and
timed through the store path (bench.neardup --bulk; 16-21 minutes and 7-11 GB per database here).
A benchmark that cannot run (PostgreSQL unreachable, a crash) is marked "not measured" with the
reason.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "latest.md"
PG_ADMIN_URL = os.environ.get("NEWSWATCH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
NUMBER = r"([0-9]+(?:\.[0-9]+)?)"


@dataclass
class Measure:
    name: str
    goal: str
    value: str = "not measured"
    met: str = "?"
    note: str = ""


@dataclass
class Run:
    command: list[str]
    output: str = ""
    error: str | None = None
    seconds: float = 0.0


@dataclass
class Report:
    measures: list[Measure] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)


def run_bench(module: str, *args: str, timeout: float = 3600) -> Run:
    command = [sys.executable, "-m", module, *args]
    run = Run(command)
    started = time.perf_counter()
    print(f"running: {' '.join(command[1:])}", file=sys.stderr, flush=True)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        run.output = done.stdout
        if done.returncode != 0:
            run.error = f"exit {done.returncode}: {done.stderr.strip()[-600:]}"
    except subprocess.TimeoutExpired:
        run.error = f"did not finish within {timeout:.0f} s"
    run.seconds = time.perf_counter() - started
    return run


def find(pattern: str, text: str) -> re.Match[str] | None:
    return re.search(pattern, text, re.MULTILINE)


def verdict(value: float, limit: float, *, at_least: bool) -> str:
    return "yes" if (value >= limit if at_least else value <= limit) else "no"


def pipeline(args: argparse.Namespace, report: Report) -> None:
    run = run_bench(
        "bench.pipeline", "--pages", str(args.pages), "--workers", "1,2",
        "--repeat", str(args.pipeline_repeat),
    )  # fmt: skip
    report.runs.append(run)
    one = Measure("crawl throughput, 1 worker, vs bare trafilatura on the same pages", "≥ 0.80")
    two = Measure("crawl throughput, 2 workers (2 cores), vs 1 worker", "≥ 1.7×")
    report.measures += [one, two]
    row = r"^crawl, {n} extract worker\(s\)[^\n]*?\s+\d+\s+{f}\s+{f}\s+{f}\s+{f}(.*)$"
    first = find(row.format(n=1, f=NUMBER), run.output)
    second = find(row.format(n=2, f=NUMBER), run.output)
    if run.error or not first or not second:
        one.note = two.note = run.error or "no crawl rows in the output"
        return
    bare = find(rf"^bare trafilatura[^\n]*?\s+{NUMBER}\s*$", run.output)
    one_cpu, two_cpu = _cpu_columns(first.group(5)), _cpu_columns(second.group(5))
    one.value = first.group(3)
    one.met = verdict(float(one.value), 0.80, at_least=True)
    one.note = (
        f"{args.pages} pages, fastest of {args.pipeline_repeat} runs per stage;"
        f" wall clock, {first.group(2)} pages/s"
    )
    if bare and one_cpu:
        cpu_ratio = one_cpu["idle"] / float(bare.group(1))
        one.value += f" (CPU: {cpu_ratio:.2f})"
        one.note += f"; CPU: idle-core bound {one_cpu['idle']} vs bare {bare.group(1)} pages/s"
    two.value = f"{second.group(4)}×"
    two.met = verdict(float(second.group(4)), 1.7, at_least=True)
    two.note = f"wall clock {second.group(2)} vs {first.group(2)} pages/s, load avg "
    two.note += f"{os.getloadavg()[0]:.1f}"
    if one_cpu and two_cpu:
        two.value += f" (CPU: {two_cpu['machine'] / one_cpu['machine']:.2f}×)"
        two.note += (
            f"; CPU ms/page: reactor process {two_cpu['main']}, extraction workers"
            f" {two_cpu['workers']}, fixture server {two_cpu['server']} (in-thread extraction:"
            f" {one_cpu['main']} all told); machine bound (every CPU busy with these"
            f" processes) {two_cpu['machine']} vs {one_cpu['machine']} pages/s"
        )


def _cpu_columns(tail: str) -> dict[str, float]:
    """A crawl row's CPU ms/page (main process, workers, fixture server) and its bounds
    (idle-core, machine) in pages/s; "-" (no workers) reads as 0. Empty when the row has
    other columns (a table from an older bench)."""
    values = [0.0 if v == "-" else float(v) for v in tail.split()]
    if len(values) != 5:
        return {}
    return dict(zip(("main", "workers", "server", "idle", "machine"), values, strict=True))


@contextlib.contextmanager
def postgres_database(url: str | None) -> Iterator[str]:
    """The given URL, or a fresh database on the local server, dropped afterwards."""
    if url:
        yield url
        return
    import psycopg

    name = f"newswatch_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def neardup(args: argparse.Namespace, report: Report) -> None:
    measure = Measure("near-dup store median at 1,000,000 articles, SQLite / PostgreSQL",
                      "≤ 2 ms / ≤ 3 ms")  # fmt: skip
    report.measures.append(measure)
    span = "timed" if args.neardup_bulk else "2nd half"
    pattern = rf"^store incl\. commit median \(ms, {span}\)\s+{NUMBER}"
    sizes = ["--articles", str(args.articles)]
    if args.neardup_bulk:
        sizes += ["--bulk", str(args.neardup_bulk)]
    values, notes, with_sketch = [], [], []
    for backend in ("sqlite", "postgresql"):
        try:
            with contextlib.ExitStack() as stack:
                extra: list[str] = []
                if backend == "postgresql":
                    extra = ["--database", stack.enter_context(postgres_database(args.postgres))]
                run = run_bench("bench.neardup", *sizes, *extra, timeout=3 * 3600)
        except Exception as exc:  # PostgreSQL unreachable: the other figures still count
            run = Run(["bench.neardup", backend], error=f"{type(exc).__name__}: {exc}")
        report.runs.append(run)
        found = find(pattern, run.output)
        values.append(float(found.group(1)) if found and not run.error else None)
        if run.error or not found:
            notes.append(f"{backend}: {run.error or 'no median in the output'}")
        elif sketched := find(rf"^store incl\. commit \+ sketch median \(ms, {span}\)\s+{NUMBER}",
                               run.output):  # fmt: skip
            with_sketch.append(f"{backend} {float(sketched.group(1)):.2f} ms")
    measure.value = " / ".join(f"{v:.2f} ms" if v is not None else "—" for v in values)
    limits = (2.0, 3.0)
    if all(v is not None for v in values):
        met = all(v <= limit for v, limit in zip(values, limits, strict=True))  # type: ignore[operator]
        measure.met = "yes" if met else "no"
    at_goal_size = args.neardup_bulk >= 1_000_000
    if args.neardup_bulk:
        size = f"{args.articles:,} stored after {args.neardup_bulk:,} loaded in bulk"
        notes.insert(0, size if at_goal_size else f"{size}, not 1,000,000")
    else:
        notes.insert(0, f"at {args.articles:,} articles, not 1,000,000")
    if with_sketch:  # what a one-process crawl's store costs, sketching on its own thread
        notes.append(
            "the sketch made by the extraction worker; with the sketch in the store "
            + ", ".join(with_sketch)
        )
    if not at_goal_size and measure.met == "yes":
        measure.met = "not shown"  # met at a smaller size says nothing of 1,000,000
    measure.note = "; ".join(notes)


def matching(args: argparse.Namespace, report: Report) -> None:
    measure = Measure("1,000 rules matched per article, median", "≤ 2 ms")
    report.measures.append(measure)
    run = run_bench(
        "bench.matching", "--rules", "1000", "--articles", str(args.rules_articles),
        "--naive-articles", "0",
    )  # fmt: skip
    report.runs.append(run)
    row = rf"\s+\d+\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}"
    found = find(rf"^compiled matcher{row}", run.output)
    full = find(rf"^\+ terms, explanations{row}", run.output)
    if run.error or not found:
        measure.note = run.error or "no compiled-matcher row in the output"
        return
    wall, cpu = float(found.group(1)), float(found.group(4))
    measure.value = f"{wall:.2f} ms (CPU: {cpu:.2f} ms)"
    measure.met = verdict(wall, 2.0, at_least=False)
    if wall > 2.0 >= cpu:
        measure.met = "CPU only"
    measure.note = f"{args.rules_articles} articles; wall clock, CPU time of the process"
    if full:
        measure.note += (
            f"; with every match's terms and explanation (what a delivery builds) "
            f"{full.group(1)} ms (CPU: {full.group(4)} ms)"
        )


def soak(args: argparse.Namespace, report: Report) -> None:
    measure = Measure("daemon RSS after 500 cycles, and growth over them", "≤ 250 MB, ≤ 5 %")
    report.measures.append(measure)
    run = run_bench(
        "bench.soak", "--cycles", str(args.cycles), "--interval", "1", "--polls", str(args.polls)
    )
    report.runs.append(run)
    growth = find(r"^\| RSS growth over polls (\d+)–(\d+) \| ([0-9.]+) → ([0-9.]+) MiB", run.output)
    marks = find(r"^\| RSS at cycles [^|]*\| ([0-9. /]+) \|", run.output)
    if run.error or not (growth or marks):
        measure.note = run.error or "no RSS row in the output"
        return
    if growth:
        first, last = float(growth.group(3)), float(growth.group(4))
        polls = int(growth.group(2))
        what = f"{args.cycles} story cycles, then {polls} polls of every source"
        base = f"growth from poll {growth.group(1)} ({first} MiB)"
    else:
        rss = [float(v) for v in marks.group(1).split("/")]
        first, last, polls = rss[0], rss[-1], args.cycles
        what, base = f"after {args.cycles} cycles", f"growth from the first mark ({first} MiB)"
    grown = (last - first) / first * 100
    measure.value = f"{last * 1.048576:.0f} MB, {grown:+.1f} %"
    measure.met = "yes" if last * 1.048576 <= 250 and grown <= 5 else "no"
    short = "" if polls >= 500 else ", not 500"
    measure.note = f"{what}{short}; {base}"


def hostile(args: argparse.Namespace, report: Report) -> None:
    """Issue 12: the healthy source beside a 100,000-entry feed and the quadratic-entity
    feed (bench.hostile runs more neighbours; run it alone for them)."""
    run = run_bench("bench.hostile", "--stories", str(args.stories), "--only", "feed100k,entities")
    report.runs.append(run)
    for label in ("a 100,000-entry feed", "the quadratic-entity feed"):
        measure = Measure(f"healthy source's story to email beside {label}, max", "≤ 8 s")
        report.measures.append(measure)
        row = find(rf"^\| {re.escape(label)} \| (\d+) \| {NUMBER} \| ([0-9.inf]+) \|", run.output)
        if run.error or not row:
            measure.note = run.error or "no row in the output"
            continue
        measure.value = f"{row.group(3)} s (median {row.group(2)} s)"
        measure.met = verdict(float(row.group(3)), 8.0, at_least=False)
        peak = find(rf"^\| {re.escape(label)} \|(?:[^|]*\|){{4}} (\d+) \| ([^|]*) \|", run.output)
        measure.note = f"{row.group(1)} stories, 3 s interval"
        if peak:
            measure.note += (
                f"; daemon peak RSS {peak.group(1)} MB; its stored count {peak.group(2).strip()}"
            )


BENCHES: dict[str, Callable[[argparse.Namespace, Report], None]] = {
    "pipeline": pipeline,
    "neardup": neardup,
    "matching": matching,
    "soak": soak,
    "hostile": hostile,
}


def table(measures: list[Measure]) -> str:
    lines = ["| measure | goal | measured | met | conditions |", "|---|---|---|---|---|"]
    lines += [f"| {m.name} | {m.goal} | {m.value} | {m.met} | {m.note} |" for m in measures]
    return "\n".join(lines)


def write_results(report: Report, args: argparse.Namespace, started: datetime) -> None:
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    parts = [
        "# newswatch benchmarks (`python -m bench`)\n",
        f"Run {started:%Y-%m-%d %H:%M} UTC at commit {head or '?'} on {os.cpu_count()} CPUs; "
        f"load average at the end {os.getloadavg()[0]:.1f} (a shared machine: wall-clock "
        "ratios are only as good as the share of the CPUs we got).\n",
        table(report.measures),
        "\n## Output of each benchmark\n",
    ]
    for run in report.runs:
        parts.append(f"### `{' '.join(run.command[1:])}` ({run.seconds:.0f} s)\n")
        parts.append(f"```\n{run.output.strip()}\n```")
        if run.error:
            parts.append(f"Not measured: {run.error}\n")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(parts) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument(
        "--pipeline-repeat", type=int, default=3, help="crawl rows: fastest of N runs per stage"
    )
    parser.add_argument("--articles", type=int, default=5000, help="near-dup store size")
    parser.add_argument(
        "--neardup-bulk",
        type=int,
        default=0,
        help="near-dup: articles loaded in bulk before the timed ones (1000000: the goal's size)",
    )
    parser.add_argument("--rules-articles", type=int, default=300)
    parser.add_argument("--cycles", type=int, default=5, help="daemon soak: new-story cycles")
    parser.add_argument("--polls", type=int, default=500, help="daemon soak: polls after them")
    parser.add_argument("--stories", type=int, default=5, help="stories beside each hostile source")
    parser.add_argument("--postgres", help="SQLAlchemy URL (default: a fresh local database)")
    parser.add_argument("--skip", default="", help="comma-separated: " + ",".join(BENCHES))
    args = parser.parse_args()
    skipped = {name for name in args.skip.split(",") if name}
    started = datetime.now(UTC)
    report = Report()
    for name, bench in BENCHES.items():
        if name not in skipped:
            bench(args, report)
    if skipped:
        report.measures.append(Measure(f"skipped: {', '.join(sorted(skipped))}", "", "", ""))
    print(table(report.measures))
    write_results(report, args, started)
    print(f"\nwritten to {RESULTS}")


if __name__ == "__main__":
    main()
