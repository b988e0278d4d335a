"""Pages per second of the whole pipeline (HTTP fetch, extraction, language, dates, storage)
against bare trafilatura.bare_extraction on the same pages, in one run.

    python -m bench.pipeline [--pages 2000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import trafilatura

from bench.corpus import BENCH_ORIGIN, write_corpus
from newswatch.config.settings import CrawlSettings, Settings
from newswatch.config.sources import SourceSpec
from newswatch.crawler.extraction import extract_article
from newswatch.fixtures.server import FixtureServer
from newswatch.scheduler.crawl_once import crawl_once


def _rate(count: int, seconds: float) -> float:
    return count / seconds if seconds else float("inf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newswatch-bench-") as tmp:
        sites = Path(tmp) / "sites"
        files = write_corpus(sites, args.pages)
        bodies = [f.read_bytes() for f in files]
        urls = [f"{BENCH_ORIGIN}/a/{i}" for i in range(len(files))]
        megabytes = sum(map(len, bodies)) / 1e6
        print(f"corpus: {len(bodies)} pages, {megabytes:.1f} MB, built from fixture pages\n")

        start = time.perf_counter()
        for body, url in zip(bodies, urls, strict=True):
            trafilatura.bare_extraction(body, url=url, with_metadata=True)
        bare = time.perf_counter() - start

        start = time.perf_counter()
        for body, url in zip(bodies, urls, strict=True):
            extract_article(body, url)
        ours = time.perf_counter() - start

        source = SourceSpec(
            id="bench",
            name="bench",
            languages=["ru", "kk", "tg", "en"],
            discovery="feed",
            start_urls=[f"{BENCH_ORIGIN}/feed.xml"],
            allowed_domains=["bench.example"],
        )
        with FixtureServer(sites_dir=sites) as server:
            settings = Settings(
                database_url=f"sqlite:///{Path(tmp) / 'bench.db'}",
                origin_map=server.origin_map(),
                crawl=CrawlSettings(
                    download_delay=0,
                    concurrency_per_domain=16,
                    max_articles_per_source=args.pages + 10,
                    obey_robots_txt=False,
                ),
            )
            start = time.perf_counter()
            report = crawl_once(settings, [source], trigger="bench", alerts=False)
            crawl = time.perf_counter() - start
        stored = report.results[0].counts.new

        rows = [
            ("bare trafilatura.bare_extraction", len(bodies), bare),
            ("newswatch extract_article (no I/O)", len(bodies), ours),
            ("newswatch crawl: HTTP + extract + store", stored, crawl),
        ]
        print(f"{'stage':42} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'vs bare':>8}")
        for name, count, seconds in rows:
            ratio = _rate(count, seconds) / _rate(len(bodies), bare)
            print(f"{name:42} {count:6d} {seconds:8.2f} {_rate(count, seconds):8.1f} {ratio:8.2f}")
        if stored != len(bodies):
            raise SystemExit(f"only {stored} of {len(bodies)} pages were stored")


if __name__ == "__main__":
    main()
