"""Kazakh written in Arabic script (töte jazu), matched through Cyrillic.

Kazakhs in China, Iran and Afghanistan write Kazakh in a reformed Arabic alphabet with a letter
for every sound. ``transliterate`` turns such a word into Kazakh Cyrillic with the table in
``data/kazakh_arabic.tsv`` (no maintained library does this). The script writes one letter for
each pair of back/front vowels (а/ә, о/ө, ұ/ү, ы/і) and marks a front-vowel word as a whole, by
a hamza or by е, к, г; names and loans that mix both kinds (Тәжікстан, Душанбе) cannot be
spelt back exactly. So matching compares both sides after ``fold``, which merges what the
script does not tell apart: a Cyrillic query word matches an Arabic-script word when their
folded forms agree (Тәжікстан and تاجىكستان both fold to тажыкстан).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files

_HAMZA = "\u0674\u0621"  # high hamza, hamza: "the vowels of this word are front"
_FRONT_MARKERS = set("ەهكگک")  # е, к, г occur only in front-vowel words
_VOWEL_LETTERS = set("اەهوۇىیۋ")
_YEH = "ي"
_ARABIC = re.compile(r"[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]")
# Cyrillic letters the Arabic script does not distinguish, merged for matching.
_FOLD = str.maketrans({"ә": "а", "ө": "о", "ү": "ұ", "і": "ы", "һ": "х", "й": "и", "э": "е",
                       "щ": "ш", "ъ": None, "ь": None, "я": "иа", "ю": "иу"})  # fmt: skip


def _load_table() -> dict[str, tuple[str, str]]:
    text = files("newswatch.alerts").joinpath("data/kazakh_arabic.tsv").read_text("utf-8")
    table = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        letter, back, front, _name = line.split("\t")
        table[letter] = (back, back if front == "-" else front)
    return table


TABLE = _load_table()


def is_arabic(word: str) -> bool:
    return _ARABIC.search(word) is not None


def _front(word: str) -> bool:
    return any(ch in _HAMZA or ch in _FRONT_MARKERS for ch in word)


def transliterate(word: str) -> str:
    """An Arabic-script Kazakh word in Kazakh Cyrillic (letters outside the table are dropped:
    hamza, tatweel, Arabic vowel signs)."""
    front = _front(word)
    letters = [ch for ch in word if ch in TABLE]
    out = []
    for i, ch in enumerate(letters):
        if ch == _YEH:  # й beside a vowel (ايماق айма, ءوي өй), else и (ۋنيۆەرسيتەت)
            before = i > 0 and letters[i - 1] in _VOWEL_LETTERS
            after = i + 1 < len(letters) and letters[i + 1] in _VOWEL_LETTERS
            out.append("й" if before or (after and i == 0) else "и")
            continue
        back, front_form = TABLE[ch]
        out.append(front_form if front else back)
    return "".join(out)


@lru_cache(maxsize=100_000)
def fold(word: str) -> str:
    """A normalised Cyrillic word with the distinctions the Arabic script lacks merged."""
    return word.translate(_FOLD)


@lru_cache(maxsize=100_000)
def matching_form(word: str) -> str:
    """What the matcher compares for an Arabic-script word: folded Cyrillic."""
    return fold(transliterate(word))
