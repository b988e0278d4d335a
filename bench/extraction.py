"""Article text and publication day of newswatch's extract_article against bare
trafilatura.bare_extraction, on public evaluation sets present in bench/cache/extraction/.

    python -m bench.extraction [--split dev|test|all] [--limit N] [--set NAME] [--repeat N]

Sets (fetched from their public repositories, never committed). To rebuild the git-ignored
cache, with TRAF, FUNDUS, FEEDP clones (or bare git dirs) of the three repositories:

    C=bench/cache/extraction; mkdir -p $C/trafilatura $C/fundus $C/feedparser
    git --git-dir=$TRAF archive HEAD tests/evaldata.json tests/eval tests/cache \\
        | tar -x -C $C/trafilatura
    git --git-dir=$FUNDUS archive HEAD tests/resources/parser/test_data | tar -x -C $C/fundus
    git --git-dir=$FEEDP archive HEAD tests | tar -x -C $C/feedparser

(a clone's git dir is CLONE/.git). Figures in README.md were taken on adbar/trafilatura
e90b0ef5, flairNLP/fundus 18da6e53, kurtmckee/feedparser a22c5521.

- trafilatura: adbar/trafilatura tests/evaldata.json + tests/eval, tests/cache. Each page
  lists snippets that must ("with") and must not ("without") appear in the text. As in
  trafilatura's own evaluation, a found "with" is a true positive, a missing one a false
  negative, a found "without" a false positive; precision, recall and F1 over all snippets.
- feedparser: kurtmckee/feedparser tests/*/*.xml, well- and ill-formed feeds in many
  encodings. Scored for crashes and for how many are read as feeds (newswatch parse_feed
  against bare feedparser.parse).
- fundus: flairNLP/fundus tests/resources/parser/test_data, publisher pages with the
  expected body (summary + paragraphs) and publishing_date. Text score: bag-of-words token
  F1 (lower-cased \\w+ tokens, multiset overlap), averaged over pages. Date: the day is right
  when it equals the expected day in the expected offset or in the page's own offset.

Split: a page is "dev" (used for tuning) when the first hex digit of md5(its file name) is
below 8, else "test". A crash is any exception other than a refusal (ExtractionError);
a refusal scores as empty text. pages/s compares the two extractors on the same bytes,
interleaved page by page, after both have run once on the first pages and one-time loads
(language model, jusText stoplists, dateparser locales) are done. With --repeat N each page
runs N times and each extractor's fastest run counts (less noise on a shared machine).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import html
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import feedparser
import trafilatura

from bench.warmup import warm_one_time_loads
from newswatch.crawler.extraction import ExtractionError, extract_article
from newswatch.crawler.feeds import parse_feed

CACHE = Path(__file__).parent / "cache" / "extraction"
_TOKENS = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    body: bytes
    with_snippets: tuple[str, ...] = ()
    without_snippets: tuple[str, ...] = ()
    gold_text: str | None = None
    gold_date: datetime | None = None

    @property
    def split(self) -> str:
        return "dev" if hashlib.md5(self.name.encode()).hexdigest()[0] < "8" else "test"


@dataclass(frozen=True)
class Result:
    text: str | None
    published: datetime | date | None
    crashed: str | None = None


def trafilatura_pages() -> Iterator[Page]:
    root = CACHE / "trafilatura" / "tests"
    if not (root / "evaldata.json").is_file():
        return
    data = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    for url, item in sorted(data.items()):
        path = next(
            (p for d in ("cache", "eval") if (p := root / d / item["file"]).is_file()), None
        )
        if path is None:
            continue
        yield Page(
            name=item["file"],
            url=url,
            body=path.read_bytes(),
            with_snippets=tuple(item["with"]),
            without_snippets=tuple(item["without"]),
        )


def _fundus_text(body: dict) -> str:
    parts = list(body.get("summary") or [])
    for section in body.get("sections") or []:
        parts += section.get("headline") or []
        parts += section.get("paragraphs") or []
    return "\n".join(parts)


def _pair_versions(htmls: list[Path], versions: dict[str, dict]) -> list[tuple[Path, dict]]:
    """Which expected version belongs to which page: the one whose title the page holds;
    else parser versions and pages both in date order."""
    ordered = [versions[k] for k in sorted(versions, key=lambda k: int(k[1:]))]
    texts = [
        html.unescape(gzip.decompress(p.read_bytes()).decode("utf-8", "replace")) for p in htmls
    ]
    by_title = []
    for text in texts:
        hits = [g for g in ordered if g.get("title") and g["title"] in text]
        by_title.append(hits[0] if len(hits) == 1 else None)
    if all(by_title) and len({id(g) for g in by_title}) == len(ordered):
        return list(zip(htmls, by_title, strict=True))
    return list(zip(htmls, ordered, strict=True))


def fundus_pages() -> Iterator[Page]:
    root = CACHE / "fundus" / "tests" / "resources" / "parser" / "test_data"
    for meta_path in sorted(root.glob("*/meta.info")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        for gold_path in sorted(meta_path.parent.glob("*.json")):
            versions = json.loads(gold_path.read_text(encoding="utf-8"))
            htmls = sorted(
                meta_path.parent.glob(f"{gold_path.stem}_*.html.gz"), key=lambda p: p.name
            )
            if len(htmls) != len(versions):
                continue
            for html_path, gold in _pair_versions(htmls, versions):
                info = meta.get(html_path.name)
                if not info or not isinstance(gold.get("body"), dict):
                    continue
                stated = gold.get("publishing_date")
                yield Page(
                    name=f"{meta_path.parent.name}/{html_path.name}",
                    url=info["url"],
                    body=gzip.decompress(html_path.read_bytes()),
                    gold_text=_fundus_text(gold["body"]),
                    gold_date=datetime.fromisoformat(stated) if stated else None,
                )


SETS: dict[str, Callable[[], Iterator[Page]]] = {
    "trafilatura": trafilatura_pages,
    "fundus": fundus_pages,
}


def run_newswatch(page: Page) -> Result:
    try:
        article = extract_article(page.body, page.url)
    except ExtractionError:
        return Result(None, None)
    return Result(article.text, article.published)


def run_bare(page: Page) -> Result:
    document = trafilatura.bare_extraction(
        page.body, url=page.url, with_metadata=True, include_comments=False, include_tables=True
    )
    if not document:
        return Result(None, None)
    published = date.fromisoformat(document.date[:10]) if document.date else None
    return Result(document.text, published)


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def token_f1(found: str | None, gold: str) -> float:
    got, want = (
        Counter(_TOKENS.findall((found or "").lower())),
        Counter(_TOKENS.findall(gold.lower())),
    )
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def day_right(found: datetime | date | None, gold: datetime) -> bool:
    if found is None:
        return False
    if not isinstance(found, datetime):
        return found == gold.date()
    if found.date() == gold.date():
        return True
    if found.tzinfo is not None and gold.tzinfo is not None:
        return found.astimezone(gold.tzinfo).date() == gold.date()
    return False


@dataclass
class Score:
    pages: int = 0
    crashes: int = 0
    seconds: float = 0.0
    counts: list[int] = field(default_factory=lambda: [0, 0, 0])  # tp, fp, fn snippets
    f1_sum: float = 0.0
    f1_pages: int = 0
    dated: int = 0
    days_right: int = 0
    first_crash: str | None = None

    def add(self, page: Page, result: Result, seconds: float) -> None:
        self.pages += 1
        self.seconds += seconds
        if result.crashed:
            self.crashes += 1
            self.first_crash = self.first_crash or f"{page.name}: {result.crashed}"
        text = _norm(result.text or "")
        if page.with_snippets:
            tp = sum(_norm(s) in text for s in page.with_snippets)
            fp = sum(_norm(s) in text for s in page.without_snippets)
            self.counts[0] += tp
            self.counts[1] += fp
            self.counts[2] += len(page.with_snippets) - tp
        if page.gold_text is not None:
            self.f1_sum += token_f1(result.text, page.gold_text)
            self.f1_pages += 1
        if page.gold_date is not None:
            self.dated += 1
            self.days_right += day_right(result.published, page.gold_date)

    @property
    def f1(self) -> float:
        if self.f1_pages:
            return self.f1_sum / self.f1_pages
        tp, fp, fn = self.counts
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def timed(run: Callable[[Page], Result], page: Page) -> tuple[Result, float]:
    start = time.perf_counter()
    try:
        result = run(page)
    except Exception as exc:
        result = Result(None, None, crashed=f"{type(exc).__name__}: {exc}")
    return result, time.perf_counter() - start


def _timed_pair(page: Page, index: int, repeat: int) -> tuple[Result, float, Result, float]:
    """Both extractors on one page, interleaved (first one then the other first: both see
    the same machine load and neither always pays the lazy caches of the libraries they
    share), `repeat` times; the fastest run of each counts, as timeit advises, since a
    slower one measures the machine's other work. Results are the first run's."""
    runs = []
    for turn in range(repeat):
        if (index + turn) % 2:
            ours, ours_s = timed(run_newswatch, page)
            bare, bare_s = timed(run_bare, page)
        else:
            bare, bare_s = timed(run_bare, page)
            ours, ours_s = timed(run_newswatch, page)
        runs.append((bare, bare_s, ours, ours_s))
    bare, _, ours, _ = runs[0]
    return bare, min(r[1] for r in runs), ours, min(r[3] for r in runs)


def feed_files() -> list[Path]:
    root = CACHE / "feedparser" / "tests"
    return sorted(
        p
        for d in ("wellformed", "illformed", "encoding", "entities")
        for p in (root / d).rglob("*.xml")
    )


def bench_feeds(split: str, limit: int) -> None:
    files = [f for f in feed_files() if split == "all" or Page(f.name, "", b"").split == split]
    files = files[:limit] if limit else files
    if not files:
        print(f"{'feedparser':12} (not in {CACHE})")
        return
    runs = {
        "bare": lambda body: bool(feedparser.parse(body).get("version")),
        "newswatch": lambda body: parse_feed(body).is_feed,
    }
    totals = {name: [0, 0, 0.0, None] for name in runs}  # read, crashes, seconds, first crash
    for path in files:
        body = path.read_bytes()
        for name, run in runs.items():
            start = time.perf_counter()
            try:
                totals[name][0] += run(body)
            except Exception as exc:
                totals[name][1] += 1
                totals[name][3] = totals[name][3] or f"{path.name}: {type(exc).__name__}: {exc}"
            totals[name][2] += time.perf_counter() - start
    base_rate = len(files) / totals["bare"][2]
    for name, (read, crashes, seconds, first) in totals.items():
        rate = len(files) / seconds
        print(
            f"{'feedparser':12} {split:5} {name:10} {len(files):5d} {crashes:5d}"
            f" {'read ' + str(read):>7} {'-':>13} {rate:7.1f} {rate / base_rate:6.2f}"
        )
        if first:
            print(f"    first crash: {first[:200]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all")
    parser.add_argument("--limit", type=int, default=0, help="pages per set (0: all)")
    parser.add_argument("--set", dest="only", choices=[*sorted(SETS), "feedparser"])
    parser.add_argument("--misses", action="store_true", help="list pages newswatch gets wrong")
    parser.add_argument(
        "--repeat", type=int, default=1, help="time each page N times, keep the fastest"
    )
    args = parser.parse_args()
    header = f"{'set':12} {'split':5} {'extractor':10} {'pages':>5} {'crash':>5} {'text F1':>7}"
    header += f" {'day ok':>13} {'pages/s':>7} {'speed':>6}"
    print(header)
    for name, pages_of in SETS.items():
        if args.only and name != args.only:
            continue
        pages = [p for p in pages_of() if args.split in ("all", p.split)]
        if args.limit:
            pages = pages[: args.limit]
        if not pages:
            print(f"{name:12} (not in {CACHE})")
            continue
        scores = {"bare": Score(), "newswatch": Score()}
        warm_one_time_loads()  # not timed: a daemon pays them once
        for page in pages[:3]:
            run_bare(page), run_newswatch(page)
        for index, page in enumerate(pages):
            bare, bare_s, ours, ours_s = _timed_pair(page, index, args.repeat)
            scores["bare"].add(page, bare, bare_s)
            scores["newswatch"].add(page, ours, ours_s)
            if args.misses:
                _print_miss(page, ours, bare)
        base_rate = scores["bare"].pages / scores["bare"].seconds
        for label, score in scores.items():
            rate = score.pages / score.seconds
            day = (
                f"{score.days_right}/{score.dated} {score.days_right / score.dated:.0%}"
                if score.dated
                else "-"
            )
            print(
                f"{name:12} {args.split:5} {label:10} {score.pages:5d} {score.crashes:5d}"
                f" {score.f1:7.3f} {day:>13} {rate:7.1f} {rate / base_rate:6.2f}"
            )
            if score.first_crash:
                print(f"    first crash: {score.first_crash[:200]}")
    if args.only in (None, "feedparser"):
        bench_feeds(args.split, args.limit)


def _print_miss(page: Page, ours: Result, bare: Result) -> None:
    if page.gold_date is not None and not day_right(ours.published, page.gold_date):
        print(
            f"  DATE {page.name}: got {ours.published} want {page.gold_date} bare {bare.published}"
        )
    if page.gold_text is not None:
        mine, theirs = token_f1(ours.text, page.gold_text), token_f1(bare.text, page.gold_text)
        if mine < 0.9 or mine < theirs - 0.02:
            print(f"  TEXT {page.name}: f1 {mine:.3f} bare {theirs:.3f}")
    text = _norm(ours.text or "")
    missing = [s for s in page.with_snippets if _norm(s) not in text]
    leaked = [s for s in page.without_snippets if _norm(s) in text]
    if missing or leaked:
        print(f"  SNIP {page.name}: missing {missing[:2]} leaked {leaked[:2]}")


if __name__ == "__main__":
    main()
