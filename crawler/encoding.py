"""Decoding of page and feed bytes whose declared charset is often missing or wrong."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""", re.I)

# Longest first: the UTF-32LE mark starts with the UTF-16LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# UTF-8 that fails on at most this share of its non-ASCII bytes is UTF-8 with a few stray
# bytes (a pasted cp1251 word, a cut sequence), not another charset: cp1251 or koi8-r text
# fails on nearly every non-ASCII byte.
STRAY_BYTES_SHARE = 0.05
_WIDE_SAMPLE = 4096


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None


def declared_charset(body: bytes) -> str | None:
    head = body[:4096]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return _codec(match.group(1).decode("ascii")) if match else None


def wide_encoding(body: bytes) -> str | None:
    """UTF-16/32 (with or without a byte-order mark) told by where the NUL bytes sit.

    Markup and spaces are ASCII, so in UTF-16LE many odd bytes are NUL and no even one; in
    UTF-32 the top two bytes of every character are NUL. NUL-free text is never wide.
    """
    for mark, name in _BOMS:
        if body.startswith(mark):
            return None if name == "utf-8" else name
    head = body[:_WIDE_SAMPLE]
    if b"\x00" not in head or len(head) < 8:
        return None
    head = head[: len(head) - len(head) % 4]
    quarter = len(head) // 4
    guess = _nul_layout(head, quarter)
    if guess and _reads_as_text(head.decode(guess, errors="replace")):
        return guess
    return None


def _reads_as_text(text: str) -> bool:
    """Binary data can have a regular NUL layout too; decoded it is full of control codes."""
    odd = sum(1 for ch in text if (ch < " " and ch not in "\t\n\r") or ch == "\ufffd")
    return odd <= 0.01 * len(text)


def _nul_layout(head: bytes, quarter: int) -> str | None:
    share = [sum(1 for i in range(k, len(head), 4) if head[i] == 0) / quarter for k in range(4)]
    if share[2] > 0.9 and share[3] > 0.9 and share[0] < 0.05:
        return "utf-32-le"
    if share[0] > 0.9 and share[1] > 0.9 and share[3] < 0.05:
        return "utf-32-be"
    # Cyrillic text has no NUL in its UTF-16 code units, but its markup and spaces do.
    if min(share[1], share[3]) > 0.15 and max(share[0], share[2]) < 0.05:
        return "utf-16-le"
    if min(share[0], share[2]) > 0.15 and max(share[1], share[3]) < 0.05:
        return "utf-16-be"
    return None


def _strip_bom(body: bytes, encoding: str) -> bytes:
    for mark, name in _BOMS:
        if name == encoding and body.startswith(mark):
            return body[len(mark) :]
    return body


_HIGH_BYTES = bytes(range(0x80, 0x100))


def _mostly_utf8(body: bytes) -> bool:
    """Strict UTF-8 failed: are the bad bytes a handful among many good multi-byte ones?"""
    non_ascii = len(body) - len(body.translate(None, _HIGH_BYTES))
    if not non_ascii:
        return False
    bad = body.decode("utf-8", errors="replace").count("\ufffd") - body.count("\ufffd".encode())
    return bad <= STRAY_BYTES_SHARE * non_ascii


def decode_body(body: bytes, http_charset: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used).

    UTF-16/32 first (told by BOM or NUL layout: NUL bytes are valid UTF-8, so strict UTF-8
    would accept them). Then strict UTF-8: cp1251 Cyrillic is practically never valid UTF-8,
    while UTF-8 pages declared as windows-1251 are common. UTF-8 with a few stray bytes stays
    UTF-8, with replacement characters. Then the document's own declaration, then the HTTP
    charset, then detection.
    """
    if wide := wide_encoding(body):
        return _strip_bom(body, wide).decode(wide, errors="replace"), wide
    if body.startswith(codecs.BOM_UTF8):
        body = body[3:]
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        if _mostly_utf8(body):
            return body.decode("utf-8", errors="replace"), "utf-8"
    for candidate in (declared_charset(body), _codec(http_charset)):
        if candidate and candidate != "utf-8":
            try:
                return body.decode(candidate), candidate
            except UnicodeDecodeError:
                continue
    best = charset_normalizer.from_bytes(body[:200_000]).best()
    if best is not None and best.encoding:
        return body.decode(best.encoding, errors="replace"), best.encoding
    return body.decode("utf-8", errors="replace"), "utf-8"


def looks_binary(body: bytes) -> bool:
    """NUL bytes or known binary signatures in the first bytes: not a text document.
    UTF-16/32 text is full of NUL bytes too, in a regular layout."""
    head = body[:1024]
    signatures = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b")
    if head.startswith(signatures):
        return True
    return b"\x00" in head and wide_encoding(body) is None
