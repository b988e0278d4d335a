"""Find known phrases (entity spellings, trigger stems) in a token list: each phrase word is a
stem that a text word starts with, followed by at most a few letters of ending."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from newswatch.events.text import stem, tokens

MAX_ENDING = 6  # Қазақстанның, Тәжікстанмен, Тоҷикистонро: case endings after the stem
# Words whose phrase starts are remembered: a text repeats its words, and the texts of a crawl
# share most of theirs. Most entries are empty tuples (a word that starts no phrase).
WORD_CACHE = 16384


class PhraseIndex:
    def __init__(self, phrases: Iterable[tuple[str, str]], *, max_ending: int = MAX_ENDING):
        """phrases: (label, phrase text) pairs."""
        self._max_ending = max_ending
        self._first: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
        for label, phrase in phrases:
            words = tuple(stem(word) for word in tokens(phrase))
            if words:
                self._first[words[0]].append((label, words[1:]))
        self._starts = lru_cache(maxsize=WORD_CACHE)(self._phrases_starting)

    def _fits(self, word: str, pattern: str) -> bool:
        if len(pattern) <= 3:  # ШОС, СНГ, SCO: whole words only, plus a short case ending
            return word.startswith(pattern) and len(word) - len(pattern) <= 2
        return word.startswith(pattern) and len(word) - len(pattern) <= self._max_ending

    def _phrases_starting(self, word: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(label, rest of the phrase) of every phrase whose first stem the word fits, the
        longest stems first."""
        starts = []
        for cut in range(len(word), max(len(word) - self._max_ending, 1) - 1, -1):
            for label, rest in self._first.get(word[:cut], ()):
                if self._fits(word, word[:cut]):
                    starts.append((label, rest))
        return tuple(starts)

    def find(self, words: list[str]) -> list[tuple[str, int]]:
        """(label, position) of every phrase found."""
        found: dict[tuple[str, int], None] = {}
        starts = self._starts
        for position, word in enumerate(words):
            for label, rest in starts(word):
                if all(
                    position + 1 + i < len(words) and self._fits(words[position + 1 + i], w)
                    for i, w in enumerate(rest)
                ):
                    found[(label, position)] = None
        return list(found)
