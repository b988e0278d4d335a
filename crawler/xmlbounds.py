"""Bounds for XML documents from the web (feeds, sitemaps), checked before and while parsing.

Python's expat, which feedparser uses, expands internal entities without a budget: a 355 KB feed
defining one 200 KB entity referenced 30,000 times grows to gigabytes. Entities are bounded here
by size and count on the text itself, before a parser sees it. Every document is then read by
lxml in chunks under a ParseBudget (bytes read, CPU time), so an over-budget document fails its
source with the reason instead of holding the reactor or the daemon's memory; and a feed listing
more entries than anyone publishes is read only up to its first entries (the newest).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from lxml import etree

MAX_ENTITY_DECLARATIONS = 50
MAX_ENTITY_EXPANSION = 1_000_000  # characters all references of declared entities add up to
MAX_FEED_ENTRIES = 1000  # real feeds list 10–300; the rest of a longer one is never read
CHUNK_BYTES = 64 * 1024  # the budget is checked after each chunk fed to the parser

_ROOT_START = re.compile(r"<[A-Za-z_:]")
_DECLARATION = re.compile(r"<!ENTITY\b")
_INTERNAL = re.compile(r"""<!ENTITY\s+([^\s%"'<>]+)\s+(?:"([^"<&%]*)"|'([^'<&%]*)')\s*>""")


class DocumentRefused(ValueError):
    """The document breaks a bound; the message says which, for the source's problems."""


class OverBudget(DocumentRefused):
    """The document needs more bytes or CPU time than its ParseBudget."""


@dataclass(frozen=True)
class ParseBudget:
    """What reading one document may cost. max_bytes: the document as parsed (after gunzip);
    lxml's tree and feedparser's input grow with it, so it bounds the parse's memory.
    cpu_seconds: CPU time of the parsing thread (not wall time: a loaded machine does not fail
    normal feeds), which is also how long the document may hold the reactor."""

    max_bytes: int = 50_000_000  # the sitemap protocol's own limit
    cpu_seconds: float = 3.0


DEFAULT_BUDGET = ParseBudget()


def chunks_of(data: bytes, size: int = CHUNK_BYTES) -> Iterator[bytes]:
    return (data[i : i + size] for i in range(0, len(data), size))


def stream_events(
    chunks: Iterable[bytes],
    budget: ParseBudget,
    *,
    recover: bool = False,
    tags: tuple[str, ...] | None = None,
) -> Iterator[tuple[str, etree._Element]]:
    """lxml's start/end events (of `tags` only, when given), fed chunk by chunk; raises
    OverBudget once the bytes read or the CPU time spent (by the parser and by the caller's
    handling of the events) pass the budget. Entities are never resolved, nor DTDs or anything
    on the network loaded."""
    parser = etree.XMLPullParser(
        events=("start", "end"),
        tag=tags,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        recover=recover,
    )
    started, read = time.thread_time(), 0
    for chunk in chunks:
        read += len(chunk)
        if read > budget.max_bytes:
            raise OverBudget(f"over the parse budget: more than {budget.max_bytes:,} bytes")
        parser.feed(chunk)
        yield from parser.read_events()
        if (spent := time.thread_time() - started) > budget.cpu_seconds:
            raise OverBudget(
                f"over the parse budget: {spent:.2f} s of CPU after {read:,} bytes "
                f"(at most {budget.cpu_seconds:g} s)"
            )
    parser.close()
    yield from parser.read_events()


def local_name(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def check_entities(text: str) -> None:
    """Allow only a few small internal entities whose references, all expanded, stay under a
    budget; refuse parameter, external and nested entities (billion laughs, XXE)."""
    prolog = text[: m.start()] if (m := _ROOT_START.search(text)) else text
    declared = len(_DECLARATION.findall(prolog))
    if not declared:
        return
    if declared > MAX_ENTITY_DECLARATIONS:
        raise DocumentRefused(
            f"declares {declared} XML entities (at most {MAX_ENTITY_DECLARATIONS})"
        )
    internal = _INTERNAL.findall(prolog)
    if len(internal) < declared:
        raise DocumentRefused(
            "declares external, parameter or nested XML entities; they are never expanded"
        )
    expansion = 0
    for name, double, single in internal:
        size = len(double or single)
        expansion += size * text.count(f"&{name};")
        if expansion > MAX_ENTITY_EXPANSION:
            raise DocumentRefused(
                f"XML entity &{name}; ({size:,} characters) expands beyond "
                f"{MAX_ENTITY_EXPANSION:,} characters"
            )


# Start tags of RSS items and Atom entries, any prefix; no more entries than these can exist,
# since check_entities lets no markup into entities. A document this small parses within any
# sane CPU budget: when it cannot exceed the entry cap, it is passed on without lxml's pass
# (~15 % of reading a typical feed).
_ENTRY_TAG = re.compile(rb"<(?:[\w.-]+:)?(?:item|entry)[\s/>]")
SMALL_DOCUMENT = 1_000_000


@dataclass(frozen=True)
class Trimmed:
    data: bytes
    kept: int  # entries left in data; -1: not counted (small, or lxml could not read it)
    more: bool = False  # the document lists more entries than kept (they were not read)


def _is_entry(element: etree._Element) -> bool:
    return local_name(element.tag) in ("item", "entry") and element.getparent() is not None


def trim_entries(
    data: bytes, limit: int = MAX_FEED_ENTRIES, budget: ParseBudget = DEFAULT_BUDGET
) -> Trimmed:
    """The document with only its first `limit` RSS items or Atom entries; reading stops
    there, so the rest of a huge feed costs nothing. A document lxml cannot read strictly is
    returned as is (feedparser salvages broken feeds) when it is within the budget's bytes.
    Raises OverBudget."""
    if len(data) <= min(SMALL_DOCUMENT, budget.max_bytes) and (
        len(_ENTRY_TAG.findall(data)) <= limit
    ):
        return Trimmed(
            data, -1
        )  # nothing to trim, and lxml's pass would cost more than the cap saves
    root: etree._Element | None = None
    ended = 0
    try:
        for event, element in stream_events(chunks_of(data), budget):
            if root is None:
                root = element
            if event == "end" and _is_entry(element):
                ended += 1
                if ended > limit:
                    break
    except etree.XMLSyntaxError:
        if len(data) > budget.max_bytes:
            raise OverBudget(
                f"over the parse budget: more than {budget.max_bytes:,} bytes"
            ) from None
        return Trimmed(data, -1)
    if ended <= limit:
        return Trimmed(data, ended)
    assert root is not None
    for entry in [e for e in root.iter() if _is_entry(e)][limit:]:  # incl. a half-read one
        entry.getparent().remove(entry)
    trimmed = etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8")
    return Trimmed(trimmed, limit, more=True)
