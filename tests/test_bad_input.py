"""Bad sources and bad pages: each failure is logged with source, URL and reason, counted in the
crawl run, stores nothing, and never stops the other sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO, Cli, make_cli

BAD_SOURCES = REPO / "tests" / "data" / "bad_sources.yaml"
BAD = "https://badnews.example"


@pytest.fixture(scope="module")
def bad_crawl(fixture_server, tmp_path_factory) -> tuple[Cli, dict[str, dict], str]:
    tmp_path: Path = tmp_path_factory.mktemp("bad")
    cli = make_cli(
        tmp_path,
        f"sqlite:///{tmp_path / 'bad.db'}",
        fixture_server,
        sources_file=str(BAD_SOURCES),
        # /a/slow never answers; no healthy response, even on a loaded machine, takes 15 s
        crawl={"download_delay": 0, "timeout": 15, "max_body_bytes": 1_000_000, "retry_times": 0},
    )
    result = cli.run("crawl", "--json", check=False)
    assert result.returncode == 1, "some sources failed entirely: exit status 1"
    import json

    summaries = {s["source"]: s for s in map(json.loads, result.stdout.splitlines())}
    return cli, summaries, result.stderr


def _reasons(summary: dict) -> dict[str, str]:
    return {f["url"]: f["reason"] for f in summary["failures"]}


def test_every_bad_article_is_counted_with_its_reason(bad_crawl) -> None:
    _, summaries, _ = bad_crawl
    reasons = _reasons(summaries["bad-malformed"])
    assert reasons[f"{BAD}/a/server-error"] == "HTTP 500"
    assert reasons[f"{BAD}/a/missing"] == "HTTP 404"
    assert reasons[f"{BAD}/a/slow"].startswith("timeout")
    assert reasons[f"{BAD}/a/redirect-away"].startswith("redirected to https://evil.example/phish")
    assert reasons[f"{BAD}/a/document.pdf"] == "not an HTML page (Content-Type application/pdf)"
    assert reasons[f"{BAD}/a/binary-as-html"] == "binary body, not an HTML page"
    assert reasons[f"{BAD}/a/huge"] == "body over the size cap (3000000 > 1000000 bytes)"
    assert reasons[f"{BAD}/malformed.rss"].startswith("feed: malformed feed")
    assert summaries["bad-malformed"]["failed"] == len(reasons) == 8
    assert summaries["bad-malformed"]["status"] == "partial"


def test_broken_feeds_fail_their_source_only(bad_crawl) -> None:
    _, summaries, _ = bad_crawl
    assert _reasons(summaries["bad-empty"]) == {f"{BAD}/empty.rss": "feed: empty body"}
    assert _reasons(summaries["bad-gone"]) == {f"{BAD}/feed-gone.rss": "HTTP 404"}
    assert next(iter(_reasons(summaries["bad-not-feed"]).values())).startswith("feed: not a feed")
    for source in ("bad-empty", "bad-gone", "bad-not-feed"):
        assert summaries[source]["status"] == "failed"
    good = summaries["khovar-en"]
    assert (good["status"], good["failed"], good["new"]) == ("ok", 0, 4)


def test_failures_are_logged_with_source_url_and_reason(bad_crawl) -> None:
    _, _, stderr = bad_crawl
    assert f"source=bad-malformed url={BAD}/a/server-error failed: HTTP 500" in stderr
    assert f"source=bad-gone url={BAD}/feed-gone.rss failed: HTTP 404" in stderr


def test_readable_pages_are_stored_and_garbage_is_not(bad_crawl) -> None:
    cli, _, _ = bad_crawl
    stored = {
        a["canonical_url"]: a
        for a in cli.json_lines("articles", "list", "--source", "bad-malformed")
    }
    assert sorted(stored) == sorted(
        f"{BAD}/a/{slug}"
        for slug in ("good-1", "good-2", "cp1251-as-utf8", "utf8-as-cp1251", "moved-here")
    )
    # windows-1251 bytes declared as UTF-8, and UTF-8 declared as windows-1251, both read right
    assert stored[f"{BAD}/a/cp1251-as-utf8"]["title"] == "Погода на выходные: снег и гололёд"
    assert "противогололёдной смесью" in stored[f"{BAD}/a/cp1251-as-utf8"]["text"]
    assert stored[f"{BAD}/a/utf8-as-cp1251"]["title"] == "Выставка ковров открылась в музее"


def test_crawl_run_is_recorded_with_counts(bad_crawl) -> None:
    cli, summaries, _ = bad_crawl
    import sqlite3

    database = cli.config.parent / "bad.db"
    with sqlite3.connect(database) as conn:
        rows = dict(conn.execute("select source_id, failed from crawl_run_sources").fetchall())
        reasons = conn.execute("select count(*) from crawl_failures").fetchone()[0]
    assert rows == {source: s["failed"] for source, s in summaries.items()}
    assert reasons == sum(s["failed"] for s in summaries.values())


def test_second_crawl_retries_failures_but_not_known_pages(bad_crawl, fixture_server) -> None:
    cli, _, _ = bad_crawl
    fixture_server.log.clear()
    second = {s["source"]: s for s in cli.json_lines("crawl", check=False)}
    fetched = set(fixture_server.log.paths("badnews.example"))
    assert second["bad-malformed"]["new"] == 0
    # the redirecting feed link is known under its old URL too
    assert "/a/moved" not in fetched and "/a/good-1" not in fetched
    assert {"/a/server-error", "/a/slow", "/a/missing"} <= fetched  # failures are retried
    [moved] = [a for a in cli.json_lines("articles", "list") if f"{BAD}/a/moved" in a["urls"]]
    assert moved["canonical_url"] == f"{BAD}/a/moved-here"
