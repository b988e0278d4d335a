"""Alembic migrations: the models and the migrations agree, and data from the first schema
survives the upgrade (every old article gets its story), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from newswatch.storage.db import MIGRATIONS_DIR, is_current, make_engine
from newswatch.storage.migrations import HEAD
from newswatch.storage.models import Base


def _upgrade(engine, revision: str) -> None:
    _migrate(engine, command.upgrade, revision)


def _downgrade(engine, revision: str) -> None:
    _migrate(engine, command.downgrade, revision)


def _migrate(engine, step, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        step(config, revision)


def _add_source(connection) -> None:
    connection.execute(
        text(
            "INSERT INTO sources (id, name, languages, discovery, enabled, first_seen)"
            " VALUES ('s', 'S', '[\"ru\"]', 'feed', true, CURRENT_TIMESTAMP)"
        )
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'm.db'}"
    return request.getfixturevalue("postgres_url")


def test_the_head_every_command_checks_is_alembics_head() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_heads() == [HEAD]


def test_a_database_is_current_only_at_the_head(database_url: str) -> None:
    engine = make_engine(database_url)
    assert not is_current(engine)  # empty: no alembic_version table
    _upgrade(engine, "0001")
    assert not is_current(engine)
    _upgrade(engine, "head")
    assert is_current(engine)


def test_models_match_migrations(database_url: str) -> None:
    engine = make_engine(database_url)
    _upgrade(engine, "head")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": _orm_name})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def _orm_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Full-text search objects (migration 0009) live outside the ORM on purpose."""
    return not (name or "").startswith(("articles_fts", "ix_articles_fts"))


def test_articles_of_the_first_schema_get_stories(database_url: str) -> None:
    engine = make_engine(database_url)
    _upgrade(engine, "0001")
    with engine.begin() as connection:
        _add_source(connection)
        for n in (1, 2):
            connection.execute(
                text(
                    "INSERT INTO articles (source_id, canonical_url, url, title, text, fetched_at,"
                    " content_hash, word_count) VALUES ('s', :u, :u, :t, 'text', CURRENT_TIMESTAMP,"
                    " :h, 1)"
                ),
                {"u": f"https://s.kz/{n}", "t": f"T{n}", "h": f"h{n}"},
            )
    _upgrade(engine, "head")
    with engine.begin() as connection:
        rows = connection.execute(
            text(
                "SELECT a.title, s.title, s.canonical_article_id = a.id FROM articles a"
                " JOIN stories s ON s.id = a.story_id ORDER BY a.id"
            )
        ).all()
        assert [tuple(r) for r in rows] == [("T1", "T1", True), ("T2", "T2", True)]
        # new stories do not collide with the copied ids
        connection.execute(
            text(
                "INSERT INTO stories (title, article_count, created_at, updated_at)"
                " VALUES ('new', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )


def test_stories_and_deliveries_of_0005_become_events(database_url: str) -> None:
    """Each existing story becomes its own event (same id); a delivery sent for a story stays
    sent for its event, so nothing is alerted again after the upgrade."""
    engine = make_engine(database_url)
    _upgrade(engine, "0005")
    with engine.begin() as connection:
        _add_source(connection)
        connection.execute(
            text(
                "INSERT INTO stories (id, title, article_count, created_at, updated_at)"
                " VALUES (7, 'Story', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO articles (id, source_id, canonical_url, url, title, text, fetched_at,"
                " content_hash, word_count, story_id, dedup_reason, version) VALUES (3, 's',"
                " 'https://s.kz/1', 'https://s.kz/1', 'Story', 'text', CURRENT_TIMESTAMP, 'h', 1,"
                " 7, 'new', 1)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO alert_deliveries (rule, story_id, article_id, recipient, mode, score,"
                " match, status, attempts, next_attempt_at, created_at) VALUES ('r', 7, 3,"
                " 'a@example.org', 'immediate', 1.0, '{}', 'sent', 1, CURRENT_TIMESTAMP,"
                " CURRENT_TIMESTAMP)"
            )
        )
    _upgrade(engine, "head")
    with engine.begin() as connection:
        assert connection.execute(text("SELECT id, title FROM events")).all() == [(7, "Story")]
        assert connection.execute(text("SELECT event_id FROM stories")).scalar() == 7
        assert connection.execute(text("SELECT event_id FROM articles")).scalar() == 7
        assert connection.execute(text("SELECT event_id FROM alert_deliveries")).scalar() == 7
        assert connection.execute(text("SELECT how FROM event_reports")).scalar() == "backfill"
        # new events do not collide with the copied ids
        new_id = connection.execute(
            text(
                "INSERT INTO events (kind, languages, report_count, created_at, updated_at)"
                " VALUES ('call', '[]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id"
            )
        ).scalar()
        assert new_id > 7


def test_band_rows_survive_0013_and_back(database_url: str) -> None:
    """0013 keeps every band row in a table that is only its key; the downgrade gives each row
    its article's fetched_at again."""
    engine = make_engine(database_url)
    _upgrade(engine, "0012")
    with engine.begin() as connection:
        _add_source(connection)
        connection.execute(
            text(
                "INSERT INTO articles (id, source_id, canonical_url, url, text, fetched_at,"
                " content_hash, word_count, dedup_reason, version) VALUES (3, 's',"
                " 'https://s.kz/1', 'https://s.kz/1', 'text', '2026-11-30 08:00:00', 'h', 1,"
                " 'new', 1)"
            )
        )
        for key in (-5, 7, 2**62):
            connection.execute(
                text(
                    "INSERT INTO lsh_bands (key, article_id, created_at)"
                    " VALUES (:k, 3, '2026-11-30 08:00:00')"
                ),
                {"k": key},
            )
    _upgrade(engine, "head")
    with engine.begin() as connection:
        rows = connection.execute(text("SELECT key, article_id FROM lsh_bands ORDER BY key"))
        assert [tuple(r) for r in rows] == [(-5, 3), (7, 3), (2**62, 3)]
        if engine.dialect.name == "sqlite":
            sql = connection.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'lsh_bands'")
            ).scalar()
            assert "WITHOUT ROWID" in sql
    _downgrade(engine, "0012")
    with engine.begin() as connection:
        rows = connection.execute(
            text("SELECT key, article_id, created_at FROM lsh_bands ORDER BY key")
        ).all()
        assert [(r[0], r[1]) for r in rows] == [(-5, 3), (7, 3), (2**62, 3)]
        assert all(str(r[2]).startswith("2026-11-30 08:00:00") for r in rows)
