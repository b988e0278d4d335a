"""Two crawler processes writing to the machine's PostgreSQL at once, over the same sites and
starting on an empty database: every item stored once, every copy in the right story."""

from __future__ import annotations

import json
import subprocess

from newswatch.crawler.urls import normalize_url
from tests.conftest import NEWSWATCH, REPO, make_cli
from tests.expectations import load_expected

EXPECTED = load_expected()


def test_two_crawlers_on_one_postgresql_database(fixture_server, postgres_url, tmp_path) -> None:
    cli = make_cli(tmp_path, postgres_url, fixture_server)
    command = [str(NEWSWATCH), "--config", str(cli.config), "crawl", "--json"]
    workers = [
        subprocess.Popen(
            command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=300) for worker in workers]
    for worker, (_, stderr) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, stderr[-3000:]
    summaries = [json.loads(line) for out, _ in outputs for line in out.splitlines()]
    # both fetched and stored concurrently; between them each item was new exactly once
    assert sum(s["new"] for s in summaries) == len(EXPECTED)
    assert all(s["failed"] == 0 for s in summaries)

    articles = cli.json_lines("articles", "list")
    assert len(articles) == len(EXPECTED)
    assert len({a["canonical_url"] for a in articles}) == len(EXPECTED)
    story_of = {a["canonical_url"]: a["story_id"] for a in articles}
    copies = [normalize_url(e.url) for e in EXPECTED if e.seed == "003"]
    assert story_of[copies[0]] == story_of[copies[1]]
    others = [normalize_url(e.url) for e in EXPECTED if e.seed != "003"]
    assert len({story_of[url] for url in others}) == len(others)
    assert len(cli.json_lines("stories", "list")) == len(EXPECTED) - 1
