"""crawl.extract_workers: extraction in worker processes stores exactly what the one-process
crawl stores (same articles, titles, languages, dates, texts) and counts the same failures."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import numpy as np

from newswatch.cli.run import daemon_settings
from newswatch.config.settings import Settings
from newswatch.crawler.extract_pool import ExtractPool
from newswatch.crawler.extraction import ExtractionProfile, extract_article
from newswatch.crawler.items import ArticlePage
from newswatch.crawler.prepared import prepare
from newswatch.crawler.scrapy_settings import scrapy_settings
from newswatch.crawler.urls import normalize_url
from newswatch.events.features import extract
from newswatch.storage.neardup import sketch
from tests.conftest import make_cli
from tests.expectations import load_expected, token_f1

ORIGINAL_TEXT = (
    "Делегация Таджикистана прибыла в Астану для переговоров о транзите грузов, поставках "
    "зерна и муки и совместных проектах в сфере образования; стороны условились подготовить "
    "визит президента в следующем месяце и подписать соглашение о водных ресурсах."
)


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
    # every article is a report of one event, linked with the features its worker worked out
    reports = [r["url"] for e in cli.json_lines("events", "list") for r in e["reports"]]
    assert sorted(reports) == sorted(a["url"] for a in articles)


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


def test_extraction_worker_hands_the_store_the_sketch_and_event_features() -> None:
    """The pooled crawl's worker computes the near-duplicate sketch (with its band keys) and,
    for a dated article, the event features with the extraction, so the storing process does
    not: the very ones it would have computed."""
    body = (
        "<html><head><title>Визит в Астану</title>"
        '<meta property="article:published_time" content="2026-11-30T08:00:00+05:00">'
        "</head><body><article><h1>Визит в Астану</h1>"
        f"<p>{ORIGINAL_TEXT}</p></article></body></html>"
    ).encode()
    pool = ExtractPool(2)
    try:
        page = ArticlePage("https://khovar.tj/ru/2026/11/visit/", body, "utf-8", None)
        article, prepared = asyncio.run(pool.extract(page, ExtractionProfile()))
    finally:
        pool.shutdown()
    assert ORIGINAL_TEXT in article.text and article.published is not None
    signature = prepared.sketch
    assert signature is not None and "band_keys" in vars(signature)  # came computed
    assert signature.band_keys == sketch(article.text).band_keys
    assert np.array_equal(signature.signature, sketch(article.text).signature)
    own = extract(article.title, article.text, article.published, article.language)
    assert prepared.features is not None and prepared.features.to_json() == own.to_json()
    assert prepared.features.kind == own.kind and own.entities  # a visit, with its actors


def test_an_undated_article_leaves_its_event_features_to_the_store() -> None:
    """An undated report's features depend on when it is stored (the days around it), so the
    worker does not guess them; its sketch it still makes."""
    body = f"<html><body><article><p>{ORIGINAL_TEXT}</p></article></body></html>".encode()
    article = extract_article(body, "https://khovar.tj/ru/2026/11/undated/")
    assert article.published is None
    prepared = prepare(article)
    assert prepared.features is None and prepared.sketch is not None
