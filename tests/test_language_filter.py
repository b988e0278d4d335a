"""A filter on Kazakh takes Kazakh in every script: articles detected as Arabic-script Kazakh
("kk-arab") are listed with the Cyrillic ones, on the command line's store query and in the
web view's stream (events are filtered by the same code)."""

from __future__ import annotations

from datetime import UTC, datetime

from newswatch.storage.db import open_database
from newswatch.storage.dedup import store_article
from newswatch.storage.repository import NewArticle, SourceRecord, list_articles, sync_sources
from newswatch.storage.textkeys import content_hash
from newswatch.web.queries import StreamFilter, stream

TEXTS = {
    "kk": "Қазақстан мен Тәжікстан арасындағы сауда көлемі өткен жылы айтарлықтай өсті.",
    "kk-arab": "قازاقستان مەن تاجىكستان اراسىنداعى ساۋدا كولەمى وتكەن جىلى ءوستى.",
    "ru": "Товарооборот между Казахстаном и Таджикистаном в прошлом году заметно вырос.",
}


def test_kazakh_takes_arabic_script_kazakh_too(tmp_path) -> None:
    sessions = open_database(f"sqlite:///{tmp_path / 'lang.db'}")
    with sessions.begin() as session:
        sync_sources(session, [SourceRecord("a", "A", ["kk", "ru"], "feed")])
    for number, (language, text) in enumerate(TEXTS.items()):
        url = f"https://a.example/{number}"
        new = NewArticle(
            source_id="a", url=url, canonical_url=url, title=url, text=text,
            content_hash=content_hash(text), language=language,
            published=datetime(2026, 11, 30, 8, number, tzinfo=UTC),
        )  # fmt: skip
        with sessions.begin() as session:
            store_article(session, new)
    with sessions() as session:
        kazakh = {a.language for a in list_articles(session, language="kk")}
        assert kazakh == {"kk", "kk-arab"}
        assert {a.language for a in list_articles(session, language="ru")} == {"ru"}
        in_stream = stream(session, StreamFilter(language="kk"))
        assert {a.language for s in in_stream for a in s.articles} == {"kk", "kk-arab"}
