"""Keys derived from article text: normalised form, exact hash, word shingles for MinHash."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
SHINGLE_WORDS = 2  # bigrams survive rewording better than trigrams, and still tell texts apart


def normalize_text(text: str) -> str:
    """Case, ё/е, punctuation and whitespace folded: copies differ in none of these."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    return _NON_WORD.sub(" ", text).strip()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """Overlapping word n-grams of the normalised text (the whole text when it is shorter)."""
    # Split the encoded text: one encode instead of one per shingle. The same bytes, since the
    # normalised text separates its words by single spaces and UTF-8 never puts one inside a
    # character.
    words = normalize_text(text).encode("utf-8").split(b" ")
    if words == [b""]:
        return set()
    if len(words) <= size:
        return {b" ".join(words)}
    return set(map(b" ".join, zip(*(words[i:] for i in range(size)), strict=False)))
