"""Events: reports of one happening linked across outlets and languages, and only those.
Short reports written for these tests (tests/event_texts.py) go through the crawler's path
(store, then link, one transaction each) into a real SQLite file and a real PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from newswatch.events.linking import link_article
from newswatch.storage import events as store
from newswatch.storage.db import open_database
from newswatch.storage.dedup import store_article
from newswatch.storage.repository import NewArticle, SourceRecord, sync_sources
from newswatch.storage.textkeys import content_hash
from tests.event_texts import (
    CALL,
    NEXT_VENUE,
    NUMBERED,
    PARTNER,
    RATIFICATION,
    RETROSPECTIVE,
    SIDELINE,
    SUMMIT_AS_MEETING,
    SUMMIT_BY_SIDES,
    SUMMITS,
    VISIT,
    YEAR_LATER,
    Report,
)
from tests.fixtures.publish import relations_story


@pytest.fixture(params=["sqlite", "postgresql"])
def sessions(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'events.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    sessions = open_database(url)
    with sessions.begin() as session:
        sync_sources(
            session,
            [
                SourceRecord(s, s, ["ru"], "feed")
                for s in ("akorda", "baq-kz", "khovar-tj", "khovar-en", "kazpravda", "tengrinews")
            ],
        )
    return sessions


def ingest(sessions, reports: list[Report]) -> dict[str, int]:
    """Event id of each report, stored as the crawler stores it."""
    event_of = {}
    for report in reports:
        new = NewArticle(
            source_id=report.source,
            url=report.url,
            canonical_url=report.url,
            title=report.title,
            text=report.text,
            content_hash=content_hash(report.text),
            language=report.language,
            published=report.published,
        )
        with sessions.begin() as session:
            outcome = store_article(session, new)
            link = link_article(session, outcome, new)
            assert link is not None
            event_of[report.key] = link.event_id
    return event_of


def test_one_phone_call_in_three_languages_is_one_event(sessions) -> None:
    event_of = ingest(sessions, CALL)
    assert len(set(event_of.values())) == 1
    with sessions() as session:
        event = store.get_event(session, event_of["call-ru"])
        assert event is not None
        assert event.languages == ["kk", "ru", "tg"] and event.report_count == 3
        linked = [r for r in event.reports if r.how == "scored"]
        assert len(linked) == 2 and all(r.score and r.reasons for r in linked)
        assert any("actors rahmon, tokayev" in reason for reason in linked[0].reasons)


def test_an_undated_report_is_about_the_day_it_is_fetched(sessions) -> None:
    now = datetime.now(UTC)
    dated = [replace(report, published=now) for report in CALL[:2]]
    event_of = ingest(sessions, [*dated, replace(CALL[2], published=None)])
    assert len(set(event_of.values())) == 1


def test_a_visit_over_two_days_with_its_meetings_is_one_event(sessions) -> None:
    event_of = ingest(sessions, VISIT)
    assert len(set(event_of.values())) == 1


def test_two_summits_a_day_apart_are_two_events(sessions) -> None:
    event_of = ingest(sessions, SUMMITS)
    assert event_of["csto-en"] == event_of["csto-ru"]  # one summit, two languages
    assert event_of["cis-ru"] != event_of["csto-en"]


def test_a_summit_named_by_its_sides_is_the_summit_named_by_its_format(sessions) -> None:
    event_of = ingest(sessions, SUMMIT_BY_SIDES)
    assert event_of["sides-ru"] == event_of["sides-en"]


def test_summit_reports_opening_like_a_meeting_or_written_up_late_are_one_event(sessions) -> None:
    event_of = ingest(sessions, SUMMIT_AS_MEETING)
    assert event_of["arrived-ru"] == event_of["meeting-en"] == event_of["late-en"]
    assert event_of["leaders-ru"] == event_of["meeting-en"]  # several leaders, format unnamed
    assert event_of["greeted-ru"] == event_of["meeting-en"]  # greeted at the airport: no talks


def test_a_bilateral_meeting_beside_a_summit_is_its_own_event(sessions) -> None:
    event_of = ingest(sessions, SIDELINE)
    assert event_of["sideline-ru"] != event_of["summit-en"]
    assert event_of["sideline-en"] != event_of["summit-en"]  # others attended the summit


def test_the_same_visitor_a_year_later_is_another_event(sessions) -> None:
    event_of = ingest(sessions, YEAR_LATER)
    assert event_of["visit-2024"] != event_of["visit-2025"]


def test_an_article_looking_back_on_an_event_is_not_merged_with_it(sessions) -> None:
    event_of = ingest(sessions, [*VISIT, RETROSPECTIVE])
    assert event_of["ratified"] != event_of["visit-ru-day2"]


def test_a_numbered_summit_written_up_late_is_one_event_another_number_another(sessions) -> None:
    event_of = ingest(sessions, NUMBERED)
    assert event_of["vii-ru"] == event_of["vii-en-late"]
    assert event_of["vi-en-recalled"] != event_of["vii-en-late"]


def test_the_next_venue_named_in_a_summit_report_is_not_its_host_city(sessions) -> None:
    event_of = ingest(sessions, NEXT_VENUE)
    assert event_of["host-en"] == event_of["next-ru"]


def test_a_ratification_that_names_nobody_is_one_event_in_three_languages(sessions) -> None:
    event_of = ingest(sessions, RATIFICATION)
    assert len(set(event_of.values())) == 1
    with sessions() as session:
        event = store.get_event(session, event_of["ratify-kk"])
        assert event is not None and event.kind == "ratification"


def test_a_summit_named_by_its_sides_and_a_partner_is_the_partner_format(sessions) -> None:
    event_of = ingest(sessions, PARTNER)
    assert event_of["sides-ru"] == event_of["format-en"]


def test_a_widely_copied_story_is_one_event_and_lists_every_report(sessions) -> None:
    """More copies than story_reports reads at a time: all of them are read, oldest first."""
    original = CALL[0]
    sources = ("akorda", "baq-kz", "khovar-tj", "kazpravda", "tengrinews")
    copies = [
        replace(original, key=f"copy-{n}", source=sources[n % len(sources)]) for n in range(11)
    ]
    copies = [
        replace(c, url=f"https://copies.example/{n}", text=f"{c.text} Копия номер {n}.")
        for n, c in enumerate(copies)
    ]
    event_of = ingest(sessions, [original, *copies])
    assert len(set(event_of.values())) == 1
    with sessions() as session:
        event = store.get_event(session, event_of["call-ru"])
        assert event is not None
        [story_id] = {r.article.story_id for r in event.reports}
        reports = [mate.article_id for mate in store.story_reports(session, story_id)]
        assert len(reports) == 12 and reports == sorted(reports)


def test_a_copy_joins_its_story_and_the_story_names_the_event(sessions) -> None:
    original = CALL[0]
    copy = Report(
        "call-ru-copy", "tengrinews", "https://tengrinews.kz/call-copy", "ru",
        original.published, original.title, original.text + " Источник: Акорда.",
    )  # fmt: skip
    event_of = ingest(sessions, [original, copy])
    assert event_of["call-ru"] == event_of["call-ru-copy"]
    with sessions() as session:
        event = store.get_event(session, event_of["call-ru"])
        assert event is not None
        assert {r.how for r in event.reports} == {"new", "story"}
        [story_id] = {r.article.story_id for r in event.reports}
        assert all(r.article.story.event_id == event.id for r in event.reports)
        assert story_id is not None


def test_rounds_of_talks_that_name_the_same_province_are_separate_events(sessions) -> None:
    """Provinces (Sughd, Shymkent) say where, like a country, not who: two different rounds
    of talks on one day that both name one must not become one event (and one alert)."""
    when = datetime(2026, 3, 2, 9, tzinfo=UTC)
    stories = [relations_story(n, when) for n in range(8)]
    reports = [
        Report(s.slug, "khovar-en", s.url, "en", when, s.title, "\n".join(s.paragraphs))
        for s in stories
    ]
    event_of = ingest(sessions, reports)
    assert len(set(event_of.values())) == len(stories)
