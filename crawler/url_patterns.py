"""Proposing an `article_pattern` (and a listing's `next_page_pattern`) from the URLs a site
shows, for `newswatch sources add`.

A site's article addresses share one shape that its other pages lack: /n/<slug>/,
/news/<slug>-412345, /2024/08/22/<slug>.html. Each path segment is generalised (numbers,
slugs, dates) and the most common shape whose last segment is generalised wins; rubric,
tag and static pages keep literal last segments and fall out. The proposal says how many of
the URLs it takes, so the operator sees a pattern that is too broad or too narrow."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

NUMBER = r"\d+"
SLUG = r"[^/]+"
PAGE_EXTENSION = re.compile(r"\.(html?|php|aspx?|shtml)$", re.IGNORECASE)
SLUG_WORD = re.compile(r"[\w%]+[-_][\w%-]+")  # two or more words joined, as slugs are
PAGE_PARAMETERS = ("page", "p", "pg", "PAGEN_1", "start", "offset")
PAGE_IN_PATH = re.compile(r"^(.*/page/?)(\d+)(/?)$")
MIN_ARTICLES = 2  # fewer links of one shape say nothing about the site


@dataclass(frozen=True)
class PatternProposal:
    pattern: str
    taken: list[str]  # the URLs it matches, in the order given
    total: int  # the site's URLs it was chosen among

    def summary(self) -> str:
        return f"takes {len(self.taken)} of the {self.total} addresses seen on the site"


def propose_article_pattern(urls: Iterable[str], host: str) -> PatternProposal | None:
    """The article pattern for `host` (without www.) from the URLs seen, or None when no
    shape looks like articles."""
    on_site = _on_host(urls, host)
    shapes = Counter(shape for url in on_site if (shape := _article_shape(url)) is not None)
    if not shapes:
        return None
    shape, count = max(shapes.items(), key=lambda item: (item[1], len(item[0])))
    if count < MIN_ARTICLES:
        return None
    pattern = _host_prefix(host) + "/".join(shape) + "/?$"
    compiled = re.compile(pattern)
    return PatternProposal(pattern, [u for u in on_site if compiled.match(u)], len(on_site))


def propose_next_page_pattern(urls: Iterable[str], host: str, listing_url: str) -> str | None:
    """The pattern of the listing's own further pages (?page=2, /page/2/), if it links one."""
    listing_path = urlsplit(listing_url).path
    for url in _on_host(urls, host):
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        for name in PAGE_PARAMETERS:
            if query.get(name, "").isdigit() and parts.path == listing_path:
                return (
                    _host_prefix(host)
                    + re.escape(parts.path.lstrip("/"))
                    + (rf"\?{re.escape(name)}=\d+$")
                )
        if (match := PAGE_IN_PATH.match(parts.path)) and match.group(1).startswith(
            listing_path.rstrip("/")
        ):
            return _host_prefix(host) + re.escape(match.group(1).lstrip("/")) + r"\d+/?$"
    return None


def _on_host(urls: Iterable[str], host: str) -> list[str]:
    seen: dict[str, None] = {}
    for url in urls:
        parts = urlsplit(url)
        if (
            parts.scheme in ("http", "https")
            and (parts.hostname or "").removeprefix("www.") == host
        ):
            seen.setdefault(url.split("#", 1)[0], None)
    return list(seen)


def _article_shape(url: str) -> tuple[str, ...] | None:
    """The generalised path of `url`, or None when its last segment is a literal word (a
    rubric, tag or static page) or it has a query (a listing, a search)."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if not segments or parts.query:
        return None
    shape = tuple(_generalised(s) for s in segments)
    if shape[-1] == re.escape(segments[-1]):
        return None
    return shape


def _generalised(segment: str) -> str:
    stem = PAGE_EXTENSION.sub("", segment)
    extension = re.escape(segment[len(stem) :])
    if stem.isdigit():
        return NUMBER + extension
    if SLUG_WORD.fullmatch(stem) and (len(stem) >= 12 or any(c.isdigit() for c in stem)):
        return SLUG + extension if extension else SLUG
    return re.escape(segment)


def _host_prefix(host: str) -> str:
    return rf"^https?://(www\.)?{re.escape(host)}/"
