"""`newswatch run` end to end, as a subprocess: a new article on a fixture feed becomes exactly
one email per recipient within one poll interval; unchanged feeds get 304s; SIGTERM exits 0;
`status` shows the schedule; SIGHUP reloads and a broken file keeps the running setup."""

from __future__ import annotations

import json
import signal
import sqlite3
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from newswatch.fixtures.publish import relations_story
from tests.daemon_harness import (
    KHOVAR_EN,
    POLL_SECONDS,
    RECIPIENTS,
    bundled,
    daemon_world,
    wait_until,
)
from tests.smtp_server import PASSWORD

KAZPRAVDA = bundled("kazpravda")


@pytest.fixture
def world(tmp_path):
    yield from daemon_world(tmp_path, [KHOVAR_EN, KAZPRAVDA])


def _first_cycle_done(world, daemon) -> None:
    """Both sources crawled once and the seed stories' emails sent."""
    for source_id in ("khovar-en", "kazpravda"):
        daemon.wait_for(f"first crawl of {source_id}", "crawled", source=source_id)
    # "crawled" is logged before matching: wait for the seed stories' emails themselves
    wait_until("the seed emails", lambda: len(daemon.events("email_sent")) >= len(RECIPIENTS))
    wait_until("the outbox is empty", lambda: _pending(world) == 0)


def _pending(world) -> int:
    result = world.newswatch("status", "--json")
    return json.loads(result.stdout.splitlines()[-1])["outbox_pending"]


def test_new_article_emailed_once_within_a_poll_interval_then_sigterm_exits_0(world) -> None:
    daemon = world.daemon().start()
    _first_cycle_done(world, daemon)
    before = len(world.smtp.received)
    assert before >= len(RECIPIENTS)  # the seed stories of the first crawl

    story = relations_story(1)
    latency = world.publish_and_wait(story)
    assert latency < POLL_SECONDS + 5, f"{latency:.1f} s from publication to email"

    # Two more polls of the feed: nothing new, so nothing sent again; the feed answers 304.
    polls = len(daemon.events("crawled", source="khovar-en"))
    wait_until(
        "two more polls",
        lambda: len(daemon.events("crawled", source="khovar-en")) >= polls + 2,
        timeout=4 * POLL_SECONDS + 20,
    )
    emails = world.emails_with(story.title)
    assert sorted(r for mail in emails for r in mail.recipients) == RECIPIENTS
    assert all(_plain_count(mail, story.title) == 1 for mail in emails)
    assert daemon.events("crawled", source="khovar-en")[-1]["not_modified"] >= 1
    assert daemon.events("crawled", source="khovar-en")[-1]["new"] == 0

    assert daemon.terminate() == 0
    assert daemon.events("stopping")
    articles = world.newswatch("articles", "list", "--json").stdout.splitlines()
    assert sum(json.loads(line)["url"] == story.url for line in articles) == 1


def _plain_count(mail, text: str) -> int:
    return mail.message.get_body(preferencelist=("plain",)).get_content().count(text)


def test_status_shows_the_daemons_schedule(world) -> None:
    daemon = world.daemon().start()
    daemon.wait_for("first crawl", "crawled", source="khovar-en")
    wait_until(
        "next run in status",
        lambda: _status(world).get("khovar-en", {}).get("next_run"),
    )
    report = _status(world)["khovar-en"]
    assert report["status"] == "ok" and report["failures_in_a_row"] == 0
    assert daemon.terminate() == 0
    table = world.newswatch("status").stdout
    assert "khovar-en" in table and "next run" in table


def _status(world) -> dict[str, dict]:
    lines = world.newswatch("status", "--json").stdout.splitlines()
    return {r["source"]: r for r in map(json.loads, lines) if "source" in r}


def test_sighup_reloads_sources_and_a_broken_file_keeps_the_running_ones(world) -> None:
    world.sources = [KHOVAR_EN]
    daemon = world.daemon().start()
    daemon.wait_for("first crawl", "crawled", source="khovar-en")

    world.sources = [KHOVAR_EN, KAZPRAVDA]  # a source added while it runs
    world.write_config()
    daemon.process.send_signal(signal.SIGHUP)
    daemon.wait_for("the added source crawled", "crawled", source="kazpravda")

    sources_file = world.tmp_path / "sources.yaml"
    sources_file.write_text(yaml.safe_dump({"sources": [{"id": "Not An Id"}]}))
    daemon.process.send_signal(signal.SIGHUP)
    wait_until("the reload error", lambda: "reload failed" in daemon.log_text())
    crawls = len(daemon.events("crawled", source="kazpravda"))
    daemon.wait_for("kazpravda still polled", "crawled", source="kazpravda", timeout=30)
    wait_until(
        "another kazpravda poll",
        lambda: len(daemon.events("crawled", source="kazpravda")) > crawls,
        timeout=4 * POLL_SECONDS + 20,
    )
    assert daemon.terminate() == 0


def test_prometheus_metrics_and_json_logs(world) -> None:
    world.settings = {"daemon": {"metrics_port": 0, "outbox_retry_seconds": 1}}
    daemon = world.daemon().start()
    port = daemon.wait_for("the metrics endpoint", "metrics")["port"]
    daemon.wait_for("first crawl", "crawled", source="khovar-en")

    def samples() -> dict[tuple, float]:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
            text = response.read().decode()
        return {
            (s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text)
            for s in family.samples
        }

    sent = ("newswatch_alert_emails_total", (("result", "sent"),))
    found = wait_until("emails counted", lambda: (m := samples()).get(sent) and m)
    assert found[sent] >= len(RECIPIENTS)
    ok = ("newswatch_crawls_total", (("source", "khovar-en"), ("status", "ok")))
    assert found[ok] >= 1
    assert found[("newswatch_outbox_pending", ())] == 0
    assert daemon.terminate() == 0
    records = [json.loads(line) for line in daemon.log_text().splitlines() if line.strip()]
    assert all({"time", "level", "logger", "message"} <= r.keys() for r in records)
    assert PASSWORD not in daemon.log_text()


def test_a_restart_resumes_the_stored_schedule(world) -> None:
    hourly = {**KHOVAR_EN, "schedule": {"interval": "1h", "jitter": 0}}
    world.sources = [hourly]
    daemon = world.daemon().start()
    daemon.wait_for("first crawl", "crawled", source="khovar-en")
    wait_until("next run stored", lambda: _status(world)["khovar-en"]["next_run"])
    assert daemon.terminate() == 0
    planned = _status(world)["khovar-en"]["next_run"]

    restarted = world.daemon().start()
    restarted.wait_for("the restarted daemon", "started")
    assert restarted.terminate() == 0
    assert restarted.events("crawled") == []  # not crawled again before its time
    assert _status(world)["khovar-en"]["next_run"] == planned


DIGEST_RULES = """
rules:
  - name: morning
    topic: tajik-kazakh
    recipients: [chief@example.org]
    delivery: {mode: digest, cron: "0 8 * * *", timezone: Asia/Dushanbe}
"""


def test_a_digest_missed_while_down_is_sent_on_start_and_only_once(world, tmp_path) -> None:
    rules = tmp_path / "digest-rules.yaml"
    rules.write_text(DIGEST_RULES)
    world.settings = {"rules_file": str(rules)}
    world.sources = [KHOVAR_EN]
    first = world.daemon().start()
    first.wait_for("first crawl", "crawled", source="khovar-en")
    wait_until("the seed story queued", lambda: _pending(world) >= 1)
    assert first.terminate() == 0
    assert world.smtp.received == []  # digests wait for their hour

    # The daemon last sent this digest two days ago: the 08:00 run since then was missed.
    with sqlite3.connect(world.database.removeprefix("sqlite:///")) as db:
        db.execute(
            "UPDATE job_state SET last_started_at = ? WHERE job_id = 'digest:morning'",
            ((datetime.now(UTC) - timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S.%f"),),
        )
    second = world.daemon().start()
    wait_until("the digest", lambda: world.smtp.received)
    wait_until("the outbox empty", lambda: _pending(world) == 0)
    assert second.terminate() == 0
    [digest] = world.smtp.received
    assert digest.recipients == ["chief@example.org"]
    assert digest.message["Subject"].startswith("[newswatch] morning: ")

    third = world.daemon().start()
    third.wait_for("third start", "started")
    third.wait_for("a crawl", "crawled", source="khovar-en")
    assert third.terminate() == 0
    assert len(world.smtp.received) == 1  # sent once, not again after the restart
