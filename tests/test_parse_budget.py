"""Every feed and sitemap is read under a budget (bytes as parsed, CPU time of the parsing
thread): a document over it fails with the reason, never the daemon. Huge sitemaps keep only
their newest entries; the rest are skipped for good."""

from __future__ import annotations

import gzip
import random

from newswatch.crawler.feeds import parse_feed
from newswatch.crawler.sitemaps import parse_sitemap
from newswatch.crawler.xmlbounds import ParseBudget

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _sitemap(entries: list[tuple[int, str | None]]) -> bytes:
    urls = "".join(
        f"<url><loc>https://s.example/a/{n}</loc>"
        + (f"<lastmod>{when}</lastmod>" if when else "")
        + "</url>"
        for n, when in entries
    )
    return f'<?xml version="1.0"?><urlset xmlns="{SITEMAP_NS}">{urls}</urlset>'.encode()


def _day(n: int) -> str:
    return f"20{10 + n // 365 % 15}-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:00:00+05:00"


def test_a_document_over_the_cpu_budget_is_refused_with_the_reason() -> None:
    """300,000 elements in one entry: far more work than a budget of 0.05 s of CPU allows
    (about 0.5 s on this machine); the parse stops at the budget, whatever the load."""
    categories = "<category>x</category>" * 300_000
    feed = (
        '<rss version="2.0"><channel><title>c</title><item><title>t</title>'
        f"<link>https://f.example/a</link>{categories}</item></channel></rss>"
    ).encode()
    result = parse_feed(feed, budget=ParseBudget(cpu_seconds=0.05))
    assert result.entries == []
    assert "refused: over the parse budget" in result.problem and "s of CPU" in result.problem


def test_a_feed_over_the_byte_budget_is_refused_with_the_reason() -> None:
    """Under its entry cap, but each entry 1 KB: over 100,000 bytes."""
    items = "".join(
        f"<item><title>{'x' * 1000}</title><link>https://f.example/a/{n}</link></item>"
        for n in range(500)
    )
    feed = f'<rss version="2.0"><channel><title>c</title>{items}</channel></rss>'.encode()
    result = parse_feed(feed, budget=ParseBudget(max_bytes=100_000))
    assert result.problem == "refused: over the parse budget: more than 100,000 bytes"


def test_a_gzip_bomb_sitemap_stops_at_the_byte_budget() -> None:
    """20 MB of URLs in 0.1 MB of gzip: gunzipped as it is parsed, refused at the budget."""
    urls = "<url><loc>https://s.example/a</loc></url>" * 500_000
    bomb = gzip.compress(f'<urlset xmlns="{SITEMAP_NS}">{urls}</urlset>'.encode(), 1)
    result = parse_sitemap(bomb, budget=ParseBudget(max_bytes=2_000_000))
    assert result.entries == []
    assert result.problem == "over the parse budget: more than 2,000,000 bytes"


def test_a_gzipped_sitemap_within_the_budget_is_read() -> None:
    result = parse_sitemap(gzip.compress(_sitemap([(n, _day(n)) for n in range(10)])))
    assert (result.problem, len(result.entries), result.skipped) == (None, 10, 0)


def test_a_huge_sitemap_keeps_its_newest_entries_in_document_order() -> None:
    numbers = list(range(5000))
    random.Random(12).shuffle(numbers)  # dates in no order: n is the n-th hour since 2020
    entries = [
        (n, f"2020-{1 + n // 720:02d}-{1 + n // 24 % 30:02d}T{n % 24:02d}:00:00Z") for n in numbers
    ]
    result = parse_sitemap(_sitemap(entries), max_entries=100)
    newest = {f"https://s.example/a/{n}" for n in range(4900, 5000)}
    assert {e.loc for e in result.entries} == newest
    in_document = [f"https://s.example/a/{n}" for n in numbers if n >= 4900]
    assert [e.loc for e in result.entries] == in_document
    assert result.skipped == 4900


def test_an_undated_sitemap_keeps_its_first_entries() -> None:
    result = parse_sitemap(_sitemap([(n, None) for n in range(3000)]), max_entries=50)
    assert [e.loc for e in result.entries] == [f"https://s.example/a/{n}" for n in range(50)]
    assert result.skipped == 2950


def test_a_sitemap_index_is_capped_too() -> None:
    sitemaps = "".join(
        f"<sitemap><loc>https://s.example/s/{n}.xml</loc><lastmod>{_day(n)}</lastmod></sitemap>"
        for n in range(30)
    )
    index = f'<sitemapindex xmlns="{SITEMAP_NS}">{sitemaps}</sitemapindex>'.encode()
    result = parse_sitemap(index, max_entries=5)
    assert (result.kind, len(result.entries), result.skipped) == ("index", 5, 25)


def test_a_100000_entry_feed_is_read_only_up_to_its_cap() -> None:
    items = "".join(
        f"<item><title>n{n}</title><link>https://f.example/a/{n}</link></item>"
        for n in range(100_000)
    )
    feed = f'<rss version="2.0"><channel><title>Big</title>{items}</channel></rss>'.encode()
    result = parse_feed(feed, max_entries=40)
    assert [e.link for e in result.entries] == [f"https://f.example/a/{n}" for n in range(40)]
    assert result.more and result.problem is None


def test_a_small_feed_skips_lxmls_pass_only_when_under_its_cap() -> None:
    """Small feeds go to feedparser without lxml's pass when their entry start tags (any
    prefix) cannot exceed the cap; one more entry than the cap is still cut."""
    entries = "".join(
        f"<a:entry><a:title>n{n}</a:title><a:link href='https://f.example/a/{n}'/></a:entry>"
        for n in range(3)
    )
    feed = f"<a:feed xmlns:a='http://www.w3.org/2005/Atom'><a:title>t</a:title>{entries}</a:feed>"
    for cap, read, more in ((3, 3, False), (2, 2, True)):
        result = parse_feed(feed.encode(), max_entries=cap)
        assert (len(result.entries), result.more, result.problem) == (read, more, None)
