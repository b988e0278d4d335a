"""Text cut into plain and marked pieces; templates wrap the marked ones in <mark> and
escape everything, so no stored text can become markup."""

from __future__ import annotations

from collections.abc import Iterable

Piece = tuple[str, bool]  # (text, marked)
SNIPPET = 240


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def pieces(text: str, spans: Iterable[tuple[int, int]], start: int = 0, end: int | None = None):
    """``text[start:end]`` as pieces, the spans marked."""
    end = len(text) if end is None else end
    out: list[Piece] = []
    cursor = start
    for s, e in _merged(spans):
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        if s > cursor:
            out.append((text[cursor:s], False))
        out.append((text[s:e], True))
        cursor = e
    if cursor < end:
        out.append((text[cursor:end], False))
    return out


def snippet(text: str, spans: list[tuple[int, int]]) -> list[Piece]:
    """A window of the text around its first marked span, cut at spaces."""
    first = min(spans)[0] if spans else 0
    start = max(0, first - SNIPPET // 3)
    end = min(len(text), start + SNIPPET)
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    out = pieces(text, spans, start, end)
    if start > 0:
        out.insert(0, ("…", False))
    if end < len(text):
        out.append(("…", False))
    return out
