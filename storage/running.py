"""What is running now, seen from outside: the daemon holding the scheduler lock, and crawls
started but not finished. Read-only: `status` never takes a lock a starting daemon wants."""

from __future__ import annotations

import os
import re
import socket
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from newswatch.storage.leader import _ADVISORY_HOLDER, LEADER_LOCK_ID
from newswatch.storage.models import CrawlRun, JobState
from newswatch.storage.types import utcnow

# A crawl unfinished for longer than this was interrupted (killed), not running.
LONGEST_CRAWL = timedelta(hours=6)


def scheduler_holder(session: Session, database_url: str) -> str | None:
    """ "newswatch run pid=… host=… since=…" of the daemon scheduling this database, or None."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        return session.execute(_ADVISORY_HOLDER, {"id": LEADER_LOCK_ID}).scalar()
    if not url.database or url.database == ":memory:":
        return None
    try:
        holder = Path(f"{url.database}.scheduler-lock").read_text().strip()
    except OSError:
        return None
    # The holder empties the file when it stops; after kill -9 the line stays: check the pid.
    return holder if holder and _alive(holder) else None


def _alive(holder: str) -> bool:
    pid, host = re.search(r"pid=(\d+)", holder), re.search(r"host=(\S+)", holder)
    if not pid or not host or host.group(1) != socket.gethostname():
        return True  # another machine: trust the line
    try:
        os.kill(int(pid.group(1)), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def crawls_in_progress(session: Session) -> list[CrawlRun]:
    """Crawl runs started recently and not finished yet (`crawl` commands and the daemon)."""
    since = utcnow() - LONGEST_CRAWL
    query = select(CrawlRun).where(CrawlRun.finished_at.is_(None), CrawlRun.started_at >= since)
    return list(session.scalars(query.order_by(CrawlRun.id)))


def sources_crawling(session: Session) -> dict[str, JobState]:
    """The daemon's crawl jobs started and not finished: source id -> its job state."""
    running = {}
    for state in session.scalars(select(JobState).where(JobState.job_id.like("crawl:%"))):
        started, finished = state.last_started_at, state.last_finished_at
        unfinished = started and (finished is None or started > finished)
        if unfinished and started >= utcnow() - LONGEST_CRAWL:
            running[state.job_id.removeprefix("crawl:")] = state
    return running
