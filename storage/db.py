"""Engines and sessions; the schema is created and upgraded by Alembic, never by create_all."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, exc, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from newswatch.storage.migrations import HEAD

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class DatabaseUnavailable(Exception):
    """A database newswatch cannot use: what is wrong, and what to do about it."""

    def __init__(self, problem: str, remedy: str) -> None:
        super().__init__(f"{problem}\n{remedy}")
        self.problem = problem
        self.remedy = remedy


def explain(error: exc.DBAPIError | OSError, url: str | None) -> DatabaseUnavailable:
    """The operator's view of a failure to open or migrate a database."""
    where = make_url(url).render_as_string(hide_password=True) if url else "in use"
    message = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
    lowered = message.lower()
    if "does not exist" in lowered and "database" in lowered:
        name = make_url(url).database if url else "named in database_url"
        return DatabaseUnavailable(
            f"the database {name!r} does not exist ({where})",
            f"create it (createdb {name}) or fix database_url / --database",
        )
    if "readonly" in lowered or "read-only" in lowered or "permission" in lowered:
        return DatabaseUnavailable(
            f"cannot write to the database {where}: {message}",
            "use a file in a folder you can write to (--database PATH), or fix its permissions",
        )
    if "unable to open database file" in lowered:
        return DatabaseUnavailable(
            f"cannot open the SQLite file {where}",
            "check that its folder exists and that you can write to it, or pass --database PATH",
        )
    if isinstance(error, exc.DBAPIError):
        return DatabaseUnavailable(
            f"cannot reach the database {where}: {message}",
            "is the server running? Check host, port, user and password in database_url",
        )
    return DatabaseUnavailable(f"cannot use the database {where}: {message}", "fix database_url")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the crawler's writes
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB: the LSH band index is read at random
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def _read_only_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """read_only (SQLite): open the file with mode=ro, so a read-only folder or file serves."""
    try:
        parsed = make_url(url)
    except exc.ArgumentError as error:
        raise DatabaseUnavailable(
            f"{url!r} is not a database URL", "write a path or sqlite:///PATH or postgresql://..."
        ) from error
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, read_only)
    if parsed.drivername == "postgresql":  # plain postgresql:// means psycopg 3 here
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    try:
        engine = create_engine(url)
    except ModuleNotFoundError as error:
        raise DatabaseUnavailable(
            f"the driver for {parsed.get_backend_name()} is not installed ({error.name})",
            "install it: pip install -e '.[postgres]'",
        ) from error
    except exc.NoSuchModuleError as error:
        raise DatabaseUnavailable(
            f"unknown database kind {parsed.drivername!r}",
            "use sqlite:///PATH, a plain path, or postgresql://user@host/db",
        ) from error
    _ping_when_idle(engine)
    return engine


# A pooled connection is pinged before use only when it has lain idle this long: the crawler
# checks one out for every article it stores, and pool_pre_ping's round trip on each was a
# tenth of a store at a million articles. One used a moment ago is alive but for a server
# restart in between, whose first statement then fails as any database failure does (the
# crawler counts the page failed and fetches it again next poll; a daemon job logs it and runs
# again on schedule); the pool drops every connection of the old server on it.
PING_AFTER_IDLE = 1.0  # seconds


def _ping_when_idle(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection, record) -> None:
        record.info["checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy) -> None:
        since = record.info.get("checked_in")
        if since is None or time.monotonic() - since < PING_AFTER_IDLE:
            return  # new, or used a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_connection, None):
                raise exc.DisconnectionError(str(error)) from error  # the pool reconnects
            raise


def _sqlite_engine(parsed, read_only: bool) -> Engine:
    database = parsed.database
    if database and database != ":memory:":
        folder = Path(database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DatabaseUnavailable(
                f"cannot create the folder {folder} for the database: {error.strerror}",
                "choose a location you can write to: --database PATH",
            ) from error
    if read_only and database and database != ":memory:":
        path = Path(database).expanduser().resolve()
        options = "mode=ro"
        if not os.access(path.parent, os.W_OK) and not Path(f"{path}-wal").exists():
            # WAL readers need a -shm file beside the database; in a read-only folder with no
            # writer (a writer's -wal would exist) the file cannot change: read it as such
            options += "&immutable=1"
        engine = create_engine(f"sqlite:///file:{quote(str(path))}?{options}&uri=true")
        event.listen(engine, "connect", _read_only_pragmas)
        return engine
    engine = create_engine(parsed)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _existing_sqlite_file(url: str) -> bool:
    parsed = make_url(url)
    database = parsed.database
    return (
        parsed.get_backend_name() == "sqlite"
        and bool(database)
        and database != ":memory:"
        and Path(database).expanduser().is_file()
    )


MIGRATION_LOCK_ID = 0x6E657773  # "news": the advisory lock every newswatch process migrates under


@contextlib.contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate-lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _alembic_config() -> Config:
    from alembic.config import Config  # Alembic itself only when migrating

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def is_current(engine: Engine) -> bool:
    """True when the schema is at the newest migration: nothing to write, no lock to take."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return False
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
        return list(versions) == [HEAD]


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent, cheap when up to date).

    Workers starting together on a fresh database take turns, so only one creates tables.
    """
    config = _alembic_config()
    is_sqlite = engine.dialect.name == "sqlite"
    with (
        _sqlite_file_lock(engine) if is_sqlite else contextlib.nullcontext(),
        engine.begin() as connection,
    ):
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
        else:  # before any write: dropping a table of 42M band rows (0013) kept its statement
            # journal in memory, 5 GB at a million articles; a temporary file holds it instead
            connection.exec_driver_sql("PRAGMA temp_store=FILE")
        config.attributes["connection"] = connection
        from alembic import command

        command.upgrade(config, "head")
    engine.dispose()  # the migration's connection, with its settings, is not handed on


def open_database(url: str, *, read_only: bool = False) -> sessionmaker[Session]:
    """Migrate only when the schema is behind; read_only commands then read through a
    read-only connection. Failures raise DatabaseUnavailable, saying what to do."""
    try:
        if read_only and _existing_sqlite_file(url):
            engine = make_engine(url, read_only=True)
            if is_current(engine):
                log.debug("%s: schema current, reading through a read-only connection", url)
                return sessionmaker(engine, expire_on_commit=False)
            engine.dispose()
        engine = make_engine(url)
        if not is_current(engine):
            log.debug("%s: schema behind, migrating", url)
            upgrade(engine)
    except (exc.DBAPIError, OSError) as error:
        raise explain(error, url) from error
    return sessionmaker(engine, expire_on_commit=False)
