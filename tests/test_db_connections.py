"""Pooled PostgreSQL connections: pinged before use only after lying idle, so a crawler storing
article after article spends no round trip on it, while a connection the server dropped during
a pause is replaced without the caller noticing."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import exc, text

from newswatch.storage import db
from tests.conftest import PG_ADMIN_URL


def _backend_pid(sessions) -> int:
    with sessions() as session:
        return session.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _terminate(pid: int) -> None:
    """As a server restart or an idle-session timeout would: the backend is gone on return."""
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        gone = admin.execute("SELECT pg_terminate_backend(%s, 30000)", (pid,)).fetchone()
    assert gone == (True,)


def test_a_connection_idle_past_the_threshold_is_pinged_and_replaced(postgres_url, monkeypatch):
    monkeypatch.setattr(db, "PING_AFTER_IDLE", 0.0)  # every checkout counts as after a pause
    sessions = db.open_database(postgres_url)
    first = _backend_pid(sessions)
    _terminate(first)
    assert _backend_pid(sessions) != first  # no error: the dead connection was replaced
    sessions.kw["bind"].dispose()


def test_a_connection_used_a_moment_ago_is_not_pinged(postgres_url, monkeypatch):
    """The trade made for speed: a restart between two stores fails the next statement once
    (its caller retries, as after any database failure), and the pool then reconnects."""
    monkeypatch.setattr(db, "PING_AFTER_IDLE", 3600.0)  # every checkout is "a moment" after
    sessions = db.open_database(postgres_url)
    first = _backend_pid(sessions)
    _terminate(first)
    with pytest.raises(exc.DBAPIError) as raised:
        _backend_pid(sessions)
    assert raised.value.connection_invalidated
    assert _backend_pid(sessions) not in (first, None)
    sessions.kw["bind"].dispose()
