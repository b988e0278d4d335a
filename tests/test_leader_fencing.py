"""One scheduler even when its lock dies: the leader's lock session is terminated (as a proxy
or `idle_session_timeout` does) while the process lives. With a standby running, exactly one of
them goes on; the old leader stops within about a second, no email is sent twice, and SIGTERM
exits 0. Alone, the daemon takes the lock again under a new epoch. Leader-only writes of a
stale epoch are refused (the fencing token), on SQLite and PostgreSQL."""

from __future__ import annotations

import os
from collections import Counter
from datetime import datetime, timedelta

import psycopg
import pytest

from newswatch.fixtures.publish import relations_story
from newswatch.storage.db import make_engine, upgrade
from newswatch.storage.leader import Fenced, Leadership
from tests.conftest import PG_ADMIN_URL
from tests.daemon_harness import KHOVAR_EN, RECIPIENTS, daemon_world, wait_until


@pytest.fixture
def world(tmp_path, postgres_url):
    for world in daemon_world(tmp_path, [KHOVAR_EN]):
        world.settings = {
            "database_url": postgres_url,
            "daemon": {"grace_seconds": 15, "outbox_retry_seconds": 1, "standby_poll_seconds": 0.2},
        }
        yield world


def _terminate_lock_session(pid: int) -> None:
    """End the PostgreSQL session holding the daemon's lock; the process lives on."""
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        ended = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE %s",
            (f"newswatch run pid={pid} %",),
        ).fetchall()
    assert ended == [(True,)], ended


def _time(event: dict) -> datetime:
    return datetime.strptime(event["time"], "%Y-%m-%dT%H:%M:%S%z")


def _no_duplicates(world) -> None:
    """Every story once per recipient, every Message-ID once per recipient."""
    sent = Counter(
        (r, mail.message["Message-ID"]) for mail in world.smtp.received for r in mail.recipients
    )
    assert max(sent.values()) == 1, [k for k, n in sent.items() if n > 1]


def _ready(world, daemon) -> None:
    daemon.wait_for("first crawl", "crawled", source="khovar-en")
    wait_until("seed emails sent", lambda: len(world.smtp.received) >= len(RECIPIENTS))


def test_lock_session_terminated_under_a_running_standby(world) -> None:
    leader = world.daemon(log_name="leader.log").start()
    _ready(world, leader)
    standby = world.daemon("--standby", log_name="standby.log").start()
    wait_until("the standby standing by", lambda: "standing by" in standby.log_text())

    during = relations_story(10)
    world.publish(during)  # its alert is matched and sent around the takeover
    _terminate_lock_session(leader.process.pid)
    wait_until(
        "one scheduler again",
        lambda: leader.events("deposed") or leader.events("leadership_regained"),
    )
    if leader.events("deposed"):  # the standby took the lock first
        assert leader.process.wait(30) == 3
        started = standby.wait_for("the standby taking over", "started", timeout=30)
        deposed = leader.events("deposed")[-1]
        assert _time(deposed) <= _time(started) + timedelta(seconds=1)
        after = leader.log_text().split('"event": "deposed"', 1)[1]
        assert '"event": "crawled"' not in after and '"event": "email_sent"' not in after
        current, idle = standby, leader
    else:  # the old leader took it again first; the standby still stands by
        assert standby.events("started") == []
        current, idle = leader, standby
    later = relations_story(11)
    world.publish_and_wait(later)
    wait_until(
        "the alert of the story published during the takeover",
        lambda: len(world.emails_with(during.title)) == len(RECIPIENTS),
    )
    if idle.process.poll() is None:
        assert idle.terminate() == 0
    assert current.terminate() == 0
    _no_duplicates(world)
    for story in (during, later):
        assert sorted(r for m in world.emails_with(story.title) for r in m.recipients) == RECIPIENTS


def test_alone_it_takes_the_lock_again_and_sigterm_on_a_dead_session_exits_0(world) -> None:
    daemon = world.daemon().start()
    _ready(world, daemon)
    _terminate_lock_session(daemon.process.pid)
    regained = daemon.wait_for("the lock taken again", "leadership_regained", timeout=30)
    assert regained["epoch"] == 2
    world.publish_and_wait(relations_story(12))  # still the scheduler

    _terminate_lock_session(daemon.process.pid)
    assert daemon.terminate() == 0  # at once, before or after it notices
    assert "Traceback" not in daemon.log_text()
    _no_duplicates(world)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_stale_epoch_is_fenced_off(backend, tmp_path, request) -> None:
    url = (
        request.getfixturevalue("postgres_url")
        if backend == "postgresql"
        else f"sqlite:///{tmp_path / 'fence.db'}"
    )
    upgrade(make_engine(url))
    old = Leadership(make_engine(url))
    old.acquire()
    with old.fenced():
        pass  # the leader writes
    old.release()  # as if its lock had died: a successor starts
    with Leadership(make_engine(url)) as new:
        assert new.epoch == old.epoch + 1
        with pytest.raises(Fenced, match="newer scheduler"), old.fenced():
            pytest.fail("a stale leader wrote")
        with new.fenced():
            pass
    assert f"pid={os.getpid()}" in new.holder
