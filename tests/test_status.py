"""`newswatch status`: per source the last crawl (when, result, new items, errors, 304s,
unchanged pages, bytes) and the outbox size, read by the real command after real crawls of the
fixture sites."""

from __future__ import annotations

from datetime import datetime

from tests.conftest import REPO, make_cli

FIELDS = [
    "source",
    "last_run",
    "status",
    "new",
    "failed",
    "last_error",
    "not_modified",
    "unchanged",
    "bytes_downloaded",
    "next_run",
    "failures_in_a_row",
    "problems",
]


def test_status_follows_the_crawls(fixture_server, sqlite_url, tmp_path) -> None:
    cli = make_cli(tmp_path, sqlite_url, fixture_server)
    configured = [s["id"] for s in cli.json_lines("sources", "list")]

    *before, outbox = cli.json_lines("status")
    assert [s["source"] for s in before] == configured
    assert all(list(s) == FIELDS for s in before)
    assert all(s["last_run"] is None and s["status"] is None for s in before)
    assert outbox == {"outbox_pending": 0}

    for _ in range(2):
        started = datetime.now().astimezone()
        crawled = {s["source"]: s for s in cli.json_lines("crawl")}
        *sources, outbox = cli.json_lines("status")
        assert [s["source"] for s in sources] == configured
        for status in sources:
            crawl = crawled[status["source"]]
            assert datetime.fromisoformat(status["last_run"]) >= started
            for field in ("status", "new", "failed", "not_modified", "unchanged"):
                assert status[field] == crawl[field], (field, status)
            assert status["bytes_downloaded"] == crawl["bytes_downloaded"]
            assert status["last_error"] is None
            assert status["next_run"] is None  # no daemon has scheduled it
        # no SMTP server is configured: the alerts queued by the first crawl wait
        pending = cli.json_lines("alerts", "pending")
        assert outbox == {"outbox_pending": len(pending)}
    assert len(pending) > 0
    # the last run is the second, economical one
    assert sum(s["not_modified"] + s["unchanged"] for s in sources) >= len(sources)
    assert sum(s["new"] for s in sources) == 0

    table = cli.run("status").stdout
    assert table.splitlines()[0].split()[:3] == ["source", "last", "run"]
    assert f"outbox: {len(pending)} alert deliveries pending" in table
    assert all(source in table for source in configured)


def test_status_shows_failures_and_sources_never_run(fixture_server, tmp_path) -> None:
    cli = make_cli(
        tmp_path,
        f"sqlite:///{tmp_path / 'bad.db'}",
        fixture_server,
        sources_file=str(REPO / "tests" / "data" / "bad_sources.yaml"),
    )
    cli.run("crawl", "--source", "bad-gone", check=False)
    *sources, outbox = cli.json_lines("status")
    by_id = {s["source"]: s for s in sources}
    gone = by_id.pop("bad-gone")
    assert gone["status"] == "failed" and gone["failed"] == 1
    assert gone["last_error"] == "https://badnews.example/feed-gone.rss: HTTP 404"
    assert all(s["last_run"] is None and s["new"] is None for s in by_id.values())
    assert outbox == {"outbox_pending": 0}
    table = cli.run("status").stdout
    assert "never run" in table and "HTTP 404" in table
