"""Search on SQLite (FTS5) and PostgreSQL (tsvector) over articles stored by the real CLI:
words found in other inflected forms, every word required, newest first, and the index kept
in step with edits and deletions."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import delete, select, text, update

from newswatch.alerts.textsearch import search
from newswatch.storage.db import MIGRATIONS_DIR, make_engine, open_database
from newswatch.storage.models import AlertDelivery, Article, ArticleUrl
from tests.conftest import Cli, NoServer, make_cli
from tests.web_site import Site, write_pages


def _urls(sessions, query: str) -> list[str]:
    with sessions() as session:
        return [hit.article.url for hit in search(session, query)]


def _database(cli: Cli) -> Path:
    return cli.config.parent / "web.db"  # the shared site's SQLite file (tests/web_site.py)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_search_finds_other_forms_on_both_backends(
    backend: str, tmp_path: Path, request, web_site: Site
) -> None:
    if backend == "sqlite":  # the web tests' database: the same pages, already stored
        cli, url = web_site.cli, f"sqlite:///{_database(web_site.cli)}"
    else:
        url = request.getfixturevalue("postgres_url")
        cli = make_cli(tmp_path, url, NoServer())
        cli.run("ingest", *write_pages(tmp_path))
    sessions = open_database(url)
    found = cli.json_lines("search", "Тәжікстанға келіссөздер")  # the text: -ның, келіссөз
    assert [a["url"] for a in found] == ["https://baq.kz/news/1001"]
    assert set(found[0]["matched"]) == {"Тәжікстанның", "Тәжікстан", "келіссөз"}
    assert _urls(sessions, "переговорами АСТАНА") == ["https://tengrinews.kz/kazakhstan_news/2001"]
    assert _urls(sessions, "Таджикистан тенге") == []  # every word must occur
    assert _urls(sessions, "Рахмон") == [
        "https://tengrinews.kz/kazakhstan_news/2001",
        "https://baq.kz/news/1001",
    ]


def test_the_index_follows_edits_and_deletions(tmp_path: Path, web_site: Site) -> None:
    copy = tmp_path / "copy.db"  # a private copy of the shared database, to change
    with sqlite3.connect(_database(web_site.cli)) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    sessions = open_database(f"sqlite:///{copy}")
    assert _urls(sessions, "тенге") == ["https://kazpravda.kz/n/3001"]
    edited = update(Article).where(Article.url.contains("kazpravda"))
    with sessions.begin() as session:
        session.execute(edited.values(title="Нефть", text="Рынок нефти вырос."))
    assert _urls(sessions, "тенге") == []
    assert _urls(sessions, "нефть") == ["https://kazpravda.kz/n/3001"]
    gone = select(Article.id).where(Article.url.contains("kazpravda")).scalar_subquery()
    with sessions.begin() as session:
        for table in (AlertDelivery, ArticleUrl):
            session.execute(delete(table).where(table.article_id == gone))
        session.execute(delete(Article).where(Article.id == gone))
    assert _urls(sessions, "нефть") == []


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_articles_stored_before_the_search_migration_are_found(
    backend: str, tmp_path: Path, request
) -> None:
    url = (
        f"sqlite:///{tmp_path / 'old.db'}"
        if backend == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    engine = make_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")  # the schema before full-text search
        connection.execute(
            text(
                "INSERT INTO sources (id, name, languages, discovery, enabled, first_seen)"
                " VALUES ('s', 'S', '[\"kk\"]', 'feed', true, CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO articles (source_id, canonical_url, url, title, text, language,"
                " fetched_at, content_hash, word_count, version, dedup_reason) VALUES ('s',"
                " 'https://s.kz/1', 'https://s.kz/1', 'Сапар', 'Тәжікстанның делегациясы келді.',"
                " 'kk', CURRENT_TIMESTAMP, 'h1', 4, 1, 'new')"
            )
        )
    sessions = open_database(url)  # upgrades to head, as every command does
    assert _urls(sessions, "Тәжікстанға") == ["https://s.kz/1"]
    if backend == "sqlite":  # rebuilt without positions (0012): search never needs them
        with engine.connect() as connection:
            sql = connection.scalar(
                text("SELECT sql FROM sqlite_master WHERE name = 'articles_fts'")
            )
        assert "detail=none" in sql
