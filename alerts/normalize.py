"""Text normalisation and tokenisation for matching.

Rules and articles are compared word by word after the same normalisation: NFKC, Latin/Cyrillic
look-alike letters folded inside mixed-script words, casefold, ё→е. Each token keeps the
character offsets of the word in the original text, so a match can be highlighted there.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

# A word: letters and digits, with combining marks and invisible in-word characters (soft
# hyphen, zero-width joiners) that some CMSs leave inside words. Hyphens and apostrophes split
# words: "казахско-таджикских" is two tokens, and a phrase query spells it the same way.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_WORD = re.compile(rf"[^\W_](?:[^\W_]|[\u0300-\u036f\u0483-\u0489{_INVISIBLE}])*")
_DROP = dict.fromkeys(map(ord, _INVISIBLE))

# What may stand between two words of a phrase: spaces, hyphens, apostrophes, quotes.
# Commas, full stops, brackets and the like end a phrase ("Казахстана, Таджикистана" is a list).
_GAP_CHARS = r"[\s\-‐‑‒–'’ʼ`\"«»„“”‚‘]"
# A word with the phrase gap before it: a match that starts where the previous word ended
# had only gap characters in between; one that starts later skipped something else (a comma,
# a full stop). One regex pass instead of a second match per word.
TOKEN = re.compile(rf"{_GAP_CHARS}*({_WORD.pattern})")

# Latin letters that look like Cyrillic ones (and back). Fraudsters, OCR and careless typing
# put them inside words ("Kазахстан" with a Latin K); only mixed-script words are folded, so
# genuine Latin words stay Latin.
_LATIN_TO_CYRILLIC = str.maketrans(
    "AaBCcEeHKkMOoPpTXxYyiIh",
    "АаВСсЕеНКкМОоРрТХхУуіІһ",
)
_CYRILLIC_TO_LATIN = str.maketrans(
    "АаВСсЕеНКкМОоРрТХхУуіІһ",
    "AaBCcEeHKkMOoPpTXxYyiIh",
)


class Token(NamedTuple):
    """A normalised word and where it is in the original text. A named tuple: every word of
    every article is one, and a frozen dataclass took several times longer to build."""

    norm: str
    start: int
    end: int
    breaks: bool  # punctuation between the previous word and this one: no phrase spans it


@lru_cache(maxsize=200_000)
def script_of(word: str) -> str:
    """'latin', 'cyrillic', 'arabic', 'digits' or 'other' for a (normalised) word. Cached:
    it is asked for every word of every article."""
    latin = cyrillic = 0
    for ch in word:
        if "a" <= ch <= "z" or "A" <= ch <= "Z" or "\u00c0" <= ch <= "\u024f":
            latin += 1
        elif "\u0400" <= ch <= "\u04ff" or "\u0500" <= ch <= "\u052f":
            cyrillic += 1
    if cyrillic == latin == 0:
        if word.isdigit():
            return "digits"
        return "arabic" if any("\u0620" <= ch <= "\u06ff" for ch in word) else "other"
    return "cyrillic" if cyrillic >= latin else "latin"


def fold_lookalikes(word: str) -> str:
    """Fold the minority script's look-alike letters into the majority script."""
    has_latin = has_cyrillic = False
    for ch in word:
        if ch.isascii():
            has_latin = has_latin or ch.isalpha()
        elif "\u0400" <= ch <= "\u052f":
            has_cyrillic = True
    if not (has_latin and has_cyrillic):
        return word
    if script_of(word) == "cyrillic":
        return word.translate(_LATIN_TO_CYRILLIC)
    return word.translate(_CYRILLIC_TO_LATIN)


@lru_cache(maxsize=200_000)
def normalize_word(word: str) -> str:
    """One word as the matcher sees it. Cached: news vocabularies repeat a lot."""
    word = unicodedata.normalize("NFKC", word.translate(_DROP))
    return fold_lookalikes(word).casefold().replace("ё", "е")


def tokenize(text: str) -> list[Token]:
    """Normalised words of ``text`` with their offsets into ``text``."""
    tokens: list[Token] = []
    previous_end = 0
    for match in TOKEN.finditer(text):
        norm = normalize_word(match.group(1))
        if not norm:
            continue
        end = match.end()
        breaks = bool(tokens) and match.start() != previous_end
        tokens.append(Token(norm, match.start(1), end, breaks))
        previous_end = end
    return tokens


def words(text: str) -> Iterator[tuple[str, int, int]]:
    """(normalised word, start, end) of each word of ``text``: tokenize without the phrase
    breaks, for callers that only look words up."""
    for match in _WORD.finditer(text):
        if norm := normalize_word(match.group()):
            yield norm, match.start(), match.end()


def normalize_text(text: str) -> str:
    """The normalised words of ``text`` joined by spaces (for display and tests)."""
    return " ".join(token.norm for token in tokenize(text))
