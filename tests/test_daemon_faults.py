"""`newswatch run` under faults, as a real subprocess: kill -9 during a crawl and during
sending, then a restart, loses and doubles nothing; sources that fail, stall or drip do not
delay the others, back off, are reported by email once and recover by themselves; a second
daemon on the same database never sends."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from itertools import pairwise

import pytest

from newswatch.fixtures.publish import relations_story
from newswatch.fixtures.server import Site
from tests.daemon_harness import (
    KHOVAR_EN,
    POLL_SECONDS,
    RECIPIENTS,
    bundled,
    daemon_world,
    wait_until,
)

BROKEN = "broken.example"
FIXED_FEED = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Bad news, repaired</title><link>https://{BROKEN}/</link>
<item><title>Good one</title><link>https://{BROKEN}/a/good-1</link></item>
</channel></rss>
"""


def _bad_site(world, host: str, routes: dict) -> dict:
    """A failing site of its own (its own domain: sources on one domain take turns), served
    from the badnews.example fixture files."""
    root = world.server.sites["badnews.example"].root
    world.server.sites[host] = Site(host, f"https://{host}", root, routes)
    return routes


def _bad_source(host: str, **extra) -> dict:
    source_id = host.split(".")[0]
    return {
        "id": source_id,
        "name": source_id,
        "languages": ["ru"],
        "discovery": "feed",
        "start_urls": [f"https://{host}/feed.rss"],
        "allowed_domains": [host],
        "schedule": {"interval": f"{POLL_SECONDS}s", "jitter": 0},
        **extra,
    }


@pytest.fixture
def world(tmp_path):
    yield from daemon_world(tmp_path, [KHOVAR_EN])


def _articles_with(world, url: str) -> int:
    lines = world.newswatch("articles", "list", "--json").stdout.splitlines()
    return sum(json.loads(line)["url"] == url for line in lines)


def _exactly_once_per_recipient(world, title: str) -> None:
    emails = world.emails_with(title)
    assert sorted(r for mail in emails for r in mail.recipients) == RECIPIENTS, title


def test_kill_9_during_a_crawl_then_restart(world) -> None:
    daemon = world.daemon().start()
    daemon.wait_for("first crawl", "crawled", source="khovar-en")
    story = relations_story(2)
    world.publish(story)
    # the new page trickles out (20 s for the whole body): the crawl is in flight
    world.server.sites["khovar.tj"].routes[story.path]["drip"] = 0.25
    wait_until("the article being fetched", lambda: story.path in world.server.log.paths())
    daemon.kill()
    assert _articles_with(world, story.url) == 0

    world.server.sites["khovar.tj"].routes[story.path].pop("drip")
    restarted = world.daemon().start()
    wait_until(
        "the emails after the restart",
        lambda: len(world.emails_with(story.title)) == len(RECIPIENTS),
        timeout=60,
    )
    polls = len(restarted.events("crawled", source="khovar-en"))
    wait_until(
        "another poll",
        lambda: len(restarted.events("crawled", source="khovar-en")) > polls,
        timeout=3 * POLL_SECONDS + 20,
    )
    assert restarted.terminate() == 0
    _exactly_once_per_recipient(world, story.title)
    assert _articles_with(world, story.url) == 1


def test_kill_9_during_sending_then_restart(world) -> None:
    daemon = world.daemon().start()
    daemon.wait_for("first crawl", "crawled", source="khovar-en")
    wait_until("seed emails sent", lambda: len(world.smtp.received) >= len(RECIPIENTS))

    world.smtp.handler.hold_data = threading.Event()  # the server takes the message, no reply
    story = relations_story(3)
    world.publish(story)
    wait_until("an email waiting for the server's reply", world.smtp.handler.holding.is_set)
    daemon.kill()
    world.smtp.handler.hold_data.set()
    assert world.emails_with(story.title) == []  # never accepted: the client went away

    restarted = world.daemon().start()
    wait_until(
        "the emails after the restart",
        lambda: len(world.emails_with(story.title)) == len(RECIPIENTS),
        timeout=60,
    )
    wait_until("the outbox empty", lambda: _pending(world) == 0)
    assert restarted.terminate() == 0
    _exactly_once_per_recipient(world, story.title)
    assert _articles_with(world, story.url) == 1


def _pending(world) -> int:
    return json.loads(world.newswatch("status", "--json").stdout.splitlines()[-1])["outbox_pending"]


def test_failing_stalled_and_dripping_sources_do_not_delay_the_others(world) -> None:
    _bad_site(world, "stalled.example", {"/feed.rss": {"delay": 120, "file": "empty.rss"}})
    _bad_site(world, "dripping.example", {"/feed.rss": {"drip": 5, "file": "malformed.rss"}})
    routes = _bad_site(world, BROKEN, {"/feed.rss": {"status": 500}})
    world.sources = [
        KHOVAR_EN,
        _bad_source("stalled.example", politeness={"timeout": 100}),
        _bad_source("dripping.example", politeness={"timeout": 100}),
        _bad_source(BROKEN),
    ]
    world.settings = {
        "daemon": {
            "grace_seconds": 10,
            "outbox_retry_seconds": 1,
            "backoff_max_seconds": 6,
            "health": {"recipients": ["ops@example.org"], "failures_in_a_row": 2},
        }
    }
    daemon = world.daemon().start()
    daemon.wait_for("first crawl", "crawled", source="khovar-en")
    wait_until(
        "both slow sources in flight",
        lambda: _requested(world, "stalled.example") and _requested(world, "dripping.example"),
    )

    story = relations_story(4)
    latency = world.publish_and_wait(story)
    assert latency < POLL_SECONDS + 5, f"{latency:.1f} s with stalled sources"

    # The broken source backs off, is reported once, and recovers by itself.
    failing = daemon.wait_for(
        "broken failing twice", "crawled", source="broken", failures_in_a_row=2
    )
    assert failing["status"] == "failed"
    wait_until("the health email", lambda: _health_emails(world))
    (world.tmp_path / "sites" / "badnews.example" / "fixed.rss").write_text(FIXED_FEED)
    routes["/a/good-1"] = {"file": "a/good-1.html"}
    routes["/feed.rss"] = {"file": "fixed.rss", "content_type": "application/rss+xml"}
    daemon.wait_for("broken recovered", "crawled", source="broken", status="ok", timeout=30)
    assert len(_health_emails(world)) == 1
    report = {
        r["source"]: r
        for r in map(json.loads, world.newswatch("status", "--json").stdout.splitlines())
        if "source" in r
    }
    assert report["broken"]["failures_in_a_row"] == 0 and report["broken"]["problems"] == []
    assert daemon.terminate() == 0  # the stalled crawls are stopped within the grace period
    _exactly_once_per_recipient(world, story.title)


def _requested(world, host: str) -> bool:
    return "/feed.rss" in world.server.log.paths(host)


def _health_emails(world) -> list:
    return [r for r in world.smtp.received if r.recipients == ["ops@example.org"]]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_second_daemon_refuses_and_a_standby_takes_over_without_double_sending(
    world, backend, request
) -> None:
    if backend == "postgresql":
        world.settings = {"database_url": request.getfixturevalue("postgres_url")}
    first = world.daemon().start()
    first.wait_for("first crawl", "crawled", source="khovar-en")

    refused = world.newswatch("run")
    assert refused.returncode == 3
    assert "another scheduler runs on this database" in refused.stderr
    assert f"pid={first.process.pid}" in refused.stderr

    standby = world.daemon("--standby").start()
    story = relations_story(5)
    world.publish_and_wait(story)  # sent by the first daemon
    assert standby.events("started") == []  # still standing by
    assert first.terminate() == 0
    standby.wait_for("the standby taking over", "started", timeout=30)

    later = relations_story(6)
    world.publish_and_wait(later)  # sent by the new leader
    assert standby.terminate() == 0
    _exactly_once_per_recipient(world, story.title)
    _exactly_once_per_recipient(world, later.title)


def _crawl_times(daemon, source_id: str) -> list[datetime]:
    return [
        datetime.strptime(e["time"], "%Y-%m-%dT%H:%M:%S%z")
        for e in daemon.events("crawled", source=source_id)
    ]


def test_a_mail_server_hanging_in_data_never_holds_up_a_crawl(world) -> None:
    sources = ("khovar-en", "kazpravda")
    world.sources = [KHOVAR_EN, bundled("kazpravda")]
    world.settings = {"smtp": {**world.smtp.settings(), "timeout": 120}}
    daemon = world.daemon().start()
    for source_id in sources:
        daemon.wait_for(f"first crawl of {source_id}", "crawled", source=source_id)
    wait_until("seed emails sent", lambda: len(world.smtp.received) >= len(RECIPIENTS))
    wait_until("the outbox empty", lambda: _pending(world) == 0)

    world.smtp.handler.hold_data = threading.Event()  # DATA answered only when released
    story = relations_story(9)
    world.publish(story)
    wait_until("the server holding an email in DATA", world.smtp.handler.holding.is_set)
    before = {s: len(_crawl_times(daemon, s)) for s in sources}
    hung = 10  # polls of each source while the server hangs: 30 s
    wait_until(
        f"{hung} polls of every source while the mail server hangs",
        lambda: all(len(_crawl_times(daemon, s)) >= before[s] + hung for s in sources),
        timeout=hung * POLL_SECONDS + 60,
    )
    assert world.emails_with(story.title) == []  # still hanging all along
    world.smtp.handler.hold_data.set()
    wait_until(
        "the emails once the server answers",
        lambda: len(world.emails_with(story.title)) == len(RECIPIENTS),
    )
    assert daemon.terminate() == 0
    for source_id in sources:
        times = _crawl_times(daemon, source_id)[before[source_id] - 1 :]
        gaps = [(b - a).total_seconds() for a, b in pairwise(times)]
        assert max(gaps) < POLL_SECONDS + 5, f"{source_id}: gaps {gaps}"
    _exactly_once_per_recipient(world, story.title)
