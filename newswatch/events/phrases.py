"""Find known phrases (entity spellings, trigger stems) in a token list: each phrase word is a
stem that a text word starts with, followed by at most a few letters of ending."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from newswatch.events.text import stem, tokens

MAX_ENDING = 6  # Қазақстанның, Тәжікстанмен, Тоҷикистонро: case endings after the stem


class PhraseIndex:
    def __init__(self, phrases: Iterable[tuple[str, str]], *, max_ending: int = MAX_ENDING):
        """phrases: (label, phrase text) pairs."""
        self._max_ending = max_ending
        self._first: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
        for label, phrase in phrases:
            words = tuple(stem(word) for word in tokens(phrase))
            if words:
                self._first[words[0]].append((label, words[1:]))

    def _fits(self, word: str, pattern: str) -> bool:
        if len(pattern) <= 3:  # ШОС, СНГ, SCO: whole words only, plus a short case ending
            return word.startswith(pattern) and len(word) - len(pattern) <= 2
        return word.startswith(pattern) and len(word) - len(pattern) <= self._max_ending

    def find(self, words: list[str]) -> list[tuple[str, int]]:
        """(label, position) of every phrase found."""
        found: dict[tuple[str, int], None] = {}
        for position, word in enumerate(words):
            for cut in range(len(word), max(len(word) - self._max_ending, 1) - 1, -1):
                for label, rest in self._first.get(word[:cut], ()):
                    if not self._fits(word, word[:cut]):
                        continue
                    if all(
                        position + 1 + i < len(words) and self._fits(words[position + 1 + i], w)
                        for i, w in enumerate(rest)
                    ):
                        found[(label, position)] = None
        return list(found)
