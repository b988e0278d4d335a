"""crawl.extract_workers: extraction in worker processes stores exactly what the one-process
crawl stores (same articles, titles, languages, dates, texts) and counts the same failures."""

from __future__ import annotations

import json
import os
from pathlib import Path

from newswatch.cli.run import daemon_settings
from newswatch.config.settings import Settings
from newswatch.crawler.extract_pool import ExtractPool
from newswatch.crawler.scrapy_settings import scrapy_settings
from newswatch.crawler.urls import normalize_url
from tests.conftest import make_cli
from tests.expectations import load_expected, token_f1


def test_crawl_with_two_extract_workers_stores_every_expected_article(
    fixture_server, sqlite_url, tmp_path
) -> None:
    cli = make_cli(
        tmp_path, sqlite_url, fixture_server, crawl={"download_delay": 0, "extract_workers": 2}
    )
    sources = ("khovar-en", "kazpravda", "baq-kz", "tengrinews")  # feeds, sitemap, listing
    crawl = cli.run("--log-level", "INFO", "crawl", *(f"--source={s}" for s in sources), "--json")
    assert "extracting pages in 2 worker processes" in crawl.stderr
    summaries = [json.loads(line) for line in crawl.stdout.splitlines()]
    assert {s["source"]: s["failures"] for s in summaries if s["failed"]} == {}
    articles = cli.json_lines("articles", "list")
    expected = [e for e in load_expected() if e.source in sources]
    assert len(articles) == len(expected)
    for item in expected:
        [stored] = [a for a in articles if normalize_url(item.url) in a["urls"]]
        assert (stored["source"], stored["title"], stored["language"]) == (
            item.source,
            item.title,
            item.language,
        )
        assert stored["published"][:10] == item.published
        assert token_f1(stored["text"], item.text) >= 0.9


def _parent_and_state(pid: int) -> tuple[int, str] | None:
    """(parent pid, state letter) of a process from /proc; None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # after "pid (name)": state, ppid, ...
    return int(fields[1]), fields[0]


def test_run_workers_2_starts_two_extraction_processes() -> None:
    """`newswatch run --workers 2` -> the crawls' Scrapy settings -> the pool the pipeline
    takes: two live child processes of this one, gone after shutdown."""
    settings = daemon_settings(Settings(), "sqlite:///unused.db", False, workers=2)
    values = scrapy_settings(settings)
    assert list(values["ITEM_PIPELINES"]) == [
        "newswatch.crawler.pipelines.PooledExtractAndStorePipeline"
    ]
    pool = ExtractPool(values["NEWSWATCH_EXTRACT_WORKERS"])
    try:
        pids = pool.warm()
        assert len(pids) == 2 and os.getpid() not in pids
        for pid in pids:
            parent, state = _parent_and_state(pid) or (None, "gone")
            assert (parent, state in "RSD") == (os.getpid(), True)
    finally:
        pool.shutdown()
    assert [_parent_and_state(pid) for pid in pids] == [None, None]
