"""Decoding of page and feed bytes whose declared charset is often missing or wrong."""

from __future__ import annotations

import re

import charset_normalizer

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""", re.I)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    import codecs

    try:
        return codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None


def declared_charset(body: bytes) -> str | None:
    head = body[:4096]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return _codec(match.group(1).decode("ascii")) if match else None


def decode_body(body: bytes, http_charset: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used).

    Strict UTF-8 first: cp1251 Cyrillic is practically never valid UTF-8, while UTF-8 pages
    declared as windows-1251 are common. Then the document's own declaration, then the HTTP
    charset, then detection.
    """
    if body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
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
    """NUL bytes or known binary signatures in the first bytes: not a text document."""
    head = body[:1024]
    signatures = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b")
    return b"\x00" in head or head.startswith(signatures)
