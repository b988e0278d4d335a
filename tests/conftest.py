"""Shared fixtures: the fixture-site server, databases (SQLite file, the machine's PostgreSQL),
and the real `newswatch` command run as a subprocess."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from newswatch.fixtures.server import FixtureServer

REPO = Path(__file__).resolve().parents[1]
NEWSWATCH = Path(sys.executable).with_name("newswatch")
PG_ADMIN_URL = os.environ.get("NEWSWATCH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRE_SERVICES = os.environ.get("NEWSWATCH_REQUIRE_SERVICES") == "1"
REDIS_URL = os.environ.get("NEWSWATCH_TEST_REDIS", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="session")
def fixture_server() -> Iterator[FixtureServer]:
    with FixtureServer() as server:
        yield server


def _pg_available() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL at {PG_ADMIN_URL} is unreachable: {exc}"


def need_postgres() -> None:
    why = _pg_available()
    if why is None:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"NEWSWATCH_REQUIRE_SERVICES=1 but {why}")
    pytest.skip(why)


def _redis_available() -> str | None:
    """None when Redis answers, else why not."""
    try:
        import redis
    except ImportError:
        return "redis (the Python client) is not installed"
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
        return None
    except redis.RedisError as exc:
        return f"Redis at {REDIS_URL} is unreachable: {exc}"


def need_redis() -> None:
    why = _redis_available()
    if why is None:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"NEWSWATCH_REQUIRE_SERVICES=1 but {why}")
    pytest.skip(why)


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own on the machine's Redis; its keys are deleted after."""
    need_redis()
    import redis

    prefix = f"newswatch-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with fresh_postgres_database() as url:
        yield url


@contextlib.contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards."""
    need_postgres()
    import psycopg

    name = f"newswatch_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Cli:
    """The real `newswatch` command with a settings file for this test."""

    config: Path
    env: dict[str, str] = field(default_factory=dict)  # e.g. secrets, as a user would export

    def run(
        self, *args: str, check: bool = True, stdin: bytes | None = None
    ) -> subprocess.CompletedProcess[str]:
        command = [str(NEWSWATCH), "--config", str(self.config), *args]
        result = subprocess.run(
            command,
            input=stdin.decode() if stdin else None,
            capture_output=True,
            text=True,
            timeout=240,
            cwd=REPO,
            env={**os.environ, **self.env},
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"{' '.join(args)} exited {result.returncode}\nstdout:\n{result.stdout}\n"
                f"stderr:\n{result.stderr[-4000:]}"
            )
        return result

    def json_lines(self, *args: str, check: bool = True) -> list[dict]:
        out = self.run(*args, "--json", check=check).stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]


class NoServer:
    """For commands that read files only: no origin map."""

    @staticmethod
    def origin_map() -> dict[str, str]:
        return {}


def make_cli(
    tmp_path: Path,
    database_url: str,
    server: FixtureServer | NoServer,
    env: dict[str, str] | None = None,
    **settings: object,
) -> Cli:
    values = {
        "database_url": database_url,
        "origin_map": server.origin_map(),
        "crawl": {"download_delay": 0, "timeout": 30},  # no healthy answer takes 30 s, even loaded
    }
    values.update(settings)
    config = tmp_path / "newswatch.yaml"
    config.write_text(yaml.safe_dump(values, allow_unicode=True), encoding="utf-8")
    return Cli(config, env or {})


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'newswatch.db'}"


@pytest.fixture(scope="session")
def web_site(tmp_path_factory: pytest.TempPathFactory):
    """One filled database and one `newswatch web` for the HTTP and the browser tests."""
    from tests.web_site import shared_site

    yield from shared_site(tmp_path_factory)
