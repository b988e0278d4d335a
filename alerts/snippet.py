"""A short excerpt around the matched words, with the words marked (escaped for HTML)."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

WINDOW = 160


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def _body_spans(terms: Sequence[dict]) -> list[Span]:
    spans = sorted(
        {Span(t["start"], t["end"]) for t in terms if t.get("field") in ("lead", "body")},
        key=lambda s: s.start,
    )
    merged: list[Span] = []
    for span in spans:
        if merged and span.start <= merged[-1].end:
            merged[-1] = Span(merged[-1].start, max(merged[-1].end, span.end))
        else:
            merged.append(span)
    return merged


def _window(text: str, spans: list[Span]) -> tuple[int, int]:
    if not spans:
        return 0, min(len(text), 2 * WINDOW)
    start = max(0, spans[0].start - WINDOW // 2)
    end = min(len(text), max(spans[0].end + WINDOW, start + 2 * WINDOW))
    while start > 0 and not text[start - 1].isspace():  # whole words only
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def snippet(text: str, terms: Sequence[dict], *, as_html: bool) -> str:
    """Plain: matched words between *asterisks*. HTML: escaped text, words in <mark>."""
    spans = _body_spans(terms)
    start, end = _window(text, spans)
    escape = html.escape if as_html else (lambda s: s)
    mark = ("<mark>", "</mark>") if as_html else ("*", "*")
    parts, cursor = [], start
    for span in spans:
        if span.end <= start or span.start >= end:
            continue
        parts.append(escape(text[cursor : span.start]))
        parts.append(mark[0] + escape(text[span.start : span.end]) + mark[1])
        cursor = span.end
    parts.append(escape(text[cursor:end]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + " ".join("".join(parts).split()) + suffix


def locate(terms: Sequence[dict], title: str, text: str) -> list[dict]:
    """The words matched in one report, found again in another (the original of a copy):
    their offsets there, so its excerpt marks them too."""
    words = {t["text"].casefold(): t for t in terms if t.get("text")}
    found = []
    for field, content in (("title", title), ("body", text)):
        for key, term in words.items():
            pattern = r"(?<!\w)" + re.escape(key) + r"(?!\w)"
            for hit in re.finditer(pattern, content, re.IGNORECASE):
                found.append({**term, "field": field, "start": hit.start(), "end": hit.end(),
                              "text": hit.group()})  # fmt: skip
    return found
