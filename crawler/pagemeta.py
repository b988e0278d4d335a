"""Metadata read straight from the page tree: canonical URL, machine-readable dates, datelines.

trafilatura drops the time of day and misreads some visible dates, so dates are read here first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html

_DATE_META = (
    "article:published_time",
    "og:published_time",
    "published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "dc.date.issued",
    "dc.date",
    "sailthru.date",
)
_DATE_HINT = re.compile(r"date|time|publish|posted|dateline|meta|byline", re.I)
_ISO = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*"
    r"(Z|[+-]\d{2}:?\d{2})?\s*$"
)


def parse_iso_datetime(value: str | None) -> datetime | None:
    """ISO 8601 as news sites write it; naive when the page gives no offset."""
    if not value:
        return None
    match = _ISO.match(value)
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    text = f"{year}-{month}-{day}T{hour or '00'}:{minute or '00'}:{second or '00'}"
    if zone:
        text += "+00:00" if zone == "Z" else (zone if ":" in zone else f"{zone[:3]}:{zone[3:]}")
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def canonical_url(tree: lxml_html.HtmlElement, page_url: str) -> str | None:
    for xpath in ('//link[@rel="canonical"]/@href', '//meta[@property="og:url"]/@content'):
        for value in tree.xpath(xpath):
            value = value.strip()
            if value:
                return urljoin(page_url, value)
    return None


def _json_ld_dates(tree: lxml_html.HtmlElement) -> Iterator[str]:
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                if isinstance(node.get("datePublished"), str):
                    yield node["datePublished"]
                stack.extend(v for v in node.values() if isinstance(v, dict | list))


def meta_published(tree: lxml_html.HtmlElement) -> datetime | None:
    """The publisher's machine-readable publication time: meta tags, JSON-LD, <time>."""
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in _DATE_META and (parsed := parse_iso_datetime(meta.get("content"))):
            return parsed
    for value in _json_ld_dates(tree):
        if parsed := parse_iso_datetime(value):
            return parsed
    for value in tree.xpath('//time[@itemprop="datePublished" or @pubdate]/@datetime'):
        if parsed := parse_iso_datetime(value):
            return parsed
    return None


def dateline_candidates(tree: lxml_html.HtmlElement) -> list[str]:
    """Short visible texts that may be the article's dateline, most likely first.

    Elements named like dates near the headline come first; a page's own clock widget or the
    dates of related items further away come last.
    """
    headline = next(iter(tree.xpath("//h1")), None)
    scope = headline
    for _ in range(3):  # the headline's container usually holds the dateline too
        if scope is not None and scope.getparent() is not None:
            scope = scope.getparent()
    near, far = [], []
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style", "noscript"):
            continue
        label = f"{element.get('class', '')} {element.get('id', '')} {element.get('itemprop', '')}"
        if not _DATE_HINT.search(label) and element.tag != "time":
            continue
        text = " ".join(element.text_content().split())
        if text and len(text) <= 120:
            inside = scope is not None and _is_descendant(element, scope)
            (near if inside else far).append(text)
    return near + far


def _is_descendant(element: lxml_html.HtmlElement, ancestor: lxml_html.HtmlElement) -> bool:
    return any(node is ancestor for node in element.iterancestors())


MAX_OUTBOUND = 100


def outbound_links(tree: lxml_html.HtmlElement, page_url: str) -> list[str]:
    """http(s) links to other hosts, in page order: a republished copy links its original."""
    own_host = urlsplit(page_url).hostname or ""
    links: list[str] = []
    for href in tree.xpath("//a/@href"):
        url = urljoin(page_url, href.strip())
        host = urlsplit(url).hostname or ""
        if url.startswith(("http://", "https://")) and host and host != own_host:
            if url not in links:
                links.append(url)
            if len(links) >= MAX_OUTBOUND:
                break
    return links
