"""Metadata read straight from the page tree: canonical URL, machine-readable dates, datelines.

trafilatura drops the time of day and misreads some visible dates, so dates are read here first.
"""

from __future__ import annotations

import contextlib
import functools
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from htmldate import find_date
from lxml import etree
from lxml import html as lxml_html
from trafilatura.metadata import examine_meta, extract_author, extract_meta_json, extract_title
from trafilatura.utils import line_processing

from newswatch.crawler.dates import is_plausible_publication
from newswatch.crawler.urls import host_of, join_url, split_url

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
# Only elements that have a name (or are a <time>) can be named like a date: XPath selects
# them in C, far fewer than visiting every element in Python.
_NAMED_ELEMENTS = etree.XPath("//*[@class or @id or @itemprop or self::time]")
# An element that holds the time of the last change, not of publication.
_UPDATED_HINT = re.compile(r"updat|modif|edited|changed|обновл|изменен|жаңарт", re.I)
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


@dataclass(frozen=True)
class PageMetadata:
    title: str | None
    author: str | None
    description: str | None


def page_metadata(tree: lxml_html.HtmlElement) -> PageMetadata:
    """Title, author and description as trafilatura's metadata step finds them (its own
    functions, in its order), without the date search, categories, tags and license that
    its with_metadata=True also runs on every page."""
    found = examine_meta(tree)
    if found.author and " " not in found.author:  # a handle, not a name
        found.author = None
    with contextlib.suppress(Exception):  # malformed JSON-LD must not cost the page
        found = extract_meta_json(tree, found)
    title = found.title or extract_title(tree)
    author = found.author or (extract_author(tree) if may_name_author(tree) else None)
    return PageMetadata(_trim(title), _trim(author), _trim(found.description))


# What every element trafilatura's author expressions select carries in one of these
# attributes (their tests, in the case they write them; tests/test_byline_prefilter.py checks
# them against trafilatura's own). A page with none skips the search, which costs most (every
# expression over the whole tree, a copy of it) exactly when it finds nothing.
AUTHOR_ATTRIBUTES = ("class", "id", "itemprop", "rel", "data-testid", "data-component")
AUTHOR_HINT = re.compile(
    "uthor|yline|byl|BBL|username|zuozhe|bianji|xiaobian|channel-name|submitted-by|posted-by|"
    "journalist-name|screenname|writer"
)
# One walk of the tree: <author>, <rel> (its test of a child <rel> element) and every element
# with one of the attributes.
_MAY_CARRY_AUTHOR = etree.XPath(
    "//author | //rel | //*[" + " or ".join(f"@{a}" for a in AUTHOR_ATTRIBUTES) + "]"
)


def may_name_author(tree: lxml_html.HtmlElement) -> bool:
    """False when no element could be what trafilatura's extract_author looks for."""
    return any(
        element.tag in ("author", "rel")
        or AUTHOR_HINT.search(" ".join(element.get(name, "") for name in AUTHOR_ATTRIBUTES))
        for element in _MAY_CARRY_AUTHOR(tree)
    )


def _trim(value: str | None) -> str | None:
    """As trafilatura's Document.clean_and_trim: entities, control characters, spaces."""
    value = line_processing(html.unescape(value[:10_000])) if value else None
    return value or None


def search_date(tree: lxml_html.HtmlElement) -> str | None:
    """htmldate's own search (YYYY-MM-DD) for pages that state no date we can read.
    The extensive search finds more than trafilatura's metadata step, which skips it."""
    try:
        return find_date(
            tree,
            original_date=True,
            extensive_search=True,
            max_date=datetime.now().strftime("%Y-%m-%d"),
        )
    except ValueError:
        return None


def canonical_url(tree: lxml_html.HtmlElement, page_url: str) -> str | None:
    for xpath in ('//link[@rel="canonical"]/@href', '//meta[@property="og:url"]/@content'):
        for value in tree.xpath(xpath):
            if value.strip() and (joined := join_url(page_url, value)):
                return joined
    return None


@functools.lru_cache(maxsize=32)  # dates and body read the same blocks of one page
def _json_ld_objects(script: str) -> tuple[dict, ...]:
    """Every object of one JSON-LD block (nested ones and @graph members too); read-only."""
    try:
        data = json.loads(script)
    except ValueError:
        return ()
    found = []
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            found.append(node)
            stack.extend(v for v in node.values() if isinstance(v, dict | list))
    return tuple(found)


def _json_ld_nodes(tree: lxml_html.HtmlElement) -> Iterator[dict]:
    """Every object of the page's JSON-LD blocks (nested ones and @graph members too)."""
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        yield from _json_ld_objects(str(script))


def _json_ld_dates(tree: lxml_html.HtmlElement) -> Iterator[str]:
    for node in _json_ld_nodes(tree):
        if isinstance(node.get("datePublished"), str):
            yield node["datePublished"]


_MARKUP = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+")
# Share of the structured body's words that must be visible on the page.
BODY_ON_PAGE_SHARE = 0.9


def drop_structured_bodies(tree: lxml_html.HtmlElement) -> None:
    """Take the articleBody out of the JSON-LD blocks (read it first): trafilatura's baseline
    would take one unchecked, and its JSON metadata reader scans the whole text of a block,
    character by character. The rest (headline, author, dates) stays readable; a block that is
    not valid JSON goes whole."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        if '"articleBody"' not in (script.text or ""):
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            script.drop_tree()
            continue
        _without_bodies(data)
        script.text = json.dumps(data, ensure_ascii=False)


def _without_bodies(node: object) -> None:
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            node.pop("articleBody", None)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def structured_body(tree: lxml_html.HtmlElement) -> str | None:
    """The publisher's own article text (JSON-LD articleBody), as plain lines."""
    bodies = [
        node["articleBody"]
        for node in _json_ld_nodes(tree)
        if isinstance(node.get("articleBody"), str)
    ]
    if not bodies:
        return None
    body = html.unescape(_MARKUP.sub(" ", max(bodies, key=len).replace("</p>", "\n")))
    lines = (" ".join(line.split()) for line in body.splitlines())
    return "\n".join(line for line in lines if line) or None


def shown_on_page(body: str, tree: lxml_html.HtmlElement) -> bool:
    """Does the page show this text? A body the page does not show (another article, a
    stale version, a paywalled full text) is not the page's article."""
    words = set(_WORD.findall(body.lower()))
    visible = " ".join(tree.xpath("//body//text()[not(ancestor::script or ancestor::style)]"))
    shown = words & set(_WORD.findall(visible.lower()))
    return bool(words) and len(shown) >= BODY_ON_PAGE_SHARE * len(words)


def _meta_date_values(tree: lxml_html.HtmlElement) -> Iterator[str]:
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in _DATE_META and meta.get("content"):
            yield meta.get("content")
    yield from _json_ld_dates(tree)
    yield from tree.xpath('//time[@itemprop="datePublished" or @pubdate]/@datetime')


def meta_dates(tree: lxml_html.HtmlElement) -> Iterator[datetime]:
    """The publisher's machine-readable publication times, most trusted first (meta tags,
    JSON-LD, <time>). A template's placeholder (1970-01-01, a far future) is skipped."""
    for value in _meta_date_values(tree):
        parsed = parse_iso_datetime(value)
        if parsed and is_plausible_publication(parsed):
            yield parsed


def dateline_candidates(tree: lxml_html.HtmlElement) -> list[str]:
    """Short visible texts that may be the article's dateline, most likely first.

    Elements named like dates near the headline come first; a page's own clock widget or the
    dates of related items further away come later, "updated" times last. Texts of child
    elements are joined with a space: "28.09.19" and "12:44" in two spans are not "28.09.1912:44".
    """
    headline = next(iter(tree.xpath("//h1")), None)
    scope = headline
    for _ in range(3):  # the headline's container usually holds the dateline too
        if scope is not None and scope.getparent() is not None:
            scope = scope.getparent()
    near, far, updated = [], [], []
    for element in _NAMED_ELEMENTS(tree):
        if element.tag in ("script", "style", "noscript"):
            continue
        label = f"{element.get('class', '')} {element.get('id', '')} {element.get('itemprop', '')}"
        if not _DATE_HINT.search(label) and element.tag != "time":
            continue
        text = " ".join(" ".join(element.itertext()).split())
        if text and len(text) <= 120:
            inside = scope is not None and _is_descendant(element, scope)
            if _UPDATED_HINT.search(label) or _UPDATED_HINT.match(text):
                updated.append(text)
            else:
                (near if inside else far).append(text)
    return near + far + updated


def _is_descendant(element: lxml_html.HtmlElement, ancestor: lxml_html.HtmlElement) -> bool:
    return any(node is ancestor for node in element.iterancestors())


MAX_OUTBOUND = 100
# Link texts long enough to be a headline; XPath filters in C, before any Python object.
_LONG_LINKS = etree.XPath("//a[string-length(normalize-space(.)) >= 15]")


def long_link_texts(tree: lxml_html.HtmlElement) -> list[str]:
    """Texts of links that may be another story's headline."""
    return [link.text_content() for link in _LONG_LINKS(tree)]


def outbound_links(tree: lxml_html.HtmlElement, page_url: str) -> list[str]:
    """http(s) links to other hosts, in page order: a republished copy links its original.
    A relative link is the page's own host and is not even parsed; an invalid one is skipped."""
    own_host = host_of(page_url)
    scheme = "http" if page_url.startswith("http:") else "https"
    links: dict[str, None] = {}
    for href in tree.xpath("//a/@href"):
        href = href.strip()
        head = href[:8].lower()
        if head.startswith("//"):
            href = f"{scheme}:{href}"
        elif not head.startswith(("http://", "https://")):
            continue
        authority = href.split("/", 3)[2].rpartition("@")[2].lower()
        if authority == own_host:
            continue  # the common case, without parsing the URL
        parts = split_url(href)
        host = (parts.hostname or "").lower() if parts else ""
        if host and host != own_host:
            links[href] = None
            if len(links) >= MAX_OUTBOUND:
                break
    return list(links)
