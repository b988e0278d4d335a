"""One scheduler per database: whoever holds this lock sends the alerts.

PostgreSQL: a session advisory lock on a connection held for the daemon's life. SQLite: an
exclusive flock on a file next to the database. Both are released by the kernel or the server
when the process dies, even by kill -9, so a crashed leader never blocks its successor.
"""

from __future__ import annotations

import fcntl
import os
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

from sqlalchemy import Connection, Engine, text

LEADER_LOCK_ID = 0x6E777264  # "nwrd"; distinct from the migration lock
_ADVISORY_HOLDER = text(
    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE l.locktype = 'advisory' AND l.granted AND l.objid = :id AND l.database = "
    "(SELECT oid FROM pg_database WHERE datname = current_database())"
)


class LeadershipTaken(RuntimeError):
    """Another `newswatch run` is the scheduler of this database."""


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

    def acquire(self) -> None:
        """Take the lock or raise LeadershipTaken naming the current holder."""
        if self.engine.dialect.name == "postgresql":
            self._acquire_advisory()
        elif self.engine.dialect.name == "sqlite":
            self._acquire_file()
        else:  # pragma: no cover - only SQLite and PostgreSQL are supported
            raise RuntimeError(f"no leader lock for {self.engine.dialect.name}")

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
        """False when the PostgreSQL session holding the lock is gone."""
        if self._connection is None:
            return self._file is not None or self.engine.dialect.name == "sqlite"
        try:
            self._connection.execute(text("SELECT 1"))
            self._connection.commit()
        except Exception:
            return False
        return True

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute(
                    text("SELECT pg_advisory_unlock(:id)"), {"id": LEADER_LOCK_ID}
                )
                self._connection.commit()
            finally:
                self._connection.close()
                self._connection = None
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
