"""Distributed crawling on the machine's real Redis and PostgreSQL: `newswatch run
--distributed` queues the polls, `newswatch worker` processes crawl them into one database."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
import yaml
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from newswatch.crawler.urls import normalize_url
from newswatch.fixtures.publish import copy_sites
from newswatch.fixtures.server import FixtureServer
from newswatch.storage.db import make_engine
from newswatch.storage.workqueue import WorkQueue
from tests.conftest import NEWSWATCH, REDIS_URL, REPO, make_cli
from tests.daemon_harness import Daemon, wait_until
from tests.expectations import load_expected


@dataclass
class World:
    config: Path
    tmp_path: Path
    queue: WorkQueue
    procs: list[Daemon]
    database: str

    def article_count(self) -> int:
        engine = make_engine(self.database)
        try:
            with engine.connect() as connection:
                return connection.execute(text("SELECT count(*) FROM articles")).scalar_one()
        except DBAPIError:  # the schema is not there until the first process made it
            return 0
        finally:
            engine.dispose()

    def start(self, name: str, *command: str) -> Daemon:
        """`newswatch COMMAND`, logging to NAME.log."""
        env = {k: v for k, v in os.environ.items() if k != "NEWSWATCH_CONFIG"}
        proc = Daemon(self.config, env, self.tmp_path / f"{name}.log", command).start()
        self.procs.append(proc)
        return proc


# Feeds, a sitemap and a listing; few, to keep the test short.
SOURCES = ("khovar-en", "kazpravda", "baq-kz", "tengrinews")


def _sources(interval: str) -> list[dict[str, Any]]:
    entries = yaml.safe_load((REPO / "config" / "sources.yaml").read_text("utf-8"))["sources"]
    return [
        {**e, "schedule": {"interval": interval, "jitter": 0}}
        for e in entries
        if e["id"] in SOURCES
    ]


@pytest.fixture
def world(tmp_path, fixture_server, postgres_url, redis_prefix) -> Iterator[Any]:
    def make(
        interval: str, entries: list | None = None, server: Any = None, **distributed: Any
    ) -> World:
        sources = tmp_path / "sources.yaml"
        entries = entries if entries is not None else _sources(interval)
        sources.write_text(yaml.safe_dump({"sources": entries}, allow_unicode=True))
        options = {"redis_url": REDIS_URL, "prefix": redis_prefix, **distributed}
        cli = make_cli(
            tmp_path,
            postgres_url,
            server or fixture_server,
            sources_file=str(sources),
            crawl={"download_delay": 0.05, "timeout": 30, "retry_times": 0},
            daemon={"standby_poll_seconds": 0.5, "grace_seconds": 10},
            distributed=options,
        )
        queue = WorkQueue(redis.Redis.from_url(REDIS_URL, decode_responses=True), redis_prefix, 1)
        made.append(World(cli.config, tmp_path, queue, [], postgres_url))
        return made[-1]

    made: list[World] = []
    yield make
    for each in made:
        for proc in each.procs:
            proc.ensure_stopped()


def _took(proc: Daemon) -> set[str]:
    return {record["job"] for record in proc.events("took")}


def test_two_workers_store_every_article_once_and_a_killed_workers_requests_are_redone(
    world,
) -> None:
    w = world("15m", lease_seconds=4, batch=3)
    first = w.start("worker-a", "worker")
    first.wait_for("the first worker to start", "worker_ready")
    scheduler = w.start("scheduler", "run", "--distributed")
    # The first worker alone: whatever is in flight now is its own, and unacknowledged.
    wait_until("a request in flight", lambda: first.alive("work") and w.queue.in_flight())
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(10)
    lost = {job["id"] for job in w.queue.in_flight()}
    assert lost, "the worker finished its request before it was killed"

    workers = [w.start("worker-b", "worker"), w.start("worker-c", "worker")]
    expected = [e for e in load_expected() if e.source in SOURCES]
    cli_config = ["--config", str(w.config)]

    def stored() -> list[dict]:
        out = subprocess.run(
            [str(NEWSWATCH), *cli_config, "articles", "list", "--limit", "1000", "--json"],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    def finished() -> bool:
        for proc in (scheduler, *workers):
            proc.alive("every article stored")
        idle = not w.queue.waiting() and not w.queue.in_flight()
        return idle and w.article_count() >= len(expected)

    wait_until("every article stored and the queue drained", finished, timeout=240)

    articles = stored()
    urls = [url for article in articles for url in article["urls"]]
    assert sorted(set(urls)) == sorted(urls), "an article was stored twice"
    assert set(urls) == {normalize_url(e.url) for e in expected}
    assert len(articles) == len(expected)
    took = [_took(proc) for proc in workers]
    assert all(took), "both workers did part of the work"
    assert lost <= took[0] | took[1], "the killed worker's requests were taken up again"
    for proc in (*workers, scheduler):  # all at once: each finishes what it holds
        proc.process.send_signal(signal.SIGTERM)
    for proc in (*workers, scheduler):  # one SIGTERM each: a second would cut the shutdown short
        proc.process.wait(120)
        assert proc.process.returncode == 0, proc.log_path.read_text()[-2000:]


def test_a_second_scheduler_queues_nothing_until_the_first_is_gone(world) -> None:
    w = world("2s", source_pending_seconds=1)
    leader = w.start("scheduler-1", "run", "--distributed")
    leader.wait_for("the leader queues polls", "queued")
    standby = w.start("scheduler-2", "run", "--distributed", "--standby")
    wait_until(
        "the second scheduler stands by",
        lambda: standby.alive("standby") and standby.logged("standing by"),
    )
    queued_by_leader = len(leader.events("queued"))
    leader.wait_count("the leader queues again", "queued", queued_by_leader + 1)
    assert standby.events("queued") == []
    by_standby = f":{standby.process.pid}"
    assert not [j for j in w.queue.waiting() if j["by"].endswith(by_standby)]

    leader.process.send_signal(signal.SIGKILL)
    leader.process.wait(10)
    standby.wait_for("the second scheduler takes over and queues", "queued")
    assert [j for j in w.queue.waiting() if j["by"].endswith(by_standby)]
    standby.stop()
    assert standby.process.returncode == 0


RETRY_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Flaky</title><link>https://badnews.example/</link>
<item><title>Good</title><link>https://badnews.example/a/good-1</link></item>
<item><title>Broken</title><link>https://badnews.example/a/server-error</link></item>
</channel></rss>
"""


def _bad_source(source_id: str, feed: str) -> dict[str, Any]:
    return {
        "id": source_id,
        "name": source_id,
        "languages": ["ru"],
        "discovery": "feed",
        "start_urls": [f"https://badnews.example/{feed}"],
        "allowed_domains": ["badnews.example"],
        "schedule": {"interval": "1s", "jitter": 0},
    }


def test_failed_articles_are_tried_again_and_failing_sources_back_off(world, tmp_path) -> None:
    sites = copy_sites(tmp_path)
    site = sites / "badnews.example"
    (site / "retry.rss").write_text(RETRY_FEED, "utf-8")
    spec = yaml.safe_load((site / "site.yaml").read_text("utf-8"))
    spec["routes"]["/retry.rss"] = {"file": "retry.rss", "content_type": "application/rss+xml"}
    (site / "site.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), "utf-8")
    entries = [_bad_source("flaky", "retry.rss"), _bad_source("gone", "feed-gone.rss")]
    with FixtureServer(sites_dir=sites) as server:
        w = world("1s", entries, server, article_attempts=3, article_retry_seconds=0.2)
        worker = w.start("worker", "worker")
        scheduler = w.start("scheduler", "run", "--distributed")
        worker.wait_for("the broken article given up after its tries", "gave_up")
        # the good article was stored once; the broken one was tried three times in all
        tries = [r for r in worker.events("took") if "server-error" in r["message"]]
        assert len(tries) == 3
        assert [r["attempt"] for r in worker.events("retry_later")] == [2, 3]
        assert w.article_count() == 1
        # the feed that answers 404 is polled less and less often
        scheduler.wait_for("the failing source's polls backing off", "backing_off")
        [backoff, *_] = scheduler.events("backing_off")
        assert backoff["source"] == "gone" and backoff["failures_in_a_row"] >= 1
        assert not [r for r in scheduler.events("backing_off") if r["source"] == "flaky"]
        for proc in (worker, scheduler):
            proc.stop()
            assert proc.process.returncode == 0, proc.log_path.read_text()[-2000:]
