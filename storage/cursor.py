"""A DBAPI cursor inside the session's transaction, for the hot paths (dedup's store, event
linking): plain SQL with "?" markers, translated per dialect. SQLAlchemy's per-statement work
cost more than the database's own there (see storage.dedup). Kept apart from dedup so that
reading events does not import the near-duplicate sketches (numpy, datasketch)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Dialect
from sqlalchemy.orm import Session

from newswatch.storage import dedup_pg
from newswatch.storage.types import UTCDateTime


@lru_cache(maxsize=32)
def _values(insert: str, width: int, count: int) -> str:
    """One INSERT of `count` rows: on PostgreSQL a third of the time of executemany's one
    statement per row, on SQLite the same."""
    row = f"({', '.join('?' * width)})"
    return f"{insert} VALUES {', '.join([row] * count)}"


class _Driver:
    """What the plain SQL needs per dialect: its DBAPI's parameter marker and timestamp form."""

    def __init__(self, dialect: Dialect):
        if dialect.paramstyle not in ("qmark", "format", "pyformat"):
            raise NotImplementedError(f"DBAPI parameter style {dialect.paramstyle}")
        self.marker = "?" if dialect.paramstyle == "qmark" else "%s"
        self.name = dialect.name
        bind = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
        self._timestamp = bind or (lambda value: value)
        self._translated: dict[str, str] = {}

    def timestamp(self, value: datetime | None) -> Any:
        return None if value is None else self._timestamp(value)

    def sql(self, statement: str) -> str:
        if self.marker == "?":
            return statement
        if (translated := self._translated.get(statement)) is None:
            translated = self._translated[statement] = statement.replace("?", self.marker)
        return translated


@lru_cache(maxsize=8)
def _driver(dialect: Dialect) -> _Driver:
    return _Driver(dialect)


class Cursor:
    """A DBAPI cursor inside the session's transaction."""

    def __init__(self, session: Session):
        connection = session.connection()
        self.driver = _driver(connection.dialect)
        self._cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        # psycopg 3 (PostgreSQL) can pipeline statements: the store path's two round trips
        self.pipelined = connection.dialect.name == "postgresql" and hasattr(
            self._cursor.connection, "pipeline"
        )

    def rows(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self._cursor.execute(self.driver.sql(statement), params)
        return self._cursor.fetchall()

    def run(self, statement: str, params: Sequence[Any] = ()) -> None:
        self._cursor.execute(self.driver.sql(statement), params)

    def pipeline(self, statements: list[tuple[str, Sequence[Any]]]) -> list[list[tuple]]:
        """PostgreSQL: the statements in order, in one round trip (dedup_pg.pipeline)."""
        return dedup_pg.pipeline(
            self._cursor, [(self.driver.sql(sql), params) for sql, params in statements]
        )

    def insert(self, statement: str, rows: list[tuple[Any, ...]]) -> None:
        """Insert rows of equal width with one statement."""
        params = [value for row in rows for value in row]
        self._cursor.execute(self.driver.sql(_values(statement, len(rows[0]), len(rows))), params)
