"""The operator's first hour: databases named as paths, failures told in a line or two."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import NEWSWATCH, PG_ADMIN_URL, REPO, NoServer, make_cli, need_postgres

RULES = REPO / "tests" / "data" / "rules.yaml"
BACKLOG = ("--alert-backlog",)  # the first crawl's articles alert only when asked


def newswatch(*args: str, cwd: Path, env: dict[str, str] | None = None):
    return subprocess.run(
        [str(NEWSWATCH), *args],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=cwd,
        env={**os.environ, "NEWSWATCH_CONFIG": "", **(env or {})},
    )


def test_database_given_as_a_plain_path(tmp_path: Path) -> None:
    first = newswatch("--database", "data/my.db", "status", "--json", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "data" / "my.db").is_file()
    listed = newswatch("--database", str(tmp_path / "data/my.db"), "articles", "list", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("id")


def test_database_path_in_the_settings_file_is_relative_to_it(tmp_path: Path) -> None:
    cli = make_cli(tmp_path, "db/news.db", NoServer())
    cli.run("articles", "list")
    assert (tmp_path / "db" / "news.db").is_file()


def _short_error(result: subprocess.CompletedProcess[str], *phrases: str) -> None:
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 3, result.stderr
    for phrase in phrases:
        assert phrase in result.stderr, result.stderr


def test_postgres_scheme_says_postgresql(tmp_path: Path) -> None:
    result = newswatch("--database", "postgres://u@localhost/news", "status", cwd=tmp_path)
    _short_error(result, "postgresql://")


def test_unreachable_server_is_one_message(tmp_path: Path) -> None:
    url = "postgresql://postgres@127.0.0.1:9/news"  # port 9 (discard): nothing listens
    result = newswatch("--database", url, "articles", "list", cwd=tmp_path)
    _short_error(result, "cannot reach the database", "is the server running")


def test_missing_postgres_database_says_create_it(tmp_path: Path) -> None:
    need_postgres()
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/newswatch_no_such_db"
    result = newswatch("--database", url, "status", cwd=tmp_path)
    _short_error(result, "'newswatch_no_such_db' does not exist", "createdb newswatch_no_such_db")


def test_missing_driver_says_what_to_install(tmp_path: Path) -> None:
    # sys.modules[name] = None is Python's documented way to make an import fail
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text('import sys\nsys.modules["psycopg"] = None\n')
    url = "postgresql://postgres@127.0.0.1/news"
    result = newswatch("--database", url, "status", cwd=tmp_path, env={"PYTHONPATH": str(blocker)})
    _short_error(result, "not installed", "pip install -e '.[postgres]'")


def test_folder_that_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    result = newswatch("--database", "a-file/news.db", "articles", "list", cwd=tmp_path)
    _short_error(result, "cannot create the folder", "--database PATH")


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    result = newswatch("--debug", "--database", "a-file/news.db", "status", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" in result.stderr
    assert "cannot create the folder" in result.stderr


def test_read_only_commands_write_nothing_beside_a_current_database(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    newswatch("--database", "db/news.db", "status", cwd=tmp_path)  # creates and migrates
    for leftover in folder.glob("news.db?*"):
        leftover.unlink()  # as after the last writer closed it
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    for command in (
        ["articles", "list"],
        ["status"],
        ["stories", "list"],
        ["alerts", "pending"],
        ["alerts", "sent"],
    ):
        result = newswatch("--database", "db/news.db", *command, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    after = {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.name == "news.db"}
    assert after == {"news.db": before["news.db"]}
    assert not (folder / "news.db.migrate-lock").exists()


def test_log_level_of_the_settings_file_applies_to_every_command(tmp_path: Path) -> None:
    cli = make_cli(tmp_path, str(tmp_path / "news.db"), NoServer(), log_level="DEBUG")
    result = cli.run("articles", "list")
    assert " DEBUG " in result.stderr
    quiet = make_cli(tmp_path, str(tmp_path / "news.db"), NoServer())
    assert " DEBUG " not in quiet.run("articles", "list").stderr


def test_alerts_due_without_smtp_say_why_nothing_was_sent(fixture_server, tmp_path: Path) -> None:
    cli = make_cli(tmp_path, str(tmp_path / "news.db"), fixture_server, rules_file=str(RULES))
    result = cli.run("crawl", "--source", "karavan-info", *BACKLOG, check=False)
    assert result.returncode == 2, result.stderr
    assert "alert deliveries wait in the outbox, no email was sent" in result.stderr
    assert "no SMTP server is configured" in result.stderr and "smtp.host" in result.stderr
    send = cli.run("alerts", "send", check=False)
    _short_error(send, "no SMTP server is configured", "NEWSWATCH_SMTP__HOST")
    assert cli.json_lines("alerts", "pending")  # still waiting, nothing lost


def test_fixtures_serve_serves_the_sites_under_the_printed_origin_map(tmp_path: Path) -> None:
    server = subprocess.Popen(
        [str(NEWSWATCH), "fixtures", "serve", "--port", "0", "--copy", str(tmp_path / "mine")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        lines = iter(server.stdout.readline, "")
        assert "origin_map:\n" in lines  # consumes the lines up to it
        mapping = dict(
            line.strip().split(": ", 1) for line in itertools.takewhile(str.strip, lines)
        )
        target = mapping["https://karavaninfo.tj"]
        assert target.startswith("http://127.0.0.1:")
        feed = (tmp_path / "mine" / "sites" / "karavaninfo.tj" / "feed.xml").read_bytes()
        with urllib.request.urlopen(f"{target}/feed/", timeout=60) as response:
            assert response.read() == feed
    finally:
        server.terminate()
        server.wait(60)


def _read_only_mount_works(tmp_path: Path) -> bool:
    probe = (
        subprocess.run(
            [
                "unshare",
                "-m",
                "--propagation",
                "private",
                "sh",
                "-c",
                f"mount --bind {tmp_path} {tmp_path} && mount -o remount,bind,ro {tmp_path}",
            ],
            capture_output=True,
        )
        if shutil.which("unshare")
        else None
    )
    return probe is not None and probe.returncode == 0


def test_read_only_commands_on_a_read_only_folder(tmp_path: Path) -> None:
    """The folder mounted read-only in a private mount namespace (needs root: else skipped)."""
    folder = tmp_path / "db"
    newswatch("--database", "db/news.db", "status", cwd=tmp_path)
    for leftover in folder.glob("news.db?*"):
        leftover.unlink()  # as after the last writer closed it
    if not _read_only_mount_works(folder):
        pytest.skip("cannot mount a folder read-only here (needs root and unshare)")
    commands = "; ".join(
        f"{NEWSWATCH} --database db/news.db {command} >> out.txt 2>&1; echo rc=$? >> out.txt"
        for command in ("articles list", "status", "stories list", "alerts pending", "crawl")
    )
    mount = f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder}"
    subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", f"{mount} && {{ {commands}; }}"],
        cwd=tmp_path,
        env={**os.environ, "NEWSWATCH_CONFIG": ""},
        timeout=600,
        check=True,
    )
    out = (tmp_path / "out.txt").read_text()
    assert out.count("rc=0") == 4, out  # the four read-only commands
    assert out.rstrip().endswith("rc=2") and "cannot open the SQLite file" in out  # crawl
    assert "Traceback" not in out
    assert sorted(p.name for p in folder.iterdir()) == ["news.db"]
