"""Search on SQLite (FTS5) and PostgreSQL (tsvector) over articles stored by the real CLI:
words found in other inflected forms, every word required, newest first, and the index kept
in step with edits and deletions."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, update

from newswatch.alerts.textsearch import search
from newswatch.storage.db import open_database
from newswatch.storage.models import Article, ArticleUrl
from tests.conftest import NoServer, make_cli
from tests.web_site import write_pages


def _stored(tmp_path: Path, url: str):
    cli = make_cli(tmp_path, url, NoServer())
    cli.run("ingest", *write_pages(tmp_path))
    return cli, open_database(url)


def _urls(sessions, query: str) -> list[str]:
    with sessions() as session:
        return [hit.article.url for hit in search(session, query)]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_search_finds_other_forms_on_both_backends(backend: str, tmp_path: Path, request) -> None:
    url = (
        f"sqlite:///{tmp_path / 's.db'}"
        if backend == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    cli, sessions = _stored(tmp_path, url)
    found = cli.json_lines("search", "Тәжікстанға келіссөздер")  # the text: -ның, келіссөз
    assert [a["url"] for a in found] == ["https://baq.kz/news/1001"]
    assert set(found[0]["matched"]) == {"Тәжікстанның", "Тәжікстан", "келіссөз"}
    assert _urls(sessions, "переговорами АСТАНА") == ["https://tengrinews.kz/kazakhstan_news/2001"]
    assert _urls(sessions, "Таджикистан тенге") == []  # every word must occur
    assert _urls(sessions, "Рахмон") == [
        "https://tengrinews.kz/kazakhstan_news/2001",
        "https://baq.kz/news/1001",
    ]


def test_the_index_follows_edits_and_deletions(tmp_path: Path) -> None:
    _, sessions = _stored(tmp_path, f"sqlite:///{tmp_path / 's.db'}")
    assert _urls(sessions, "тенге") == ["https://kazpravda.kz/n/3001"]
    edited = update(Article).where(Article.url.contains("kazpravda"))
    with sessions.begin() as session:
        session.execute(edited.values(title="Нефть", text="Рынок нефти вырос."))
    assert _urls(sessions, "тенге") == []
    assert _urls(sessions, "нефть") == ["https://kazpravda.kz/n/3001"]
    with sessions.begin() as session:
        session.execute(delete(ArticleUrl).where(ArticleUrl.url.contains("kazpravda")))
        session.execute(delete(Article).where(Article.url.contains("kazpravda")))
    assert _urls(sessions, "нефть") == []
