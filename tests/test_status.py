"""`newswatch status`: per source the last crawl (when, result, new items, errors, 304s,
unchanged pages, bytes) and the outbox size, read by the real command after real crawls of the
fixture sites."""

from __future__ import annotations

import json
import socket
import subprocess
from datetime import datetime

import yaml

from tests.conftest import NEWSWATCH, REPO, make_cli
from tests.daemon_harness import KHOVAR_EN, wait_until

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
    "crawling_since",
]
IDLE = {
    "outbox_pending": 0,
    "emails_unsent": 0,
    "emails_failed": 0,
    "daemon": None,
    "crawls_in_progress": [],
}


def test_status_follows_the_crawls(fixture_server, sqlite_url, tmp_path) -> None:
    cli = make_cli(tmp_path, sqlite_url, fixture_server)
    configured = [s["id"] for s in cli.json_lines("sources", "list")]

    *before, outbox = cli.json_lines("status")
    assert [s["source"] for s in before] == configured
    assert all(list(s) == FIELDS for s in before)
    assert all(s["last_run"] is None and s["status"] is None for s in before)
    assert outbox == IDLE

    for crawl_number in (1, 2):
        started = datetime.now().astimezone()
        run = cli.run("crawl", "--alert-backlog", "--json", check=False)
        # the first crawl queues alerts and no SMTP server is configured: stored, exit 2;
        # the second finds nothing new to alert on
        assert run.returncode == (2 if crawl_number == 1 else 0), run.stderr
        crawled = {s["source"]: s for s in map(json.loads, run.stdout.splitlines())}
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
        assert outbox == {**IDLE, "outbox_pending": len(pending)}
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
    assert outbox == IDLE
    table = cli.run("status").stdout
    assert "never run" in table and "HTTP 404" in table


def test_status_during_a_first_crawl(fixture_server, tmp_path) -> None:
    cli = make_cli(
        tmp_path,
        f"sqlite:///{tmp_path / 'first.db'}",
        fixture_server,
        sources_file=str(REPO / "tests" / "data" / "bad_sources.yaml"),
        crawl={"download_delay": 0, "timeout": 200, "retry_times": 0},  # /a/slow hangs
    )
    asked = fixture_server.log.paths("badnews.example").count("/a/slow")
    crawl = subprocess.Popen(
        [str(NEWSWATCH), "--config", str(cli.config), "crawl", "--source", "bad-malformed"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(
            "the crawl to wait on the page that never answers",
            lambda: fixture_server.log.paths("badnews.example").count("/a/slow") > asked,
            timeout=120,
        )
        *sources, tail = cli.json_lines("status")
        by_id = {s["source"]: s for s in sources}
        assert by_id["bad-malformed"]["status"] is None  # no crawl has finished yet
        assert by_id["bad-malformed"]["crawling_since"] is not None
        assert [c["trigger"] for c in tail["crawls_in_progress"]] == ["cli"]
        assert tail["daemon"] is None
        row = next(
            line for line in cli.run("status").stdout.splitlines() if "bad-malformed" in line
        )
        assert "first crawl" in row and "never run" not in row
    finally:
        crawl.terminate()
        crawl.wait(60)


def test_status_names_the_running_daemon(fixture_server, tmp_path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(yaml.safe_dump({"sources": [KHOVAR_EN]}, allow_unicode=True))
    cli = make_cli(
        tmp_path, f"sqlite:///{tmp_path / 'd.db'}", fixture_server, sources_file=str(sources)
    )
    assert cli.json_lines("status")[-1]["daemon"] is None
    daemon = subprocess.Popen(
        [str(NEWSWATCH), "--config", str(cli.config), "run"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        holder = wait_until(
            "status to name the daemon",
            lambda: cli.json_lines("status")[-1]["daemon"],
            timeout=120,
        )
        assert f"pid={daemon.pid} host={socket.gethostname()} since=" in holder
        assert f"daemon: newswatch run pid={daemon.pid}" in cli.run("status").stdout
    finally:
        daemon.terminate()
        assert daemon.wait(120) == 0
    assert cli.json_lines("status")[-1]["daemon"] is None
