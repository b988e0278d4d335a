"""Bounds for XML documents from the web (feeds), checked before any parser expands them.

Python's expat, which feedparser uses, expands internal entities without a budget: a 355 KB feed
defining one 200 KB entity referenced 30,000 times grows to gigabytes. Entities are bounded here
by size and count on the text itself, before a parser sees it; and a feed listing more entries
than anyone publishes is cut to its first entries (the newest), so parsing it stays cheap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

MAX_ENTITY_DECLARATIONS = 50
MAX_ENTITY_EXPANSION = 1_000_000  # characters all references of declared entities add up to
MAX_FEED_ENTRIES = 1000  # real feeds list 10–300; the rest of a longer one is never read

_ROOT_START = re.compile(r"<[A-Za-z_:]")
_DECLARATION = re.compile(r"<!ENTITY\b")
_INTERNAL = re.compile(r"""<!ENTITY\s+([^\s%"'<>]+)\s+(?:"([^"<&%]*)"|'([^'<&%]*)')\s*>""")


class DocumentRefused(ValueError):
    """The document breaks a bound; the message says which, for the source's problems."""


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


@dataclass(frozen=True)
class Trimmed:
    data: bytes
    entries: int  # entries the document lists
    kept: int  # entries left in data


def trim_entries(data: bytes, limit: int = MAX_FEED_ENTRIES) -> Trimmed:
    """The document with only its first `limit` RSS items or Atom entries. A document lxml
    cannot read strictly is returned as is (feedparser salvages broken feeds; its size is
    bounded by the download cap)."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError:
        return Trimmed(data, -1, -1)
    entries = [e for e in root.iter("{*}item", "{*}entry") if e.getparent() is not None]
    if len(entries) <= limit:
        return Trimmed(data, len(entries), len(entries))
    for entry in entries[limit:]:
        entry.getparent().remove(entry)
    trimmed = etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8")
    return Trimmed(trimmed, len(entries), limit)
