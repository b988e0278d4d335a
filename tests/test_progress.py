"""Progress on a terminal for long commands; silence when the output goes to a pipe or JSON."""

from __future__ import annotations

import os
import pty
import subprocess
import threading
from pathlib import Path

from tests.conftest import NEWSWATCH, REPO, make_cli


def _run_on_terminal(*args: str) -> tuple[int, str, str]:
    """stdout to a pipe, stderr to a pseudo-terminal, as when a person runs `cmd > file`."""
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [str(NEWSWATCH), *args], stdout=subprocess.PIPE, stderr=slave, env=env, cwd=REPO
    )
    os.close(slave)
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain)
    reader.start()
    stdout, _ = process.communicate(timeout=240)
    reader.join(60)
    os.close(master)
    return process.returncode, stdout.decode(), b"".join(chunks).decode("utf-8", "replace")


def test_crawl_shows_progress_per_source_on_a_terminal(fixture_server, tmp_path: Path) -> None:
    cli = make_cli(tmp_path, str(tmp_path / "news.db"), fixture_server)
    args = ["--config", str(cli.config), "crawl", "--source", "khovar-en", "--source", "baq-kz"]
    code, stdout, terminal = _run_on_terminal(*args)
    assert code == 0, terminal
    assert "khovar-en" in terminal and "baq-kz" in terminal
    assert "sources done" in terminal and "pages" in terminal
    assert stdout.splitlines()[0].split()[:2] == ["source", "status"]  # results: stdout only


def test_no_progress_with_json_or_without_a_terminal(fixture_server, tmp_path: Path) -> None:
    cli = make_cli(tmp_path, str(tmp_path / "news.db"), fixture_server)
    args = ["--config", str(cli.config), "crawl", "--source", "khovar-en", "--json"]
    code, _, terminal = _run_on_terminal(*args)
    assert code == 0 and "sources done" not in terminal
    piped = cli.run("crawl", "--source", "khovar-en")
    assert "sources done" not in piped.stderr + piped.stdout


def test_ingest_shows_a_bar_over_the_files(tmp_path: Path) -> None:
    from tests.conftest import NoServer
    from tests.expectations import fixture_file, load_expected

    cli = make_cli(tmp_path, str(tmp_path / "news.db"), NoServer())
    pages = [str(fixture_file(e.url)) for e in load_expected() if e.source == "baq-kz"]
    code, stdout, terminal = _run_on_terminal("--config", str(cli.config), "ingest", *pages)
    assert code == 0, terminal
    assert "storing" in terminal and "100%" in terminal and f"{len(pages)} new" in terminal
    assert stdout.count("baq-kz") == len(pages)
