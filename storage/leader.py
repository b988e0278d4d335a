"""One scheduler per database: whoever holds this lock sends the alerts.

PostgreSQL: a session advisory lock on a connection held for the daemon's life. SQLite: an
exclusive flock on a file next to the database. Both are released by the kernel or the server
when the process dies, even by kill -9, so a crashed leader never blocks its successor.

A lock alone is not enough: a proxy or `idle_session_timeout` can end the lock's session while
the process lives, a standby takes the lock at once, and the old leader learns of it only at
its next statement. So each new leader increments an epoch (the fencing token, in the
`leadership` row), and every leader-only write runs inside `fenced()`, which checks the epoch
and, on PostgreSQL, holds a share lock on that row until the block ends: a successor cannot
take its epoch while an old leader's claim or send is under way, and the old leader's next
`fenced()` fails.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.orm import Session

from newswatch.storage.models import LeaderEpoch
from newswatch.storage.types import utcnow

log = logging.getLogger("newswatch.leader")

LEADER_LOCK_ID = 0x6E777264  # "nwrd"; distinct from the migration lock
_ADVISORY_HOLDER = text(
    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE l.locktype = 'advisory' AND l.granted AND l.objid = :id AND l.database = "
    "(SELECT oid FROM pg_database WHERE datname = current_database())"
)


_STILL_HELD = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
    "AND objid = :id AND pid = pg_backend_pid()"
)


class LeadershipTaken(RuntimeError):
    """Another `newswatch run` is the scheduler of this database."""


class Fenced(RuntimeError):
    """A newer leader has started: this process may no longer do leader-only writes."""


def _whoami() -> str:
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"newswatch run pid={os.getpid()} host={socket.gethostname()} since={started}"


@dataclass
class Leadership:
    """Held until release() or process exit."""

    engine: Engine
    _connection: Connection | None = None
    _file: IO[str] | None = None
    holder: str = field(default_factory=_whoami)
    epoch: int | None = None  # the fencing token of this leadership, once acquired
    # the lock connection is used from the event loop's worker threads
    _guard: threading.Lock = field(default_factory=threading.Lock)

    def acquire(self) -> None:
        """Take the lock or raise LeadershipTaken naming the current holder; then take the
        next epoch (waiting for an old leader's fenced block to end)."""
        with self._guard:
            if self.engine.dialect.name == "postgresql":
                self._acquire_advisory()
            elif self.engine.dialect.name == "sqlite":
                self._acquire_file()
            else:  # pragma: no cover - only SQLite and PostgreSQL are supported
                raise RuntimeError(f"no leader lock for {self.engine.dialect.name}")
        self.epoch = self._next_epoch()

    def reacquire(self) -> None:
        """After the lock's session died: a fresh session, the lock again, a new epoch; or
        LeadershipTaken when a successor holds it."""
        with self._guard:
            self._drop_connection()
        self.acquire()

    def _next_epoch(self) -> int:
        with Session(self.engine) as session, session.begin():
            row = session.get(LeaderEpoch, 1, with_for_update=True)
            if row is None:
                row = LeaderEpoch(id=1, epoch=0)
                session.add(row)
            row.epoch = (row.epoch or 0) + 1
            row.holder = self.holder[:255]
            row.since = utcnow()
            return row.epoch

    @contextlib.contextmanager
    def fenced(self) -> Iterator[None]:
        """Run a leader-only write (claim, send, reschedule) under the fence: Fenced if a newer
        leader has started. On PostgreSQL the row stays share-locked until the block ends, so
        no successor starts in the middle of it (SQLite's flock cannot be lost while the
        process lives; there the check is enough)."""
        with Session(self.engine) as session, session.begin():
            current = session.scalar(
                select(LeaderEpoch.epoch).where(LeaderEpoch.id == 1).with_for_update(read=True)
            )
            if current != self.epoch:
                raise Fenced(
                    f"a newer scheduler holds epoch {current} (this one: {self.epoch}); "
                    "not claiming, sending or rescheduling"
                )
            yield

    def _acquire_advisory(self) -> None:
        connection = self.engine.connect()
        connection.execute(
            text("SELECT set_config('application_name', :n, false)"), {"n": self.holder[:63]}
        )
        got = connection.execute(text("SELECT pg_try_advisory_lock(:id)"), {"id": LEADER_LOCK_ID})
        connection.commit()
        if not got.scalar():
            other = connection.execute(_ADVISORY_HOLDER, {"id": LEADER_LOCK_ID}).scalar()
            connection.close()
            raise LeadershipTaken(other or "another newswatch run")
        self._connection = connection

    def _acquire_file(self) -> None:
        database = self.engine.url.database
        if not database or database == ":memory:":
            return  # a private in-memory database has no other scheduler
        handle = open(f"{database}.scheduler-lock", "a+")  # noqa: SIM115 - held for life
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            other = handle.read().strip()
            handle.close()
            raise LeadershipTaken(other or "another newswatch run") from None
        handle.seek(0)
        handle.truncate()
        handle.write(self.holder + "\n")
        handle.flush()
        self._file = handle

    def still_held(self) -> bool:
        """False when the PostgreSQL session holding the lock is gone (or lost the lock)."""
        with self._guard:
            if self._connection is None:
                return self._file is not None or self.engine.dialect.name == "sqlite"
            try:
                held = self._connection.execute(_STILL_HELD, {"id": LEADER_LOCK_ID}).scalar()
                self._connection.commit()
            except Exception:
                return False
            return bool(held)

    def _drop_connection(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):  # a dead session: nothing to close
                self._connection.invalidate()
                self._connection.close()
            self._connection = None

    def release(self) -> None:
        """Unlock; a session that already died released its locks with it, so that is no
        error (SIGTERM after a lost session still exits 0)."""
        with self._guard:
            self._release()

    def _release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute(
                    text("SELECT pg_advisory_unlock(:id)"), {"id": LEADER_LOCK_ID}
                )
                self._connection.commit()
            except Exception as exc:
                log.warning("the scheduler lock's session was already gone: %s", exc)
            finally:
                self._drop_connection()
        if self._file is not None:
            self._file.seek(0)
            self._file.truncate()
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def __enter__(self) -> Leadership:
        self.acquire()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release()
