"""Validators of discovery pages for conditional GET: plain functions over a Session; callers
own transactions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from newswatch.storage.models import FetchValidator
from newswatch.storage.repository import lock_writers
from newswatch.storage.types import utcnow

MAX_URL, MAX_ETAG, MAX_LAST_MODIFIED = 2048, 1024, 128  # the column sizes


@dataclass(frozen=True)
class Validators:
    """ETag and Last-Modified as the server sent them, and the sha256 (hex) of the body.
    All None: nothing known, the next request is unconditional and its body is read."""

    etag: str | None = None
    last_modified: str | None = None
    body_sha256: str | None = None


def get_validators(session: Session, url: str) -> Validators | None:
    row = session.get(FetchValidator, url)
    if row is None:
        return None
    return Validators(row.etag, row.last_modified, row.body_sha256)


def save_validators(session: Session, url: str, validators: Validators, *, changed: bool) -> None:
    """Record a poll of url: checked_at is now; changed_at too when the body was new.
    Values too long for their columns are not kept (a URL that long is not recorded at all)."""
    if len(url) > MAX_URL:
        return
    lock_writers(session)  # two crawlers of one source never insert the same url twice
    now = utcnow()
    row = session.get(FetchValidator, url)
    if row is None:
        row = FetchValidator(url=url, changed_at=now)
        session.add(row)
    row.etag = _fits(validators.etag, MAX_ETAG)
    row.last_modified = _fits(validators.last_modified, MAX_LAST_MODIFIED)
    row.body_sha256 = validators.body_sha256
    row.checked_at = now
    if changed:
        row.changed_at = now


def _fits(value: str | None, size: int) -> str | None:
    return value if value is not None and len(value) <= size else None
