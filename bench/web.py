"""The web view at scale: answer times of the stream page (and its filters, a story page and a
search) over a real server with 100,000 stored articles.

    python -m bench.web [--articles 100000] [--requests 200] [--database URL]

Articles are bulk-inserted (one story each, every tenth story with a second copy; one event
per story, every fifth story joining the event before it, as another outlet's report) with texts
drawn from a small vocabulary of our own; the full-text index is filled by its triggers as the
crawler's inserts fill it. The server is uvicorn in a thread of this process on a free port;
each figure is the median of sequential GET requests on one keep-alive connection.
"""

from __future__ import annotations

import argparse
import http.client
import random
import socket
import statistics
import tempfile
import threading
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path

import uvicorn
from sqlalchemy import func, insert, select, text

from newswatch.alerts.rules import load_rules
from newswatch.cli.state import AppState
from newswatch.storage.db import open_database
from newswatch.storage.models import Article, Event, Source, Story
from newswatch.web.app import create_app

WORDS = [
    "Казахстан",
    "Таджикистан",
    "президент",
    "визит",
    "переговоры",
    "сотрудничество",
    "торговля",
    "вода",
    "энергетика",
    "граница",
    "транспорт",
    "соглашение",
    "делегация",
    "министр",
    "экономика",
    "инвестиции",
    "регион",
    "Астана",
    "Душанбе",
    "Қазақстан",
    "Тәжікстан",
    "Президенті",
    "келіссөз",
    "ынтымақтастық",
    "сауда",
    "су",
    "энергетика",
    "шекара",
    "көлік",
    "келісім",
    "делегация",
    "министр",
    "экономика",
    "инвестиция",
    "өңір",
    "Тоқаев",
    "Рахмон",
    "рынок",
    "курс",
    "тенге",
    "сомони",
    "неделя",
    "заявил",
    "сообщил",
    "отметил",
    "стороны",
    "вопросы",
    "развитие",
    "проект",
    "встреча",
    "региональный",
]
SOURCES = [("tengrinews", "ru"), ("baq-kz", "kk"), ("kazpravda", "ru"), ("khovar-ru", "ru")]
TARGET_MS = 100.0


def fill(url: str, articles: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    sessions = open_database(url)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    with sessions.begin() as session:
        for source_id, language in SOURCES:
            session.merge(
                Source(id=source_id, name=source_id, languages=[language], discovery="feed")
            )
    batch = 2000
    article_id = story_id = event_id = 0
    while article_id < articles:
        events, stories, rows = [], [], []
        while len(rows) < batch and article_id < articles:
            story_id += 1
            when = start + timedelta(minutes=7 * story_id)
            copies = 2 if story_id % 10 == 0 else 1
            title = " ".join(rng.choices(WORDS, k=8))
            if story_id % 5 != 0 or not events:  # every fifth story: another outlet's report
                event_id += 1
                events.append(
                    dict(id=event_id, title=title, kind="none", day=when, first_published=when,
                         languages=["ru"], report_count=copies)
                )  # fmt: skip
            for copy in range(copies):
                article_id += 1
                source_id, language = SOURCES[(story_id + copy) % len(SOURCES)]
                text = "\n".join(" ".join(rng.choices(WORDS, k=40)) + "." for _ in range(4))
                rows.append(
                    dict(
                        id=article_id,
                        source_id=source_id,
                        canonical_url=f"https://{source_id}.example/{article_id}",
                        url=f"https://{source_id}.example/{article_id}",
                        title=title,
                        text=text,
                        language=language,
                        published=when + timedelta(minutes=copy),
                        content_hash=f"{article_id:064x}",
                        word_count=160,
                        story_id=story_id,
                        event_id=event_id,
                    )
                )
            stories.append(
                dict(
                    id=story_id,
                    title=title,
                    canonical_article_id=article_id - copies + 1,
                    first_published=when,
                    article_count=copies,
                    event_id=event_id,
                )
            )
        with sessions.begin() as session:
            session.execute(insert(Event), events)
            session.execute(insert(Story), stories)
            session.execute(insert(Article), rows)


def analyse(url: str) -> None:
    """Planner statistics, as autovacuum gathers them soon after a bulk load: without them
    PostgreSQL takes the 100,000 fresh rows for a few hundred and scans instead of seeking."""
    if url.startswith("postgresql"):
        with open_database(url).begin() as session:
            session.execute(text("ANALYZE"))


def stored(url: str) -> int:
    with open_database(url)() as session:
        return session.scalar(select(func.count(Article.id))) or 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(url: str) -> tuple[uvicorn.Server, int]:
    app_state = AppState(overrides={"database_url": url})
    application = create_app(app_state, load_rules())
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(application, port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:  # wait for the condition, checking every 50 ms
        time.sleep(0.05)
    return server, port


def timings(port: int, path: str, requests: int) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times = []
    for _ in range(requests):
        began = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        times.append((time.perf_counter() - began) * 1e3)
        assert response.status == 200, (path, response.status, body[:300])
    connection.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database", help="SQLAlchemy URL; filled only when it has no article")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newswatch-bench-web-") as tmp:
        url = args.database or f"sqlite:///{Path(tmp) / 'web.db'}"
        if not stored(url):
            began = time.perf_counter()
            fill(url, args.articles)
            print(f"filled {args.articles} articles in {time.perf_counter() - began:.0f} s")
        analyse(url)
        server, port = serve(url)
        q = urllib.parse.quote
        pages = {
            "stream /": "/",
            "stream, one language": "/?language=kk",
            "stream, one source": "/?source=kazpravda",
            "stream, a date range": "/?since=2024-03-01&until=2024-03-31",
            "stream, page 20": "/?page=20",
            "story page": f"/stories/{args.articles // 3}",
            "search (2 words, kk forms)": f"/search?q={q('Тәжікстанға келіссөздер')}",
            "API /api/stories": "/api/stories",
        }
        print(f"\n{'page':30} {'median ms':>10} {'p95 ms':>8}  target")
        for name, path in pages.items():
            times = sorted(timings(port, path, args.requests if "search" not in name else 20))
            median = statistics.median(times)
            p95 = times[int(len(times) * 0.95) - 1]
            target = f"<= {TARGET_MS:.0f}" if name == "stream /" else ""
            print(f"{name:30} {median:10.1f} {p95:8.1f}  {target}")
        server.should_exit = True


if __name__ == "__main__":
    main()
