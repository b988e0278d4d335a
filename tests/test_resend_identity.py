"""One email, one identity: kill -9 after the mail server answered "250" and before the daemon
recorded the send, 20 times on SQLite, 5 on PostgreSQL. Each restart resends that very email
(same Message-ID, subject, date and body), never merged with stories that arrived meanwhile,
which reach that recipient in an email of their own; and nothing else is sent twice."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from newswatch.fixtures.publish import relations_story
from tests.daemon_harness import KHOVAR_EN, RECIPIENTS, daemon_world, wait_until
from tests.smtp_server import Received

KILLS = {"sqlite": 20, "postgresql": 5}  # each kill costs a restart (~15 s)


@pytest.fixture
def world(tmp_path):
    yield from daemon_world(tmp_path, [KHOVAR_EN])


def _identity(mail: Received) -> tuple:
    message = mail.message
    return (
        tuple(mail.recipients),
        message["Message-ID"],
        message["Subject"],
        message["Date"],
        message.get_body(preferencelist=("plain",)).get_content(),
        message.get_body(preferencelist=("html",)).get_content(),
    )


@pytest.mark.timeout(1200)  # 20 restarts of the daemon, ~15 s each on a loaded machine
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_kill_9_between_the_servers_250_and_the_commit_resends_the_same_email(
    world, backend, request
) -> None:
    if backend == "postgresql":
        world.settings = {"database_url": request.getfixturevalue("postgres_url")}
    kills = KILLS[backend]
    handler = world.smtp.handler
    daemon = world.daemon().start()
    daemon.wait_for("first crawl", "crawled", source="khovar-en")
    wait_until("seed emails sent", lambda: len(world.smtp.received) >= len(RECIPIENTS))
    resent = 0
    for kill in range(kills):
        held = relations_story(kill)
        handler.accepted, handler.hold_quit = threading.Event(), threading.Event()
        world.publish(held)
        wait_until(
            "an email accepted, its sender waiting for QUIT's reply", handler.accepted.is_set
        )
        daemon.kill()
        found = world.emails_with(held.title)  # accepted once, never recorded as sent
        assert len(found) == 1, (
            f"kill {kill}: {held.title!r} in {len(found)} emails; last ones: "
            + repr([(m.recipients, str(m.message["Subject"])) for m in world.smtp.received[-4:]])
        )
        [first] = found
        handler.hold_quit.set()
        newer = relations_story(20 + kill) if 20 + kill < 30 else None
        if newer is not None:
            world.publish(newer)  # arrives while the daemon is down

        daemon = world.daemon().start()
        wait_until(
            f"kill {kill}: the resend and the other recipient's email",
            lambda held=held: len(world.emails_with(held.title)) == len(RECIPIENTS) + 1,
        )
        copies = [m for m in world.emails_with(held.title) if m.recipients == first.recipients]
        assert [_identity(m) for m in copies] == [_identity(first)] * 2, f"kill {kill}"
        resent += 1
        if newer is not None:
            wait_until(
                f"kill {kill}: the newer story's own emails",
                lambda newer=newer: len(world.emails_with(newer.title)) == len(RECIPIENTS),
            )
            # the other recipient's story was never sent: it may share an email with the newer
            [own] = [m for m in world.emails_with(newer.title) if m.recipients == first.recipients]
            assert held.title not in _plain(own), f"kill {kill}: merged into a newer email"
    assert daemon.terminate() == 0
    assert resent == kills
    # apart from the 20 resends, no email was sent twice
    sent = Counter(m.message["Message-ID"] for m in world.smtp.received)
    assert sum(n - 1 for n in sent.values()) == kills


def _plain(mail: Received) -> str:
    return mail.message.get_body(preferencelist=("plain",)).get_content()
