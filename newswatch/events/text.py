"""Folding and tokens shared by every script: Kazakh and Tajik letters become their Russian
look-alikes, so Тоқаев, Токаев and Тоқаевпен meet on one stem."""

from __future__ import annotations

import re

_FOLD = str.maketrans(
    {
        "ё": "е", "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у",
        "һ": "х", "і": "и", "ӣ": "и", "ӯ": "у", "ҳ": "х", "ҷ": "ч", "й": "и", "’": "'",
    }
)  # fmt: skip
_TOKEN = re.compile(r"[^\W\d_]+|\d+")
# Russian, Kazakh and Tajik endings are mostly vowels after the stem: Астана -> Астане, Астаной.
_SOFT_END = set("аяоеиыуюьэ")


def fold(text: str) -> str:
    return text.lower().translate(_FOLD)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))


def stem(token: str) -> str:
    """A spelling's stem: trailing vowels off a Cyrillic word of four letters or more."""
    if not ("\u0400" <= token[:1] <= "\u04ff"):
        return token
    end = len(token)
    while end > 3 and token[end - 1] in _SOFT_END:
        end -= 1
    return token[:end]
