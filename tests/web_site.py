"""A running `newswatch web` over a real SQLite file filled through the real CLI (ingest of
short pages written for these tests, then `alerts send` to match rules into the outbox)."""

from __future__ import annotations

import html
import os
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import NEWSWATCH, REPO, Cli, NoServer, make_cli

TOKEN = "s3cret-token-for-tests"
EVIL_TITLE = "<script>alert('x')</script> Заголовок с разметкой"
# (canonical URL, language, published, title, paragraphs): one case per page.
PAGES = [
    (
        "https://baq.kz/news/1001",
        "kk",
        "2026-11-20T10:00:00+05:00",
        "Тоқаев пен Рахмон Астанада кездесті",
        [
            "Қазақстан Президенті Қасым-Жомарт Тоқаев Тәжікстанның Президенті Эмомали "
            "Рахмонмен Астанада кездесті.",
            "Екі ел су ресурстары мен сауда туралы келіссөз жүргізді. Тәжікстан мен "
            "Қазақстан арасындағы тауар айналымы өсті.",
        ],
    ),
    (
        "https://tengrinews.kz/kazakhstan_news/2001",
        "ru",
        "2026-11-21T09:30:00+05:00",
        "Токаев и Рахмон провели переговоры в Астане",
        [
            "Президент Казахстана Касым-Жомарт Токаев и президент Таджикистана Эмомали "
            "Рахмон провели переговоры в Астане.",
            "На переговорах обсуждали водные ресурсы, торговлю и транспорт.",
        ],
    ),
    (
        "https://kazpravda.kz/n/3001",
        "ru",
        "2026-11-22T08:00:00+05:00",
        "Курс тенге укрепился к доллару",
        [
            "Национальный банк сообщил, что курс тенге укрепился на торгах в пятницу.",
            "Аналитики ждут спокойной недели на валютном рынке.",
        ],
    ),
    (
        "https://ru24.pro/news/4001",
        "ru",
        "2026-11-19T12:00:00+03:00",
        "Заголовок с разметкой",
        [
            "Этот текст проверяет, что разметка в заголовке показывается как текст.",
            "<img src=x onerror=alert(1)> тоже остаётся просто текстом статьи.",
        ],
    ),
]
RULES = """\
rules:
  - name: leaders
    query: (Тоқаев OR Токаев) AND (Рахмон OR Rahmon)
    recipients: [analyst@example.org]
    delivery: immediate
  - name: currency
    query: тенге
    recipients: [analyst@example.org]
    delivery: immediate
"""


def page_html(url: str, language: str, published: str, title: str, paragraphs: list[str]) -> str:
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        f'<link rel="canonical" href="{url}">'
        f'<meta property="article:published_time" content="{published}">'
        f"</head><body><article><h1>{html.escape(title)}</h1>{body}</article></body></html>"
    )


def write_pages(folder: Path) -> list[str]:
    files = []
    for i, page in enumerate(PAGES):
        path = folder / f"page{i}.html"
        path.write_text(page_html(*page), encoding="utf-8")
        files.append(str(path))
    return files


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def filled_cli(folder: Path, **settings: object) -> Cli:
    rules = folder / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    # A mail server that refuses every connection: the matches wait in the outbox, one failed
    # attempt each. The pages are dated in the past: alert on them anyway.
    settings = {
        "smtp": {"host": "127.0.0.1", "port": free_port(), "security": "none"},
        "alerts": {"alert_backlog": True},
        **settings,
    }
    cli = make_cli(
        folder, f"sqlite:///{folder / 'web.db'}", NoServer(), rules_file=str(rules), **settings
    )
    cli.run("ingest", *write_pages(folder))
    # Extraction strips tags from titles; a title stored with markup anyway (an older version,
    # another path in) must still render as text.
    with sqlite3.connect(folder / "web.db") as db:
        db.execute("UPDATE articles SET title = ? WHERE url LIKE '%ru24.pro%'", (EVIL_TITLE,))
        db.execute(
            "UPDATE stories SET title = ? WHERE id = "
            "(SELECT story_id FROM articles WHERE url LIKE '%ru24.pro%')",
            (EVIL_TITLE,),
        )
        db.execute(
            "UPDATE events SET title = ? WHERE id = "
            "(SELECT event_id FROM articles WHERE url LIKE '%ru24.pro%')",
            (EVIL_TITLE,),
        )
    sent = cli.run("alerts", "send", check=False)
    assert "0 emails sent (0 deliveries), 1 failed" in sent.stdout, sent.stdout + sent.stderr
    return cli


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


@dataclass
class WebServer:
    base: str
    process: subprocess.Popen[str]
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def start_web(cli: Cli, *args: str, host: str = "127.0.0.1", token: str | None = None):
    """`newswatch web` in a child process; returns once it answers (or raises with its log)."""
    port = free_port()
    log = cli.config.parent / f"web-{port}.log"
    env = {**os.environ, **cli.env}
    command = [str(NEWSWATCH), "--config", str(cli.config), "web", "--host", host]
    process = subprocess.Popen(
        [*command, "--port", str(port), *args],
        cwd=REPO,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = WebServer(f"http://127.0.0.1:{port}", process, log)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"newswatch web exited {process.returncode}:\n{log.read_text()}")
        try:
            get(server.base + "/sources", headers)
            return server
        except OSError:
            time.sleep(0.2)  # polling a port for readiness, not synchronising on time
    server.stop()
    raise AssertionError(f"newswatch web did not answer:\n{log.read_text()}")


@dataclass
class Site:
    server: WebServer
    cli: Cli
    stories: list[dict]  # `stories list --json`, read once


def shared_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    cli = filled_cli(tmp_path_factory.mktemp("web"))
    server = start_web(cli)
    try:
        yield Site(server, cli, cli.json_lines("stories", "list"))
    finally:
        server.stop()
