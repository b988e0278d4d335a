"""Polling economy: discovery pages (feeds, sitemaps, listings) are fetched conditionally and
compared by body hash, with the real fixture server and the real `newswatch crawl`.

A second crawl of unchanged sites gets only 304s and unchanged bodies, requests no article and
downloads a small fraction of the first crawl's bytes, as reported per source. A feed that
changes behind a constant ETag is still read; a page that failed (its parse, or an article it
led to) is read again in full on the next poll.
"""

from __future__ import annotations

import contextlib
import shutil
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from newswatch.fixtures import SITES_DIR
from newswatch.fixtures.server import STATIC_ETAG, FixtureServer, Served
from newswatch.storage.db import open_database
from newswatch.storage.validators import Validators, get_validators
from tests.conftest import REPO, Cli, fresh_postgres_database, make_cli
from tests.expectations import load_expected

CONFIGURED = yaml.safe_load((REPO / "config" / "sources.yaml").read_text(encoding="utf-8"))
HOST_OF = {s["id"]: urlsplit(s["start_urls"][0]).hostname for s in CONFIGURED["sources"]}


def _host_path(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.hostname or "", parts.path + (f"?{parts.query}" if parts.query else "")


ARTICLE_PATHS = {_host_path(e.url) for e in load_expected()}
MIN_BYTES_RATIO = 20  # first crawl / second crawl; measured ≈36 on the fixture sites


@dataclass
class Polls:
    first: list[dict]
    second: list[dict]
    first_served: list[Served]
    second_served: list[Served]


def _not_robots(served: list[Served]) -> list[Served]:
    return [s for s in served if s.path != "/robots.txt"]


@contextlib.contextmanager
def _database(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'polls.db'}"
        return
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def polls(request, fixture_server: FixtureServer, tmp_path_factory) -> Iterator[Polls]:
    tmp_path = tmp_path_factory.mktemp(f"polls-{request.param}")
    with _database(request.param, tmp_path) as url:
        cli = make_cli(tmp_path, url, fixture_server)
        log = fixture_server.log
        log.clear()
        first = cli.json_lines("crawl")
        first_served = log.responses()
        log.clear()
        second = cli.json_lines("crawl")
        yield Polls(first, second, first_served, log.responses())


def test_first_crawl_reads_everything(polls: Polls) -> None:
    assert {s["status"] for s in polls.first} == {"ok"}
    assert sum(s["new"] for s in polls.first) == len(ARTICLE_PATHS)
    assert all(s["not_modified"] == s["unchanged"] == 0 for s in polls.first)


def test_second_crawl_gets_only_304s_and_unchanged_bodies(polls: Polls) -> None:
    served = _not_robots(polls.second_served)
    first_discovery = {(s.host, s.path) for s in _not_robots(polls.first_served)} - ARTICLE_PATHS
    assert {(s.host, s.path) for s in served} <= first_discovery, "no article is requested"
    assert [s for s in served if s.status not in (200, 304)] == []
    not_modified = sum(1 for s in served if s.status == 304)
    full = sum(1 for s in served if s.status == 200)
    assert not_modified >= 5 and full >= 3  # the fixture routes mix every kind of server
    # every discovery page fetched is counted as either
    assert sum(s["not_modified"] for s in polls.second) == not_modified
    assert sum(s["unchanged"] for s in polls.second) == full
    for summary in polls.second:
        assert summary["status"] == "ok", summary
        assert summary["not_modified"] + summary["unchanged"] >= 1, summary
        assert summary["new"] == summary["skipped_known"] == summary["failed"] == 0, summary


def test_each_kind_of_server_is_recognised(polls: Polls) -> None:
    second = {s["source"]: s for s in polls.second}
    assert second["khovar-en"]["not_modified"] == 1  # ETag follows the content
    assert second["khovar-ru"]["not_modified"] == 1  # Last-Modified from the file's mtime
    assert second["karavan-info"]["not_modified"] == 1  # a fixed Last-Modified
    assert second["khovar-tj"]["unchanged"] == 1  # static ETag, no 304: body hash
    assert second["akorda"]["unchanged"] == 1  # no validators at all: body hash
    # the sitemap index is always read (hash only), its two sitemaps answer 304
    assert (second["kazpravda"]["unchanged"], second["kazpravda"]["not_modified"]) == (1, 2)


def test_second_crawl_downloads_a_fraction_of_the_bytes(polls: Polls) -> None:
    first = sum(s["bytes_downloaded"] for s in polls.first)
    second = sum(s["bytes_downloaded"] for s in polls.second)
    print(f"bytes downloaded: first crawl {first}, second {second}, ratio {first / second:.1f}")
    assert second * MIN_BYTES_RATIO <= first
    before = {s["source"]: s["bytes_downloaded"] for s in polls.first}
    for summary in polls.second:
        assert summary["bytes_downloaded"] < before[summary["source"]] / 3, summary


@pytest.mark.parametrize("crawl", ["first", "second"])
def test_bytes_reported_are_the_body_bytes_received(polls: Polls, crawl: str) -> None:
    """Per site (khovar.tj has three sources): the reported bytes are what the server sent
    as bodies, robots.txt and 304s (no body) included."""
    summaries = getattr(polls, crawl)
    served = getattr(polls, f"{crawl}_served")
    reported: dict[str, int] = defaultdict(int)
    for summary in summaries:
        reported[HOST_OF[summary["source"]]] += summary["bytes_downloaded"]
    sent: dict[str, int] = defaultdict(int)
    for answer in served:
        sent[answer.host] += answer.body_bytes
    assert dict(reported) == dict(sent)


# --- changes and failures, on a copy of the fixture sites --------------------------------------


@pytest.fixture(scope="module")
def copy_server(tmp_path_factory) -> Iterator[FixtureServer]:
    sites = tmp_path_factory.mktemp("sites-copy") / "sites"
    shutil.copytree(SITES_DIR, sites)
    with FixtureServer(sites_dir=sites) as server:
        yield server


def _cli(tmp_path: Path, server: FixtureServer) -> Cli:
    return make_cli(
        tmp_path,
        f"sqlite:///{tmp_path / 'nw.db'}",
        server,
        crawl={"download_delay": 0, "timeout": 10, "retry_times": 0},
    )


def _crawl(cli: Cli, server: FixtureServer, source: str) -> tuple[dict, list[Served]]:
    server.log.clear()
    [summary] = cli.json_lines("crawl", "--source", source, check=False)
    return summary, _not_robots(server.log.responses())


def _stored(cli: Cli, url: str) -> Validators | None:
    sessions = open_database(yaml.safe_load(cli.config.read_text())["database_url"])
    with sessions() as session:
        return get_validators(session, url)


NEW_PATH = "/2021/09/dar-kulob-puli-nav-ba-istifoda-doda-shud/"
NEW_URL = f"https://khovar.tj{NEW_PATH}"
NEW_TITLE = "Дар Кӯлоб пули нав ба истифода дода шуд"
NEW_ITEM = f"""
	<item>
		<title>{NEW_TITLE}</title>
		<link>{NEW_URL}</link>
		<dc:creator><![CDATA[Ховар]]></dc:creator>
		<pubDate>Fri, 24 Sep 2021 09:00:00 +0500</pubDate>
		<guid isPermaLink="false">https://khovar.tj/?p=201450</guid>
		<description><![CDATA[<p>Пули нав дар Кӯлоб.</p>]]></description>
	</item>"""
NEW_PAGE = f"""<!DOCTYPE html>
<html lang="tg"><head><meta charset="UTF-8">
<title>{NEW_TITLE} | АМИТ «Ховар»</title>
<link rel="canonical" href="{NEW_URL}">
<meta property="og:title" content="{NEW_TITLE}">
<meta property="article:published_time" content="2021-09-24T09:00:00+05:00">
</head><body><article><h1>{NEW_TITLE}</h1><div class="entry-content">
<p>КӮЛОБ, 24.09.2021 /АМИТ «Ховар»/. Имрӯз дар шаҳри Кӯлоб пули нави автомобилгард аз болои
дарёи Яхсу ба истифода дода шуд, ки ду соҳили шаҳрро бо ҳам мепайвандад.</p>
<p>Дарозии пул 180 метр буда, сохтмони он ду сол идома ёфт. Дар сохтмон зиёда аз 250 нафар
мутахассисон ва коргарони маҳаллӣ ширкат доштанд.</p>
<p>Ба гуфтаи роҳбарияти шаҳр, пули нав ҳаракати нақлиётро дар маркази Кӯлоб сабук мегардонад ва
роҳи деҳаҳои атрофро ба бозорҳои шаҳр кӯтоҳ мекунад.</p>
<p>Дар маросими ифтитоҳ сокинони шаҳр, намояндагони мақомоти иҷроияи ҳокимияти давлатӣ ва
сохтмончиён иштирок карданд.</p>
</div></article></body></html>
"""


def test_feed_changed_behind_a_static_etag_is_read_again(copy_server, tmp_path) -> None:
    cli = _cli(tmp_path, copy_server)
    site = copy_server.sites["khovar.tj"]
    assert site.routes["/feed/"]["validators"] == "static"
    first, _ = _crawl(cli, copy_server, "khovar-tj")
    assert first["new"] == 2 and first["failed"] == 0
    second, served = _crawl(cli, copy_server, "khovar-tj")
    assert (second["unchanged"], second["not_modified"], second["new"]) == (1, 0, 0)
    assert [(s.path, s.status) for s in served] == [("/feed/", 200)]

    feed = site.root / "feed.xml"  # the copy's: the committed fixtures stay as they are
    feed.write_text(
        feed.read_text(encoding="utf-8").replace("<item>", NEW_ITEM.strip() + "\n\t<item>", 1),
        encoding="utf-8",
    )
    (site.root / "tj" / "new.html").write_text(NEW_PAGE, encoding="utf-8")
    site.routes[NEW_PATH] = {"file": "tj/new.html"}

    third, served = _crawl(cli, copy_server, "khovar-tj")
    assert (third["unchanged"], third["not_modified"], third["new"]) == (0, 0, 1), third
    assert third["skipped_known"] == 2 and third["failed"] == 0
    assert sorted((s.path, s.status) for s in served) == sorted([("/feed/", 200), (NEW_PATH, 200)])
    stored = _stored(cli, "https://khovar.tj/feed/")
    assert stored is not None and stored.etag == STATIC_ETAG
    [article] = cli.json_lines("articles", "show", NEW_URL)
    assert article["title"] == NEW_TITLE and article["language"] == "tg"

    fourth, served = _crawl(cli, copy_server, "khovar-tj")
    assert (fourth["unchanged"], fourth["new"]) == (1, 0)
    assert [(s.path, s.status) for s in served] == [("/feed/", 200)]


def test_failed_parse_stores_no_validators(copy_server, tmp_path) -> None:
    cli = _cli(tmp_path, copy_server)
    site = copy_server.sites["tengrinews.kz"]
    assert site.routes["/news.rss"]["validators"] == "etag"
    feed = site.root / "news.rss"
    good = feed.read_bytes()
    feed.write_bytes(b"<html><body><h1>Maintenance</h1></body></html>")
    try:
        for _ in range(2):  # the broken feed is read in full every time, never skipped
            summary, served = _crawl(cli, copy_server, "tengrinews")
            assert summary["status"] == "failed"
            assert summary["failures"][0]["reason"].startswith("feed: not a feed")
            assert (summary["not_modified"], summary["unchanged"]) == (0, 0)
            assert [(s.path, s.status) for s in served] == [("/news.rss", 200)]
            assert _stored(cli, "https://tengrinews.kz/news.rss") is None
    finally:
        feed.write_bytes(good)
    repaired, _ = _crawl(cli, copy_server, "tengrinews")
    assert repaired["status"] == "ok" and repaired["new"] == 4
    stored = _stored(cli, "https://tengrinews.kz/news.rss")
    assert stored is not None and stored.etag is not None and stored.body_sha256 is not None
    again, served = _crawl(cli, copy_server, "tengrinews")
    assert again["not_modified"] == 1
    assert [(s.path, s.status) for s in served] == [("/news.rss", 304)]


def test_failed_article_makes_the_next_poll_read_its_feed(copy_server, tmp_path) -> None:
    cli = _cli(tmp_path, copy_server)
    routes = copy_server.sites["ru24.pro"].routes
    path = "/world/389123401/"
    good = routes[path]
    routes[path] = {"status": 500}
    try:
        for attempt in range(2):
            summary, served = _crawl(cli, copy_server, "ru24")
            assert summary["status"] == "partial" and summary["failed"] == 1
            assert summary["new"] == (2 if attempt == 0 else 0)
            assert (summary["not_modified"], summary["unchanged"]) == (0, 0)
            assert ("/atom/", 200) in [(s.path, s.status) for s in served]
            assert (path, 500) in [(s.path, s.status) for s in served]  # retried
            assert _stored(cli, "https://ru24.pro/atom/") is None
    finally:
        routes[path] = good
    recovered, _ = _crawl(cli, copy_server, "ru24")
    assert (recovered["new"], recovered["failed"], recovered["skipped_known"]) == (1, 0, 2)
    settled, served = _crawl(cli, copy_server, "ru24")
    assert (settled["unchanged"], settled["new"]) == (1, 0)
    assert [(s.path, s.status) for s in served] == [("/atom/", 200)]


def test_bytes_of_a_download_cut_off_are_counted(copy_server, tmp_path) -> None:
    """Bytes are counted as they arrive: a body cut off by the timeout still cost its bytes."""
    cli = make_cli(
        tmp_path,
        f"sqlite:///{tmp_path / 'nw.db'}",
        copy_server,
        crawl={"download_delay": 0, "timeout": 2, "retry_times": 0},
    )
    site = copy_server.sites["www.akorda.kz"]
    good = site.routes["/ru/events"]
    site.routes["/ru/events"] = {**good, "drip": 0.4}  # 512 bytes every 0.4 s
    try:
        copy_server.log.clear()
        [summary] = cli.json_lines("crawl", "--source", "akorda", check=False)
        robots = sum(s.body_bytes for s in copy_server.log.responses() if s.path == "/robots.txt")
    finally:
        site.routes["/ru/events"] = good
    assert summary["status"] == "failed"
    assert summary["failures"][0]["reason"].startswith("timeout")
    size = (site.root / good["file"]).stat().st_size
    assert 512 <= summary["bytes_downloaded"] - robots < size / 2
