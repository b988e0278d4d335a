"""The daemon's memory across restarts: per job, its last run and when it is due next."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from newswatch.storage.models import JobState
from newswatch.storage.types import utcnow


def load_states(session: Session) -> dict[str, JobState]:
    return {state.job_id: state for state in session.scalars(select(JobState))}


def _state(session: Session, job_id: str) -> JobState:
    state = session.get(JobState, job_id)
    if state is None:
        state = JobState(job_id=job_id, consecutive_failures=0)
        session.add(state)
    return state


def job_started(session: Session, job_id: str) -> None:
    _state(session, job_id).last_started_at = utcnow()


def job_finished(session: Session, job_id: str, status: str, error: str | None = None) -> int:
    """Record the outcome; returns how many runs in a row have now failed."""
    state = _state(session, job_id)
    state.last_finished_at = utcnow()
    state.last_status = status
    state.last_error = error[:2000] if error else None
    state.consecutive_failures = (state.consecutive_failures or 0) + 1 if status == "failed" else 0
    return state.consecutive_failures


def set_next_run(session: Session, job_id: str, next_run_at: datetime | None) -> None:
    _state(session, job_id).next_run_at = next_run_at
