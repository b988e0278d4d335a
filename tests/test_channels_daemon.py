"""`newswatch run` posting to an Apprise json:// webhook on loopback: through a receiver outage
(answers 500, the daemon retries with backoff) and a restart, each alert reaches the receiver
with exactly one successful post; a story published after the restart is posted once too."""

from __future__ import annotations

import pytest

from newswatch.fixtures.publish import relations_story
from newswatch.storage import outbox
from newswatch.storage.db import open_database
from tests.daemon_harness import KHOVAR_EN, POLL_SECONDS, daemon_world, wait_until
from tests.webhook_receiver import Receiver

SECRET = "daemon-hook-s3cret-51c0"
RULES = """\
rules:
  - name: tajik-kazakh
    topic: tajik-kazakh
    channels: ["json://127.0.0.1:{port}/alerts?+X-Token=${{HOOK_TOKEN}}"]
"""


@pytest.fixture
def receiver():
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def world(tmp_path, monkeypatch, receiver):
    monkeypatch.setenv("HOOK_TOKEN", SECRET)  # the daemons' environment
    rules = tmp_path / "channel-rules.yaml"
    rules.write_text(RULES.format(port=receiver.port), encoding="utf-8")
    for world in daemon_world(tmp_path, [KHOVAR_EN]):
        world.settings = {
            "rules_file": str(rules),
            "alerts": {"alert_backlog": True, "retry_first_seconds": 1},
        }
        yield world


def _delivered(receiver: Receiver) -> bool:
    """Every alert the receiver has seen got a 2xx answer."""
    keys = receiver.by_key()
    return bool(keys) and all(any(p.status == 200 for p in posts) for posts in keys.values())


def test_each_alert_posted_once_across_an_outage_and_a_restart(world, receiver) -> None:
    receiver.status = 500
    daemon = world.daemon().start()
    daemon.wait_for("first crawl", "crawled", source="khovar-en")
    wait_until(
        "a post retried after its backoff",
        lambda: any(len(posts) > 1 for posts in receiver.by_key().values()),
    )
    assert daemon.terminate() == 0
    failed = len(receiver.posts)

    receiver.status = 200
    restarted = world.daemon().start()
    wait_until("every alert posted after the restart", lambda: _delivered(receiver))
    story = relations_story(7)
    world.publish(story)
    wait_until(
        "the new story's post",
        lambda: any(story.title in p.body["title"] for p in receiver.posts),
        timeout=POLL_SECONDS + 60,
    )
    polls = len(restarted.events("crawled", source="khovar-en"))
    wait_until(
        "another poll",
        lambda: len(restarted.events("crawled", source="khovar-en")) > polls,
        timeout=3 * POLL_SECONDS + 20,
    )
    assert restarted.terminate() == 0

    keys = receiver.by_key()
    assert len(receiver.posts) > failed > 0
    for key, posts in keys.items():
        assert [p.status for p in posts if p.status == 200] == [200], key  # once, not twice
        assert all(p.body == posts[0].body and p.body["idempotency_key"] == key for p in posts)
        assert all(p.headers["X-Token"] == SECRET for p in posts)
    with open_database(world.database, read_only=True)() as session:
        assert outbox.listing(session, "pending") == []
        assert sorted(d.message_id for d in outbox.listing(session, "sent")) == sorted(keys)
    assert SECRET not in daemon.log_path.read_text("utf-8")
