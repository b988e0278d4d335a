"""Near-duplicate detection at scale: precision and recall of copy detection, time of one
lookup-and-insert, and memory, on a generated corpus with known copies.

    python -m bench.neardup [--articles 100000] [--database URL] [--search-index on|off]
                            [--bulk 1000000]

--bulk N first fills the database with N articles and their band rows in bulk
(bench.neardup_bulk), then stores the --articles generated ones through the store path and
times all of them: the figures at an index of N articles without storing N one by one. A
--database that already holds articles (kept from such a run) is timed the same way; give a new
--seed, so the new articles' URLs and texts are new.

The corpus: originals of 5 paragraphs drawn from the fixture articles' vocabulary (Zipf
weighted), copies of some of them with 5-30% of their words edited (paragraphs cut, a paragraph
added, words reworded), and hard negatives that share a quoted sentence or two with an original
but are otherwise different articles. Every item goes through storage.dedup.store_article in its
own transaction, exactly as the crawler stores it.

The sketch (MinHash and band keys) is computed first and timed apart, then handed to the store
as the pooled crawl's extraction workers hand it (crawl.extract_workers > 1, `run --workers`):
"store incl. commit" is what the storing process spends; "+ sketch" adds the sketch, as when
the storing process computes it too (the one-process crawl). --sketch-in-store leaves it to
store_article, the way every figure before session 26 was measured.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sqlite3
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from bench.neardup_bulk import fill
from newswatch.storage.db import open_database
from newswatch.storage.dedup import store_article
from newswatch.storage.neardup import sketch
from newswatch.storage.repository import NewArticle, SourceRecord, sync_sources
from newswatch.storage.textkeys import content_hash
from tests.expectations import load_expected


@dataclass
class Item:
    group: int  # ground truth: items of one group are one story
    text: str
    kind: str  # original | copy | related
    edit: float = 0.0


class Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        words = sorted({w for e in load_expected() for w in e.text.split() if w.isalpha()})
        self.rng.shuffle(words)
        self.words = words
        self.weights = [1 / (rank + 1) ** 0.9 for rank in range(len(words))]  # Zipf-like

    def sentence(self) -> str:
        count = self.rng.randint(8, 22)
        return " ".join(self.rng.choices(self.words, self.weights, k=count)) + "."

    def paragraph(self) -> list[str]:
        return [self.sentence() for _ in range(self.rng.randint(2, 4))]

    def original(self) -> list[list[str]]:
        return [self.paragraph() for _ in range(5)]

    def copy(self, paragraphs: list[list[str]], fraction: float) -> list[list[str]]:
        """Edit about `fraction` of the words: cut, add and reword in roughly equal parts."""
        paragraphs = [list(p) for p in paragraphs]
        total = sum(len(s.split()) for p in paragraphs for s in p)
        budget = fraction * total / 3
        cut = 0
        while cut < budget and len(paragraphs) > 2:  # cut whole sentences, tail first
            victim = self.rng.randrange(len(paragraphs))
            if not paragraphs[victim]:
                paragraphs.pop(victim)
                continue
            cut += len(paragraphs[victim].pop(self.rng.randrange(len(paragraphs[victim]))).split())
        added: list[str] = []
        while sum(len(s.split()) for s in added) < budget:
            added.append(self.sentence())
        paragraphs.insert(self.rng.randrange(len(paragraphs) + 1), added)
        flat = [(i, j) for i, p in enumerate(paragraphs) for j in range(len(p))]
        reworded = 0
        while reworded < budget:
            i, j = self.rng.choice(flat)
            words = paragraphs[i][j].split()
            words[self.rng.randrange(len(words))] = self.rng.choice(self.words)
            paragraphs[i][j] = " ".join(words)
            reworded += 1
        return [p for p in paragraphs if p]

    def related(self, paragraphs: list[list[str]]) -> list[list[str]]:
        """Another article on the same event: a quote or two in common, the rest its own."""
        quotes = self.rng.sample([s for p in paragraphs for s in p], k=2)
        own = self.original()
        own[1].insert(0, quotes[0])
        own[3].append(quotes[1])
        return own


def corpus(size: int, seed: int) -> list[Item]:
    gen = Generator(seed)
    originals = int(size * 0.8)
    copies = int(size * 0.15)
    related = size - originals - copies
    texts = [gen.original() for _ in range(originals)]
    render = lambda ps: "\n".join(" ".join(p) for p in ps)  # noqa: E731
    items = [Item(g, render(ps), "original") for g, ps in enumerate(texts)]
    for _ in range(copies):
        group = gen.rng.randrange(originals)
        fraction = gen.rng.uniform(0.05, 0.30)
        items.append(Item(group, render(gen.copy(texts[group], fraction)), "copy", fraction))
    for n in range(related):
        group = gen.rng.randrange(originals)
        items.append(Item(originals + n, render(gen.related(texts[group])), "related"))
    gen.rng.shuffle(items)
    return items


def drop_search_index(session: Session) -> None:
    if session.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            session.execute(text(f"DROP TRIGGER IF EXISTS articles_fts_{trigger}"))
    else:
        session.execute(text("DROP INDEX IF EXISTS ix_articles_fts"))


def describe(sessions, args: argparse.Namespace) -> str:
    """What the figures depend on besides the code: printed with them, so runs compare."""
    with sessions() as session:
        dialect = session.get_bind().dialect.name
        if dialect == "sqlite":
            pragmas = {
                name: session.execute(text(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "synchronous", "cache_size", "wal_autocheckpoint")
            }
            engine = (
                f"SQLite {sqlite3.sqlite_version}, journal {pragmas['journal_mode']}, "
                f"synchronous={pragmas['synchronous']} (1 = NORMAL), cache_size="
                f"{pragmas['cache_size']}, wal_autocheckpoint={pragmas['wal_autocheckpoint']} pages"
            )
        else:
            settings = {
                name: session.execute(text(f"SHOW {name}")).scalar()
                for name in ("server_version", "synchronous_commit", "shared_buffers", "fsync")
            }
            engine = "PostgreSQL " + ", ".join(f"{k}={v}" for k, v in settings.items())
    return (
        f"{engine}; full-text search index {args.search_index}; one transaction per article "
        f"(commit timed apart); medians over {window(args)}; {os.cpu_count()} CPUs"
    )


def window(args: argparse.Namespace) -> str:
    if args.bulk:
        return f"the {args.articles:,} stored after {args.bulk:,} loaded in bulk"
    if args.preloaded:
        return f"the {args.articles:,} stored after {args.preloaded:,} already in the database"
    return f"the second half ({args.articles // 2:,}-{args.articles:,} articles stored)"


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--database", help="SQLAlchemy URL (default: a new SQLite file)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--search-index",
        choices=("on", "off"),
        default="on",
        help="off: drop the full-text index (migration 0009) first, to see what it costs",
    )
    parser.add_argument(
        "--sketch-in-store",
        action="store_true",
        help="store_article computes each sketch (inside the timed store) instead of ahead",
    )
    parser.add_argument(
        "--bulk", type=int, default=0, help="articles loaded in bulk before the timed ones"
    )
    args = parser.parse_args()

    started = time.perf_counter()
    items = corpus(args.articles, args.seed)
    print(
        f"corpus: {len(items)} articles generated in {time.perf_counter() - started:.0f} s "
        f"({sum(i.kind == 'copy' for i in items)} copies with 5-30% edits, "
        f"{sum(i.kind == 'related' for i in items)} related-but-different)"
    )
    with tempfile.TemporaryDirectory(prefix="newswatch-neardup-") as tmp:
        url = args.database or f"sqlite:///{Path(tmp) / 'neardup.db'}"
        sessions = open_database(url)
        if args.search_index == "off":
            with sessions.begin() as session:
                drop_search_index(session)
        with sessions() as session:  # a database kept from an earlier run (--database)
            args.preloaded = session.execute(text("SELECT count(*) FROM articles")).scalar()
        conditions = describe(sessions, args)
        with sessions.begin() as session:
            sync_sources(
                session,
                [SourceRecord("a", "A", ["ru"], "feed"), SourceRecord("b", "B", ["ru"], "feed")],
            )
        if args.bulk:
            started = time.perf_counter()
            fill(sessions, args.bulk, Generator(args.seed).words)
            print(f"bulk: {args.bulk:,} articles loaded in {time.perf_counter() - started:.0f} s")
        rss_start = rss_mb()
        timings, cpu, commits, story_of_item, attached = [], [], [], {}, []
        sketching: list[float] = []
        for n, item in enumerate(items):
            signature = None
            if not args.sketch_in_store:  # as an extraction worker does, with the extraction
                c0 = time.thread_time()
                signature = sketch(item.text)  # with its band keys
                sketching.append(time.thread_time() - c0)
            new = NewArticle(
                source_id="a" if item.kind == "original" else "b",
                url=f"https://bench.example/{args.seed}/{n}",  # a new seed: new articles
                canonical_url=f"https://bench.example/{args.seed}/{n}",
                title=None,
                text=item.text,
                content_hash=content_hash(item.text),
                sketch=signature,
            )
            with sessions() as session:  # one transaction per article, as the crawler stores
                c0, t0 = time.thread_time(), time.perf_counter()
                outcome = store_article(session, new)
                t1 = time.perf_counter()
                cpu.append(time.thread_time() - c0)
                session.commit()
                commits.append(time.perf_counter() - t1)
            timings.append(t1 - t0)
            story_of_item[n] = outcome.story_id
            if outcome.reason in ("near", "content"):
                attached.append(n)
            if (n + 1) % 20_000 == 0:
                print(f"  {n + 1} stored, median so far {statistics.median(timings) * 1e3:.2f} ms")
        rss_end = rss_mb()
        database_mb = (
            sum(f.stat().st_size for f in Path(tmp).glob("neardup.db*")) / 1e6
            if not args.database
            else float("nan")
        )

    group_story: dict[int, set[int]] = {}
    for n, item in enumerate(items):
        group_story.setdefault(item.group, set()).add(story_of_item[n])
    members: dict[int, set[int]] = {}
    for n, item in enumerate(items):
        members.setdefault(story_of_item[n], set()).add(item.group)
    copies = [n for n, item in enumerate(items) if item.kind == "copy"]
    found = sum(len(group_story[items[n].group]) == 1 for n in copies)
    wrong = sum(len(members[story_of_item[n]]) > 1 for n in attached)
    recall = found / len(copies)
    precision = (len(attached) - wrong) / len(attached) if attached else 1.0
    at_size = args.bulk or args.preloaded
    half = 0 if at_size else len(timings) // 2  # the second half: at index size
    span = "timed" if at_size else "2nd half"
    tail = sorted(t * 1e3 for t in timings[half:])
    totals_in_order = [(t + c) * 1e3 for t, c in zip(timings[half:], commits[half:], strict=True)]
    totals = sorted(totals_in_order)
    last = timings[-max(len(timings) // 10, 1) :]  # the last 10%: at the full index size

    print()
    print(f"conditions: {conditions}; machine load average at the end {os.getloadavg()[0]:.1f}")
    print(f"{'measure':50} {'value':>10}  goal")
    print(f"{'copies found (recall)':50} {recall:10.4f}  >= 0.97")
    print(f"{'attachments that were right (precision)':50} {precision:10.4f}  >= 0.97")
    print(f"{f'lookup+insert median (ms, {span})':50} {statistics.median(tail):10.2f}  <= 2")
    print(f"{f'lookup+insert p99 (ms, {span})':50} {tail[int(len(tail) * 0.99)]:10.2f}")
    print(f"{'lookup+insert median (ms, last 10%)':50} {statistics.median(last) * 1e3:10.2f}")
    # CPU time of this thread over the same span: what the store costs without the waits for
    # I/O and for other processes on a busy machine
    cpu_median = statistics.median(cpu[half:]) * 1e3
    print(f"{f'lookup+insert CPU median (ms, {span})':50} {cpu_median:10.2f}")
    print(f"{f'commit median (ms, {span})':50} {statistics.median(commits[half:]) * 1e3:10.2f}")
    print(f"{f'store incl. commit median (ms, {span})':50} {statistics.median(totals):10.2f}")
    print(f"{f'store incl. commit p99 (ms, {span})':50} {totals[int(len(totals) * 0.99)]:10.2f}")
    if sketching:
        with_sketch = sorted(
            t + s * 1e3 for t, s in zip(totals_in_order, sketching[half:], strict=True)
        )
        print(f"{f'sketch CPU median (ms, {span}; done ahead)':50} "
              f"{statistics.median(sketching[half:]) * 1e3:10.2f}")  # fmt: skip
        label = f"store incl. commit + sketch median (ms, {span})"
        print(f"{label:50} {statistics.median(with_sketch):10.2f}")
    else:
        print(f"{'sketch':50} {'in store':>10}  (--sketch-in-store)")
    print(f"{'RSS start -> end (MB)':50} {rss_start:5.0f} -> {rss_end:.0f}")
    print(f"{'peak RSS (MB)':50} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:10.0f}")
    # The benchmark holds the whole corpus; storing a text makes Python cache its UTF-8 form
    # inside the string, which is most of the RSS growth. The index itself lives in the database.
    corpus_mb = sum(len(item.text.encode()) for item in items) / 1e6
    print(f"{'  of which corpus UTF-8 copies (MB)':50} {corpus_mb:10.0f}")
    print(f"{'database on disk, SQLite (MB)':50} {database_mb:10.0f}")
    by_edit = sorted((items[n].edit, len(group_story[items[n].group]) == 1) for n in copies)
    for low in (0.05, 0.10, 0.15, 0.20, 0.25):
        band = [ok for edit, ok in by_edit if low <= edit < low + 0.05]
        if band:
            label = f"recall, edits {low:.0%}-{low + 0.05:.0%}"
            print(f"{label:50} {sum(band) / len(band):10.4f}")


if __name__ == "__main__":
    main()
