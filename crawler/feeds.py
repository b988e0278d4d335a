"""RSS/Atom parsing exactly as the feed spider does it: bytes in, typed entries out."""

from __future__ import annotations

import email.utils
import html
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import feedparser
import feedparser.api

from newswatch.crawler.encoding import decode_body
from newswatch.crawler.mojibake import MojibakeError, repair_mojibake
from newswatch.crawler.pagemeta import parse_iso_datetime
from newswatch.crawler.xmlbounds import (
    DEFAULT_BUDGET,
    MAX_FEED_ENTRIES,
    DocumentRefused,
    ParseBudget,
    check_entities,
    trim_entries,
)

log = logging.getLogger("newswatch.feeds")
# feedparser asks xml.sax for the "drv_libxml2" driver first, on every parse: a failed import
# that searches sys.path each time, about a quarter of the time of reading a small feed. That driver
# (old libxml2 bindings) is not installed; expat, the fallback, is what parses either way.
feedparser.api.PREFERRED_XML_PARSERS = []
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class FeedEntry:
    title: str | None
    link: str | None
    published: datetime | None
    author: str | None = None
    summary: str | None = None


@dataclass
class FeedResult:
    entries: list[FeedEntry] = field(default_factory=list)
    version: str = ""
    encoding: str = ""
    problem: str | None = None  # why the feed is broken or not a feed; entries may still exist
    more: bool = False  # the feed lists more entries than max_entries; the rest are never read

    @property
    def is_feed(self) -> bool:
        return bool(self.version) or bool(self.entries)


def plain_text(fragment: str | None) -> str | None:
    """Feed titles and summaries carry markup and entities: strip and unescape them."""
    if not fragment:
        return None
    text = _SPACE.sub(" ", html.unescape(_TAGS.sub(" ", fragment))).strip()
    return text or None


def _readable(text: str | None) -> str | None:
    """Feed text that is mojibake is re-decoded; beyond repair it is dropped (logged), and
    the article page itself is read instead."""
    if not text:
        return text
    try:
        repaired, codec = repair_mojibake(text)
    except MojibakeError as exc:
        log.warning("feed entry text dropped: %s", exc)
        return None
    if codec:
        log.warning("feed entry text re-decoded: it was UTF-8 read as %s", codec)
    return repaired


def _stated_time(raw: str | None) -> datetime | None:
    """The entry's own time with its own UTC offset (feedparser converts to UTC, and a
    publisher's day is the one in its own offset)."""
    if not raw:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        parsed = parse_iso_datetime(raw)
    if parsed is None or parsed.tzinfo is None:
        return None  # no offset stated: feedparser's reading (UTC) is as good as any
    return parsed


def _entry_time(entry: feedparser.FeedParserDict) -> datetime | None:
    for key in ("published", "updated", "created"):
        if entry.get(f"{key}_parsed") and (stated := _stated_time(entry.get(key))):
            return stated
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime(*value[:6], tzinfo=UTC)
            except (TypeError, ValueError):
                continue
    return None


def parse_feed(
    body: bytes,
    http_charset: str | None = None,
    max_entries: int = MAX_FEED_ENTRIES,
    budget: ParseBudget = DEFAULT_BUDGET,
) -> FeedResult:
    """Decode the bytes ourselves (feedparser misreads mislabelled cp1251/UTF-8), refuse
    entity bombs, read the first max_entries entries under the budget, then parse them (the
    budget's bytes bound what feedparser reads)."""
    if not body.strip():
        return FeedResult(problem="empty body")
    text, encoding = decode_body(body, http_charset)
    text = _XML_DECL.sub('<?xml version="1.0" encoding="utf-8"?>', text, count=1)
    try:
        check_entities(text)
        trimmed = trim_entries(text.encode("utf-8"), max_entries, budget)
    except DocumentRefused as exc:
        return FeedResult(encoding=encoding, problem=f"refused: {exc}")
    parsed = feedparser.parse(
        trimmed.data, response_headers={"content-type": "application/xml; charset=utf-8"}
    )
    result = FeedResult(version=parsed.get("version", ""), encoding=encoding)
    result.more = trimmed.more or len(parsed.entries) > max_entries
    for raw in parsed.entries[:max_entries]:
        entry = FeedEntry(
            title=_readable(plain_text(raw.get("title"))),
            link=(raw.get("link") or "").strip() or None,
            published=_entry_time(raw),
            author=plain_text(raw.get("author")),
            summary=_readable(plain_text(raw.get("summary"))),
        )
        if entry.link or entry.title:
            result.entries.append(entry)
    if not result.is_feed:
        result.problem = "not a feed (no RSS/Atom root element; an HTML page?)"
    elif parsed.get("bozo"):
        reason = parsed.get("bozo_exception")
        result.problem = f"malformed feed, read what was readable: {reason}"
    return result
