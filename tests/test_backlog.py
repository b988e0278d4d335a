"""Baseline on first sight: what the feeds already carry when a source is first crawled is
stored but emails nobody; what appears afterwards alerts, unless it is older than max_age."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import pytest

from newswatch.fixtures.publish import copy_sites, publish, relations_story
from newswatch.fixtures.server import FixtureServer
from tests.conftest import REPO, make_cli
from tests.daemon_harness import KHOVAR_EN, RECIPIENTS, daemon_world
from tests.smtp_server import PASSWORD, SmtpServer

RULES = REPO / "tests" / "data" / "rules.yaml"


@pytest.fixture
def private_sites(tmp_path):
    with FixtureServer(sites_dir=copy_sites(tmp_path)) as server:
        yield server


def _subjects(smtp: SmtpServer) -> list[str]:
    return [str(mail.message["Subject"]) for mail in smtp.received]


def test_first_crawl_is_stored_not_alerted_then_new_articles_alert(private_sites, tmp_path):
    smtp = SmtpServer().start()
    try:
        cli = make_cli(
            tmp_path,
            str(tmp_path / "news.db"),
            private_sites,
            env={"NEWSWATCH_SMTP__PASSWORD": PASSWORD},
            rules_file=str(RULES),
            smtp=smtp.settings(),
        )
        first = cli.run("crawl", "--source", "khovar-en")
        stored = cli.json_lines("articles", "list")
        assert stored, "the backlog is stored"
        assert f"{len(stored)} articles stored without alerts" in first.stdout
        assert "0 deliveries queued, 0 emails sent" in first.stdout
        assert smtp.received == []
        assert cli.json_lines("alerts", "pending") == []

        fresh = relations_story(0)
        old = relations_story(1, published=datetime.now(UTC) - timedelta(days=30))
        publish(private_sites, fresh)
        publish(private_sites, old)
        cli.run("crawl", "--source", "khovar-en")
        titles = {a["title"] for a in cli.json_lines("articles", "list")}
        assert {fresh.title, old.title} <= titles  # both stored
        assert sorted(r for mail in smtp.received for r in mail.recipients) == RECIPIENTS
        assert all(fresh.title in subject for subject in _subjects(smtp))  # the old one: not
    finally:
        smtp.stop()


def test_alert_backlog_setting_is_validated(tmp_path):
    from tests.conftest import NoServer

    cli = make_cli(tmp_path, str(tmp_path / "n.db"), NoServer(), alerts={"max_age": "2 weeks"})
    result = cli.run("status", check=False)
    assert result.returncode == 2
    assert "alerts.max_age" in result.stderr and "like 30s, 15m, 2h or 1d" in result.stderr


def test_the_daemon_baselines_its_first_crawl(tmp_path):
    with contextlib.contextmanager(daemon_world)(tmp_path, [KHOVAR_EN]) as world:
        world.settings = {"alerts": {"alert_backlog": False}}  # the default of a real start
        daemon = world.daemon().start()
        daemon.wait_for("first crawl", "crawled", source="khovar-en")
        story = relations_story(2)
        world.publish_and_wait(story)  # waits for one email per recipient about it
        assert len(world.smtp.received) == len(RECIPIENTS)  # nothing about the backlog
        assert daemon.terminate() == 0


def test_a_story_stated_to_the_minute_of_its_source_being_added_is_news():
    """Feeds and datelines give minutes or seconds: 14:20 for a story published at 14:20:40,
    while the source was added at 14:20:30, is not the source's backlog."""
    from newswatch.storage.backlog import _reason
    from newswatch.storage.models import Article

    added = datetime(2026, 3, 2, 14, 20, 30, tzinfo=UTC)
    first_crawl_end = {"khovar-en": added + timedelta(seconds=5)}
    fetched = added + timedelta(minutes=1)

    def reason(published: datetime) -> str | None:
        article = Article(source_id="khovar-en", published=published, fetched_at=fetched)
        return _reason(article, added, first_crawl_end, None)

    assert reason(datetime(2026, 3, 2, 14, 20, tzinfo=UTC)) is None
    assert reason(added - timedelta(days=1)) == "published before its source was added"
