"""Configured sources as storage records (storage knows nothing of config)."""

from __future__ import annotations

from newswatch.config.sources import SourceSpec
from newswatch.storage.repository import SourceRecord


def source_records(sources: list[SourceSpec]) -> list[SourceRecord]:
    return [SourceRecord(s.id, s.name, s.languages, s.discovery, s.enabled) for s in sources]
