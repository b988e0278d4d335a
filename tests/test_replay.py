"""Replay of the fixture publisher sites through the real spiders, on SQLite and PostgreSQL.

For every seed: stored once, clean text (token F1 >= 0.98, no chrome), exact title, date to
the day, right language. A second crawl stores nothing and fetches no known article again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

import pytest

from newswatch.crawler.urls import normalize_url
from tests.conftest import Cli, NoServer, fresh_postgres_database, make_cli
from tests.expectations import Expected, fixture_file, load_expected, token_f1

EXPECTED = load_expected()
SEEDS = [e for e in EXPECTED if e.kind == "seed"]
DECOYS = [e for e in EXPECTED if e.kind == "decoy"]


@dataclass
class Replay:
    first: list[dict]  # crawl summaries, one per source
    second: list[dict]
    articles: list[dict]
    articles_after_second: list[dict]
    first_paths: list[tuple[str, str]]
    second_paths: list[tuple[str, str]]
    stories: list[dict]

    def by_url(self, url: str) -> list[dict]:
        key = normalize_url(url)
        return [a for a in self.articles if key in a["urls"]]


@contextlib.contextmanager
def _database(backend: str, tmp_path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'replay.db'}"
        return
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def replay(request, fixture_server, tmp_path_factory) -> Iterator[Replay]:
    tmp_path = tmp_path_factory.mktemp(f"replay-{request.param}")
    with _database(request.param, tmp_path) as url:
        cli: Cli = make_cli(tmp_path, url, fixture_server)
        log = fixture_server.log
        log.clear()
        first = cli.json_lines("crawl")
        first_paths = list(log.entries)
        articles = cli.json_lines("articles", "list")
        log.clear()
        second = cli.json_lines("crawl")
        second_paths = list(log.entries)
        yield Replay(
            first,
            second,
            articles,
            cli.json_lines("articles", "list"),
            first_paths,
            second_paths,
            cli.json_lines("stories", "list"),
        )


def test_fixture_expectations_cover_all_seeds() -> None:
    assert sorted(e.seed for e in SEEDS) == ["000", "001", "002", "003", "003", "004"]
    assert len(DECOYS) >= 3 * 7


def test_first_crawl_reads_every_source_without_failures(replay: Replay) -> None:
    failures = {s["source"]: s["failures"] for s in replay.first if s["failed"]}
    assert failures == {}
    assert {s["status"] for s in replay.first} == {"ok"}


@pytest.mark.parametrize("expected", SEEDS, ids=lambda e: f"{e.seed}-{e.source}")
def test_seed_is_stored_once_and_clean(replay: Replay, expected: Expected) -> None:
    stored = replay.by_url(expected.url)
    assert len(stored) == 1, f"{expected.url} stored {len(stored)} times"
    article = stored[0]
    assert article["source"] == expected.source
    assert article["title"] == expected.title
    assert article["language"] == expected.language
    assert article["published"] is not None
    assert datetime.fromisoformat(article["published"]).date() == date.fromisoformat(
        expected.published
    )
    f1 = token_f1(article["text"], expected.text)
    assert f1 >= 0.98, f"token F1 {f1:.3f}\n--- got:\n{article['text']}"
    for line in expected.chrome:
        assert line not in article["text"], f"chrome line leaked: {line!r}"


@pytest.mark.parametrize("expected", DECOYS, ids=lambda e: e.path.stem)
def test_decoy_is_stored_as_itself(replay: Replay, expected: Expected) -> None:
    stored = replay.by_url(expected.url)
    assert len(stored) == 1
    article = stored[0]
    assert article["title"] == expected.title
    assert article["language"] == expected.language
    assert article["title"] not in {seed.title for seed in SEEDS}
    assert token_f1(article["text"], expected.text) >= 0.9


def test_nothing_but_expected_pages_is_stored(replay: Replay) -> None:
    known_urls = {url for a in replay.articles for url in a["urls"]}
    assert known_urls == {normalize_url(e.url) for e in EXPECTED}
    assert len(replay.articles) == len(EXPECTED)


def test_syndicated_copy_and_original_are_one_story_with_both_sources(replay: Replay) -> None:
    copies = [e for e in SEEDS if e.seed == "003"]
    assert {e.source for e in copies} == {"tengrinews", "ru24"}
    [original] = replay.by_url(copies[0].url)
    [copy] = replay.by_url(copies[1].url)
    assert original["id"] != copy["id"]
    assert original["story_id"] == copy["story_id"]
    story = next(s for s in replay.stories if s["id"] == original["story_id"])
    assert story["sources"] == ["ru24", "tengrinews"]
    canonical = next(a for a in story["articles"] if a["canonical"])
    assert canonical["source"] == "tengrinews"  # earliest, and the copy cites it
    assert {a["url"] for a in story["articles"]} == {c.url for c in copies}


def test_every_other_item_is_a_story_of_its_own(replay: Replay) -> None:
    assert len(replay.stories) == len(EXPECTED) - 1
    stories_of = {e.seed: replay.by_url(e.url)[0]["story_id"] for e in SEEDS}
    assert stories_of["000"] != stories_of["001"]  # two meetings of one visit
    for story in replay.stories:
        assert {"id", "title", "articles"} <= set(story)
        for article in story["articles"]:
            assert {"url", "source", "published"} <= set(article)


def test_second_crawl_stores_nothing_and_refetches_no_article(replay: Replay) -> None:
    assert sum(s["new"] for s in replay.second) == 0
    assert len(replay.articles_after_second) == len(replay.articles)
    article_paths = set()
    for e in EXPECTED:
        parts = urlsplit(e.url)
        article_paths.add((parts.hostname, parts.path + (f"?{parts.query}" if parts.query else "")))
    refetched = [(h, p) for h, p in replay.second_paths if (h, p) in article_paths]
    assert refetched == []
    # unchanged feeds, sitemaps and listings are not parsed again (304 or the same body hash,
    # tests/test_conditional_get.py), so their known articles are not even looked up
    assert all(s["not_modified"] + s["unchanged"] >= 1 for s in replay.second)


def test_extract_command_gives_what_the_crawler_stored(replay: Replay, tmp_path) -> None:
    cli = make_cli(tmp_path, "sqlite:///unused.db", NoServer())
    files = [str(fixture_file(e.url)) for e in SEEDS]
    extracted = cli.json_lines("extract", *files)
    assert [e["path"] for e in extracted] == files
    for expected, got in zip(SEEDS, extracted, strict=True):
        stored = replay.by_url(expected.url)[0]
        assert got["canonical_url"] == stored["canonical_url"]
        for field in ("title", "text", "language", "content_hash"):
            assert got[field] == stored[field], field
        # a page without a byline gets its author from the feed entry, which a file lacks
        assert got["author"] in (stored["author"], None)
        assert datetime.fromisoformat(got["published"]) == datetime.fromisoformat(
            stored["published"]
        )
