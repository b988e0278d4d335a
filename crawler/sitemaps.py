"""Sitemaps and sitemap indexes, including Google News sitemaps (title and publication date)."""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

from newswatch.crawler.pagemeta import parse_iso_datetime

_MAX_UNZIPPED = 50_000_000  # the sitemap protocol's own limit


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


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(element: etree._Element, *names: str) -> str | None:
    """Text of the first descendant whose local name is one of names (namespaces ignored)."""
    for node in element.iter():
        if _local(node.tag) in names and node.text and node.text.strip():
            return node.text.strip()
    return None


def _gunzip(body: bytes) -> bytes:
    if body[:2] != b"\x1f\x8b":
        return body
    with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
        data = stream.read(_MAX_UNZIPPED + 1)
    if len(data) > _MAX_UNZIPPED:
        raise ValueError("gzipped sitemap expands beyond 50 MB")
    return data


def parse_sitemap(body: bytes) -> SitemapResult:
    try:
        body = _gunzip(body)
        parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
        root = etree.fromstring(body, parser=parser)
    except (ValueError, OSError, etree.XMLSyntaxError) as exc:
        return SitemapResult(problem=f"unreadable sitemap: {exc}")
    if root is None:
        return SitemapResult(problem="empty or unreadable sitemap")
    kind = {"sitemapindex": "index", "urlset": "urlset"}.get(_local(root.tag), "")
    if not kind:
        return SitemapResult(problem=f"not a sitemap (root element <{_local(root.tag)}>)")
    result = SitemapResult(kind=kind)
    for item in root:
        if _local(item.tag) not in ("url", "sitemap"):
            continue
        loc = _child_text(item, "loc")
        if not loc:
            continue
        when = _child_text(item, "publication_date") or _child_text(item, "lastmod")
        result.entries.append(
            SitemapEntry(
                loc=loc, published=parse_iso_datetime(when), title=_child_text(item, "title")
            )
        )
    return result
