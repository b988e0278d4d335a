"""`newswatch events relink`: the articles of a period linked again. Stored without their events
(as before events existed), they are grouped; run again, nothing moves and event ids stay put.
Real SQLite file and PostgreSQL for the function, the real command for the CLI."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newswatch.events.relink import relink
from newswatch.storage import events as store
from newswatch.storage.db import open_database
from newswatch.storage.dedup import store_article
from newswatch.storage.models import Article
from newswatch.storage.repository import NewArticle, SourceRecord, sync_sources
from newswatch.storage.textkeys import content_hash
from tests.conftest import NoServer, make_cli
from tests.event_texts import CALL, SUMMITS
from tests.test_events import ingest

MARCH = (datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 4, 1, tzinfo=UTC))


@pytest.fixture(params=["sqlite", "postgresql"])
def sessions(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'relink.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    sessions = open_database(url)
    sources = ("akorda", "baq-kz", "khovar-tj", "khovar-en", "kazpravda", "tengrinews")
    with sessions.begin() as session:
        sync_sources(session, [SourceRecord(s, s, ["ru"], "feed") for s in sources])
    return sessions


def _store_unlinked(sessions, reports) -> None:
    for report in reports:
        new = NewArticle(
            source_id=report.source, url=report.url, canonical_url=report.url,
            title=report.title, text=report.text, content_hash=content_hash(report.text),
            language=report.language, published=report.published,
        )  # fmt: skip
        with sessions.begin() as session:
            store_article(session, new)


def _events(sessions) -> dict[str, int | None]:
    with sessions() as session:
        return {a.url: a.event_id for a in session.query(Article).order_by(Article.id)}


def test_relinking_groups_unlinked_articles_and_a_second_run_changes_nothing(sessions) -> None:
    _store_unlinked(sessions, CALL)
    assert set(_events(sessions).values()) == {None}
    with sessions.begin() as session:
        first = relink(session, *MARCH)
    grouped = _events(sessions)
    assert first.articles == 3 and first.events_after == 1 and len(set(grouped.values())) == 1
    with sessions.begin() as session:
        second = relink(session, *MARCH)
    assert _events(sessions) == grouped
    assert second.moved == 0 and second.events_before == second.events_after == 1
    with sessions() as session:
        [event_id] = set(grouped.values())
        event = store.get_event(session, event_id)
        assert event is not None and event.report_count == 3
        assert sorted(event.languages) == ["kk", "ru", "tg"]


def test_relinking_keeps_the_events_of_linked_articles_and_leaves_others_alone(sessions) -> None:
    before = ingest(sessions, [*CALL, *SUMMITS])
    with sessions.begin() as session:
        result = relink(session, *MARCH)  # the call; the summits are another month
    assert result.moved == 0 and result.articles == len(CALL)
    after = _events(sessions)
    assert [after[r.url] for r in [*CALL, *SUMMITS]] == [before[r.key] for r in [*CALL, *SUMMITS]]


def test_the_relink_command_reports_its_counts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    sessions = open_database(url)
    with sessions.begin() as session:
        sync_sources(session, [SourceRecord(r.source, r.source, ["ru"], "feed") for r in CALL])
    before = ingest(sessions, CALL)
    cli = make_cli(tmp_path, url, NoServer())
    args = ("events", "relink", "--since", "2025-03-10", "--until", "2025-03-10")
    [counts] = cli.json_lines(*args)
    assert counts == {"articles": 3, "events_before": 1, "events_after": 1, "moved": 0}
    assert set(_events(sessions).values()) == set(before.values())
    bad = cli.run("events", "relink", "--since", "2025-03-11", "--until", "2025-03-10", check=False)
    assert bad.returncode == 2 and "--until is before --since" in bad.stderr
