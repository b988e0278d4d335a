"""Hostile feeds beside a healthy source, under `newswatch run`: an entity bomb is refused with
a reason and costs no memory; a feed of 100,000 entries is read up to its cap once, its stored
count stays put poll after poll, and the healthy source's alert arrives within its interval."""

from __future__ import annotations

import json
import random
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newswatch.crawler.feeds import parse_feed
from newswatch.fixtures.publish import relations_story
from newswatch.fixtures.server import Site
from tests.daemon_harness import KHOVAR_EN, POLL_SECONDS, daemon_world, wait_until

MAX_RSS_BYTES = 400 * 1024 * 1024
_WORDS = [
    "город",
    "район",
    "вода",
    "мост",
    "школа",
    "завод",
    "поле",
    "рынок",
    "парк",
    "улица",
    "дорога",
    "сад",
    "река",
    "совет",
    "план",
    "отчёт",
    "бюджет",
    "весна",
    "осень",
    "зима",
    "лето",
    "утро",
    "вечер",
    "новый",
    "старый",
    "большой",
    "малый",
    "тихий",
    "ясный",
]


@pytest.fixture
def world(tmp_path):
    yield from daemon_world(tmp_path, [KHOVAR_EN])


def _hostile_source(world, host: str, feed: bytes, routes: dict | None = None) -> dict:
    """A site of its own serving `feed` at /feed.rss, and a source polling it."""
    root = world.tmp_path / "sites" / host
    root.mkdir(parents=True, exist_ok=True)
    (root / "feed.rss").write_bytes(feed)
    all_routes = {"/feed.rss": {"file": "feed.rss", "content_type": "application/rss+xml"}}
    world.server.sites[host] = Site(host, f"https://{host}", root, {**all_routes, **(routes or {})})
    source_id = host.split(".")[0]
    return {
        "id": source_id,
        "name": source_id,
        "languages": ["ru"],
        "discovery": "feed",
        "start_urls": [f"https://{host}/feed.rss"],
        "allowed_domains": [host],
        "schedule": {"interval": f"{POLL_SECONDS}s", "jitter": 0},
    }


def _quadratic_entity_feed() -> bytes:
    """355 KB: one 200 KB entity referenced 30,000 times (6 GB once expanded)."""
    refs = "&big;" * 30_000
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<!DOCTYPE rss [<!ENTITY big "{"x" * 200_000}">]>\n'
        '<rss version="2.0"><channel><title>Bomb</title><link>https://bomb.example/</link>'
        f"<item><title>t</title><link>https://bomb.example/a/1</link>"
        f"<description>{refs}</description></item></channel></rss>"
    ).encode()


def _feed_with(doctype: str, title: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n<rss version="2.0"><channel>'
        f"<title>F</title><item><title>{title}</title><link>https://f.example/a/1</link></item>"
        "</channel></rss>"
    ).encode()


@pytest.mark.parametrize(
    ("doctype", "title", "reason"),
    [
        (  # billion laughs: entities within entities
            '<!DOCTYPE rss [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
            "&b;",
            "external, parameter or nested",
        ),
        (  # XXE
            '<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
            "&x;",
            "external, parameter or nested",
        ),
        (
            "<!DOCTYPE rss [" + "".join(f'<!ENTITY e{n} "x">' for n in range(60)) + "]>",
            "t",
            "declares 60 XML entities",
        ),
    ],
)
def test_hostile_entity_declarations_are_refused_with_a_reason(doctype, title, reason) -> None:
    result = parse_feed(_feed_with(doctype, title))
    assert result.entries == [] and reason in (result.problem or ""), result.problem


def test_a_small_entity_used_a_few_times_is_not_refused() -> None:
    """Within the bounds: read as feedparser reads it (its loose parser keeps the reference)."""
    result = parse_feed(_feed_with('<!DOCTYPE rss [<!ENTITY kz "Қазақстан">]>', "&kz; и &kz;"))
    assert "refused" not in (result.problem or "")
    assert [e.link for e in result.entries] == ["https://f.example/a/1"]


def _peak_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM in /proc status")


def _last_error(world, source_id: str) -> str:
    for line in world.newswatch("status", "--json").stdout.splitlines():
        record = json.loads(line)
        if record.get("source") == source_id:
            return record["last_error"] or ""
    raise AssertionError(f"{source_id} not in status")


def test_entity_bomb_is_refused_and_the_healthy_source_alerts_on_time(world) -> None:
    world.sources = [KHOVAR_EN, _hostile_source(world, "bomb.example", _quadratic_entity_feed())]
    daemon = world.daemon().start()
    daemon.wait_for("first crawl", "crawled", source="khovar-en")
    refused = daemon.wait_for("the bomb polled", "crawled", source="bomb")
    assert refused["status"] == "failed"

    latency = world.publish_and_wait(relations_story(7))
    assert latency < POLL_SECONDS + 5, f"{latency:.1f} s beside an entity bomb"
    daemon.wait_for("the bomb polled again", "crawled", source="bomb", failures_in_a_row=2)
    peak = _peak_rss(daemon.process.pid)
    assert peak < MAX_RSS_BYTES, f"peak RSS {peak / 2**20:.0f} MB"
    reason = _last_error(world, "bomb")
    assert "feed: refused: XML entity &big;" in reason and "expands beyond" in reason, reason
    assert daemon.terminate() == 0


def _page(number: int) -> str:
    """A short Russian page of its own (no shared sentences: no near-duplicates)."""
    rng = random.Random(number)
    paragraphs = "".join(
        f"<p>{' '.join(rng.choice(_WORDS) for _ in range(30))}.</p>" for _ in range(4)
    )
    return (
        f'<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">'
        f"<title>Сводка {number}</title></head><body><article><h1>Сводка {number}</h1>"
        f"{paragraphs}</article></body></html>"
    )


def _huge_feed(world, host: str, entries: int, served: int) -> tuple[bytes, dict]:
    """A feed of `entries` items; the first `served` articles exist on the site."""
    root = world.tmp_path / "sites" / host / "a"
    root.mkdir(parents=True, exist_ok=True)
    routes = {}
    for number in range(served):
        (root / f"{number}.html").write_text(_page(number), "utf-8")
        routes[f"/a/{number}"] = {"file": f"a/{number}.html"}
    items = "".join(
        f"<item><title>Сводка {n}</title><link>https://{host}/a/{n}</link></item>"
        for n in range(entries)
    )
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Big</title>'
        f"<link>https://{host}/</link>{items}</channel></rss>"
    )
    return feed.encode(), routes


def _stored(world, source_id: str) -> int:
    result = world.newswatch("articles", "list", "--source", source_id, "--json")
    return len(result.stdout.splitlines())


def test_a_100000_entry_feed_is_read_to_its_cap_once_and_does_not_crowd_out_others(
    world,
) -> None:
    cap = 40
    feed, routes = _huge_feed(world, "big.example", 100_000, cap)
    world.sources = [KHOVAR_EN, _hostile_source(world, "big.example", feed, routes)]
    world.settings = {
        "crawl": {
            "download_delay": 0.0,
            "timeout": 30,
            "retry_times": 0,
            "max_body_bytes": 20_000_000,
            "max_feed_entries": cap,
        }
    }
    daemon = world.daemon().start()
    daemon.wait_for("first crawl", "crawled", source="khovar-en")
    daemon.wait_for("the big feed read", "crawled", source="big", status="ok")
    stored = _stored(world, "big")
    assert 0 < stored <= cap

    latency = world.publish_and_wait(relations_story(8))
    assert latency < POLL_SECONDS + 5, f"{latency:.1f} s beside a 100,000-entry feed"

    polls = len(daemon.events("crawled", source="big"))
    wait_until(
        "three more polls of the big feed",
        lambda: len(daemon.events("crawled", source="big")) >= polls + 3,
        timeout=6 * POLL_SECONDS + 60,
    )
    assert _stored(world, "big") == stored  # nothing more stored, poll after poll
    articles = [p for p in world.server.log.paths("big.example") if p.startswith("/a/")]
    assert len(articles) == len(set(articles)) <= cap  # each read once, none beyond the cap
    assert daemon.terminate() == 0


def _slow_source(world, articles: int, delay: float) -> dict:
    """A feed on khovar.tj (the healthy source's own site, so the two take turns) listing
    `articles` pages that each take `delay` seconds to answer."""
    site = world.server.sites["khovar.tj"]
    (site.root / "slow").mkdir(exist_ok=True)
    for number in range(articles):
        (site.root / "slow" / f"{number}.html").write_text(_page(number), "utf-8")
        site.routes[f"/slow/{number}"] = {"file": f"slow/{number}.html", "delay": delay}
    items = "".join(
        f"<item><title>Сводка {n}</title><link>https://khovar.tj/slow/{n}</link></item>"
        for n in range(articles)
    )
    feed = f'<rss version="2.0"><channel><title>Slow</title>{items}</channel></rss>'
    (site.root / "slow" / "feed.rss").write_text(feed, "utf-8")
    site.routes["/slow/feed.rss"] = {"file": "slow/feed.rss", "content_type": "application/rss+xml"}
    return {
        "id": "slow",
        "name": "slow",
        "languages": ["ru"],
        "discovery": "feed",
        "start_urls": ["https://khovar.tj/slow/feed.rss"],
        "allowed_domains": ["khovar.tj"],
        "schedule": {"interval": f"{POLL_SECONDS}s", "jitter": 0},
    }


def test_a_slow_source_stops_at_its_time_slice_and_resumes_next_poll(world) -> None:
    """300 pages answering in 1 s each: a minute or more for one crawl, during which its site
    (shared with the healthy source) would be taken. With a 2 s slice each poll stops with
    the reason, the healthy source gets its turns, and the next poll goes on."""
    articles = 300
    world.sources = [KHOVAR_EN, _slow_source(world, articles, delay=1.0)]
    world.settings = {
        "crawl": {
            "download_delay": 0.0,
            "timeout": 30,
            "retry_times": 0,
            "concurrency_per_domain": 2,
            "time_slice_seconds": 2,
        }
    }
    daemon = world.daemon().start()
    first = daemon.wait_for("the slow source's first slice", "crawled", source="slow")
    assert first["status"] == "partial", first
    stored_first = _stored(world, "slow")
    wait_until(
        "two slices of the slow source",
        lambda: len(daemon.events("crawled", source="slow")) >= 2,
        timeout=10 * POLL_SECONDS + 60,
    )
    world.publish_and_wait(relations_story(9))  # the healthy source's story still arrives
    stored = _stored(world, "slow")
    assert stored_first < stored < articles  # resumed where it stopped, not finished yet
    slow = daemon.events("crawled", source="slow")
    assert all(e["status"] == "partial" for e in slow), slow
    # the site's turns alternate: the healthy source is crawled between the slow one's slices
    healthy = daemon.events("crawled", source="khovar-en")
    assert len(healthy) >= len(slow) - 1, (len(healthy), len(slow))
    assert "time slice: crawl stopped after 2 s" in _last_error(world, "slow")
    assert "source=slow" in daemon.log_text() and "time slice" in daemon.log_text()
    assert daemon.terminate() == 0


def _sitemap_source(world, host: str, name: str, body: bytes, routes: dict) -> dict:
    """A site of its own serving `body` at /name, and a source reading it as a sitemap."""
    root = world.tmp_path / "sites" / host
    root.mkdir(parents=True, exist_ok=True)
    (root / name).write_bytes(body)
    route = {"file": name, "content_type": "application/xml"}
    world.server.sites[host] = Site(host, f"https://{host}", root, {f"/{name}": route, **routes})
    source_id = host.split(".")[0]
    return {
        "id": source_id,
        "name": source_id,
        "languages": ["ru"],
        "discovery": "sitemap",
        "article_pattern": "/a/",
        "start_urls": [f"https://{host}/{name}"],
        "allowed_domains": [host],
        "schedule": {"interval": f"{POLL_SECONDS}s", "jitter": 0},
    }


def _huge_sitemap(world, host: str, entries: int, served: int) -> tuple[bytes, dict]:
    """A sitemap of `entries` URLs, the newest last (entry n is n minutes old, listed in
    reverse); only the `served` newest exist on the site."""
    root = world.tmp_path / "sites" / host / "a"
    root.mkdir(parents=True, exist_ok=True)
    routes = {}
    for number in range(served):
        (root / f"{number}.html").write_text(_page(number), "utf-8")
        routes[f"/a/{number}"] = {"file": f"a/{number}.html"}
    newest = datetime(2026, 11, 30, tzinfo=UTC)
    urls = "".join(
        f"<url><loc>https://{host}/a/{n}</loc>"
        f"<lastmod>{(newest - timedelta(minutes=n)).isoformat()}</lastmod></url>"
        for n in reversed(range(entries))
    )
    ns = "http://www.sitemaps.org/schemas/sitemap/0.9"
    return f'<?xml version="1.0"?><urlset xmlns="{ns}">{urls}</urlset>'.encode(), routes


def _gzip_bomb_sitemap(megabytes: int) -> bytes:
    """`megabytes` MB of sitemap in well under 1 MB of gzip."""
    stream = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"<url><loc>https://bomb.example/a</loc></url>" * 25_000  # about 1 MB
    parts = [stream.compress(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')]
    parts += [stream.compress(block) for _ in range(megabytes)]
    parts += [stream.compress(b"</urlset>"), stream.flush()]
    return b"".join(parts)


def test_hostile_sitemaps_are_capped_or_refused_beside_a_healthy_source(world) -> None:
    """A 20,000-URL sitemap is read to its newest 40 once, its stored count stays put poll
    after poll; a gzip bomb (100 MB of sitemap, twice the byte budget) stops at the parse
    budget with the reason in `status`, in flat memory; the healthy source's story still
    arrives."""
    cap, entries = 40, 20_000
    body, routes = _huge_sitemap(world, "map.example", entries, cap)
    bomb = _gzip_bomb_sitemap(100)
    assert len(bomb) < 500_000
    world.sources = [
        KHOVAR_EN,
        _sitemap_source(world, "map.example", "sitemap.xml", body, routes),
        _sitemap_source(world, "bomb.example", "sitemap.xml.gz", bomb, {}),
    ]
    world.settings = {
        "crawl": {
            "download_delay": 0.0,
            "timeout": 30,
            "retry_times": 0,
            "max_body_bytes": 20_000_000,
            "max_sitemap_entries": cap,
            "parse_cpu_seconds": 1.0,  # the bomb holds the reactor no longer than this
        }
    }
    daemon = world.daemon().start()
    daemon.wait_for("the big sitemap read", "crawled", source="map", status="ok")
    refused = daemon.wait_for("the bomb polled", "crawled", source="bomb")
    assert refused["status"] == "failed"
    stored = _stored(world, "map")
    assert stored == cap

    world.publish_and_wait(relations_story(10))
    polls = len(daemon.events("crawled", source="map"))
    wait_until(
        "two more polls of the big sitemap",
        lambda: len(daemon.events("crawled", source="map")) >= polls + 2,
        timeout=6 * POLL_SECONDS + 60,
    )
    assert _stored(world, "map") == stored  # nothing more stored, poll after poll
    articles = [p for p in world.server.log.paths("map.example") if p.startswith("/a/")]
    assert sorted(articles) == sorted(f"/a/{n}" for n in range(cap))  # the newest, each once
    assert f"lists {entries - cap} entries more than the newest {cap}" in daemon.log_text()
    reason = _last_error(world, "bomb")
    assert "sitemap: over the parse budget" in reason, reason
    peak = _peak_rss(daemon.process.pid)
    assert peak < MAX_RSS_BYTES, f"peak RSS {peak / 2**20:.0f} MB"
    assert daemon.terminate() == 0
