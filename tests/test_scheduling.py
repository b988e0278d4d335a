"""The daemon's parts without the daemon: crontab weekdays, schedule gaps and missed runs, the
leader lock on SQLite and PostgreSQL, and the source-health checks on a real database."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from newswatch.config.settings import HealthSettings
from newswatch.config.sources import Schedule
from newswatch.scheduler.health import problems
from newswatch.scheduler.triggers import cron_trigger, missed_since, usual_gap
from newswatch.storage import repository
from newswatch.storage.db import make_engine, open_database, upgrade
from newswatch.storage.leader import Leadership, LeadershipTaken
from newswatch.storage.models import Article, CrawlRunSource
from newswatch.storage.repository import SourceRecord, SourceRunCounts
from newswatch.storage.types import utcnow

DUSHANBE = ZoneInfo("Asia/Dushanbe")
SUNDAY = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("weekday", "expected"),
    [("1", "Monday"), ("0", "Sunday"), ("7", "Sunday"), ("1-5", "Monday"), ("6", "Saturday")],
)
def test_cron_weekdays_count_from_sunday_like_crontab(weekday, expected) -> None:
    after = datetime(2026, 11, 22, 9, 0, tzinfo=DUSHANBE)  # a Sunday, after 08:00
    fire = cron_trigger(f"0 8 * * {weekday}", DUSHANBE).get_next_fire_time(None, after)
    assert fire is not None and fire.strftime("%A") == expected
    assert (fire.hour, fire.minute) == (8, 0) and fire.utcoffset() == timedelta(hours=5)


def test_usual_gap_of_intervals_and_crons() -> None:
    assert usual_gap(Schedule(interval="15m"), UTC, SUNDAY) == timedelta(minutes=15)
    assert usual_gap(Schedule(cron="*/20 * * * *"), UTC, SUNDAY) == timedelta(minutes=20)
    assert usual_gap(Schedule(cron="0 8 * * *"), DUSHANBE, SUNDAY) == timedelta(days=1)


def test_a_digest_missed_while_down_is_noticed() -> None:
    trigger = cron_trigger("0 8 * * *", DUSHANBE)
    last = datetime(2026, 11, 21, 3, 0, 5, tzinfo=UTC)  # Saturday 08:00:05 Dushanbe
    assert not missed_since(trigger, last, datetime(2026, 11, 22, 2, 59, tzinfo=UTC))
    assert missed_since(trigger, last, datetime(2026, 11, 22, 3, 1, tzinfo=UTC))


def _leader_lock_is_exclusive(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    first = Leadership(make_engine(url))
    first.acquire()
    try:
        with pytest.raises(LeadershipTaken) as taken:
            Leadership(make_engine(url)).acquire()
        assert f"pid={os.getpid()}" in str(taken.value)
        assert first.still_held()
    finally:
        first.release()
    with Leadership(make_engine(url)) as second:  # free again once released
        assert second.still_held()


def test_leader_lock_on_sqlite(tmp_path) -> None:
    _leader_lock_is_exclusive(f"sqlite:///{tmp_path / 'lock.db'}")


def test_leader_lock_on_postgresql(postgres_url) -> None:
    _leader_lock_is_exclusive(postgres_url)


@pytest.fixture
def sessions(tmp_path):
    sessions = open_database(f"sqlite:///{tmp_path / 'health.db'}")
    with sessions.begin() as session:
        repository.sync_sources(session, [SourceRecord("src", "Source", ["ru"], "feed")])
    return sessions


def _runs(sessions, statuses: list[str], new: int = 0) -> None:
    for status in statuses:
        with sessions.begin() as session:
            run_id = repository.start_run(session)
            counts = SourceRunCounts(status=status, new=new)
            repository.record_source_run(session, run_id, "src", counts)


def test_failing_means_n_failed_crawls_in_a_row(sessions) -> None:
    rules = HealthSettings(failures_in_a_row=3)
    _runs(sessions, ["ok", "failed", "failed"])
    with sessions() as session:
        assert problems(session, "src", rules) == {}
    _runs(sessions, ["failed"])
    with sessions() as session:
        assert "failing" in problems(session, "src", rules)
    _runs(sessions, ["partial"])
    with sessions() as session:
        assert problems(session, "src", rules) == {}


def test_collapsed_text_is_a_problem(sessions) -> None:
    lengths = [3000] * 30 + [400] * 5  # the layout changed: bodies now a tenth as long
    with sessions.begin() as session:
        for i, length in enumerate(lengths):
            session.add(
                Article(
                    source_id="src",
                    url=f"https://x.example/{i}",
                    canonical_url=f"https://x.example/{i}",
                    title=f"t{i}",
                    text="x" * length,
                    content_hash=f"h{i}",
                )
            )
    with sessions() as session:
        found = problems(session, "src", HealthSettings())
    assert "collapsed" in found and "400" in found["collapsed"]


def test_stale_after_many_usual_gaps_without_news(sessions) -> None:
    _runs(sessions, ["ok"] * 6, new=2)
    with sessions.begin() as session:  # they came every hour, the last one 30 hours ago
        rows = session.query(CrawlRunSource).order_by(CrawlRunSource.id).all()
        for age, row in zip(range(35, 29, -1), rows, strict=True):
            row.finished_at = utcnow() - timedelta(hours=age)
    _runs(sessions, ["ok"])  # crawled just now, nothing new
    with sessions() as session:
        found = problems(session, "src", HealthSettings(stale_factor=6, stale_min_hours=6))
    assert "stale" in found and "30.0 h" in found["stale"]
