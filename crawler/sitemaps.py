"""Sitemaps and sitemap indexes, including Google News sitemaps (title and publication date).

A sitemap is streamed (gunzipped and parsed chunk by chunk under a ParseBudget, each entry
dropped from the tree once read), so its memory does not grow with it; only the newest
max_entries entries are kept (by publication date or lastmod, else the first ones), and the
rest are skipped for good: the page is not incomplete, so an unchanged sitemap is not re-read.
"""

from __future__ import annotations

import heapq
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

from newswatch.crawler.pagemeta import parse_iso_datetime
from newswatch.crawler.xmlbounds import (
    CHUNK_BYTES,
    DEFAULT_BUDGET,
    DocumentRefused,
    ParseBudget,
    chunks_of,
    local_name,
    stream_events,
)

MAX_SITEMAP_ENTRIES = 1000  # a Google News sitemap's own limit


@dataclass(frozen=True)
class SitemapEntry:
    loc: str
    published: datetime | None = None
    title: str | None = None


@dataclass
class SitemapResult:
    kind: str = ""  # "index" | "urlset" | "" when not a sitemap
    entries: list[SitemapEntry] = field(default_factory=list)
    problem: str | None = None
    skipped: int = 0  # entries beyond max_entries, never followed


_FIELDS = ("loc", "publication_date", "lastmod", "title")
_ROOTS = {"sitemapindex": "index", "urlset": "urlset"}
_TAGS = ("{*}urlset", "{*}sitemapindex", "{*}url", "{*}sitemap")  # any namespace or none


def _texts(element: etree._Element) -> dict[str, str]:
    """The first text of each field among the descendants (namespaces ignored), in one pass:
    a sitemap may list 50,000 of them."""
    found: dict[str, str] = {}
    for node in element.iter():
        tag = node.tag
        if not isinstance(tag, str) or not tag.endswith(_FIELDS):  # cheap: most are not
            continue
        name = local_name(tag)
        if name in _FIELDS and name not in found and node.text and (text := node.text.strip()):
            found[name] = text
    return found


def _gunzipped(body: bytes) -> Iterator[bytes]:
    """The body in chunks, gunzipped as it is read (a gzip bomb stops at the budget)."""
    if body[:2] != b"\x1f\x8b":
        yield from chunks_of(body)
        return
    stream = zlib.decompressobj(16 + zlib.MAX_WBITS)
    for piece in chunks_of(body):
        data = stream.decompress(piece, CHUNK_BYTES)
        while data:
            yield data
            data = stream.decompress(stream.unconsumed_tail, CHUNK_BYTES)


def _entry(item: etree._Element) -> SitemapEntry | None:
    found = _texts(item)
    if not (loc := found.get("loc")):
        return None
    when = found.get("publication_date") or found.get("lastmod")
    return SitemapEntry(loc=loc, published=parse_iso_datetime(when), title=found.get("title"))


class _Newest:
    """The newest `limit` entries seen (undated ones rank last, ties in document order)."""

    def __init__(self, limit: int):
        self.limit = limit
        self.seen = 0
        self._heap: list[tuple[float, int, SitemapEntry]] = []

    def add(self, entry: SitemapEntry) -> None:
        when = entry.published.timestamp() if entry.published else float("-inf")
        key = (when, -self.seen, entry)
        self.seen += 1
        if len(self._heap) < self.limit:
            heapq.heappush(self._heap, key)
        elif key[:2] > self._heap[0][:2]:
            heapq.heapreplace(self._heap, key)

    def entries(self) -> list[SitemapEntry]:
        return [entry for _, _, entry in sorted(self._heap, key=lambda k: -k[1])]


def parse_sitemap(
    body: bytes, max_entries: int = MAX_SITEMAP_ENTRIES, budget: ParseBudget = DEFAULT_BUDGET
) -> SitemapResult:
    result = SitemapResult()
    newest = _Newest(max_entries)
    root: etree._Element | None = None
    try:
        events = stream_events(_gunzipped(body), budget, recover=True, tags=_TAGS)
        for event, element in events:
            if root is None:
                root = element
                result.kind = _ROOTS.get(local_name(root.tag), "")
                if not result.kind:
                    break
            if event != "end" or element.getparent() is not root:
                continue
            if entry := _entry(element):
                newest.add(entry)
            element.clear()  # read: drop it and what came before, memory stays flat
            while element.getprevious() is not None:
                del root[0]
    except DocumentRefused as exc:
        return SitemapResult(problem=str(exc))
    except (zlib.error, etree.XMLSyntaxError) as exc:
        return SitemapResult(problem=f"unreadable sitemap: {exc}")
    if root is None or not result.kind:
        return SitemapResult(problem="not a sitemap (no <urlset> or <sitemapindex> root element)")
    result.entries = newest.entries()
    result.skipped = newest.seen - len(result.entries)
    return result
