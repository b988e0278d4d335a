"""An article as the matcher sees it: title, lead and body words with their language keys."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from newswatch.alerts.arabic_kazakh import matching_form
from newswatch.alerts.morphology import ARABIC_KAZAKH, STEMMED, stem, text_language
from newswatch.alerts.normalize import TOKEN, normalize_word

FIELD_WEIGHTS = {"title": 3.0, "lead": 2.0, "body": 1.0}
_PARAGRAPH = re.compile(r"[^\n]*\S[^\n]*")
_LETTER_WORD = re.compile(r"[^\W\d_]{2,}")
_SENTENCE_MARK = re.compile(r"[.!?,;:«»\"“”()]")
# The lead runs through the first paragraph of prose (this many words); short paragraphs before
# it (a date line, a headline, a weather widget, a view counter) join it, unless they are long
# enough to be more than page furniture.
LEAD_MIN_WORDS = 8
LEAD_MAX_PRELUDE = 40
# A menu saved with the page: many capitalised words (country or section names) and no
# punctuation at all. Its words are not the article's and are left out.
MENU_MIN_WORDS = 12


@dataclass(frozen=True)
class Document:
    """What a rule is matched against. ``text`` is the article text without the title; its
    first paragraph is the lead. ``language`` (ru, kk, tg, en) picks the morphology."""

    title: str
    text: str
    language: str | None = None
    source: str | None = None


class Word(NamedTuple):  # a named tuple: built for every article word, see Token
    norm: str  # normalised surface form (Arabic-script Kazakh: folded Cyrillic)
    key: str  # stem for Russian and English words, "" otherwise
    language: str | None  # whose morphology applies to this word
    field: str  # title, lead or body
    start: int  # offsets into the title (field "title") or into the text
    end: int
    breaks: bool  # punctuation before it: phrases do not run across


def is_menu(paragraph: str) -> bool:
    """A navigation list saved with the page: Россия Южная Корея Украина Армения Казахстан …"""
    if _SENTENCE_MARK.search(paragraph):  # prose: the common case, decided cheaply
        return False
    words = _LETTER_WORD.findall(paragraph)
    return len(words) >= MENU_MIN_WORDS and all(w[0].isupper() for w in words)


def menu_spans(text: str) -> list[tuple[int, int]]:
    """Where the menus are; only paragraphs of many capitalised words need a closer look."""
    return [
        (m.start(), m.end())
        for m in _PARAGRAPH.finditer(text)
        if m.end() - m.start() > 4 * MENU_MIN_WORDS and is_menu(m.group())
    ]


def lead_end(text: str, menus: list[tuple[int, int]] | None = None) -> int:
    """Offset where the lead of ``text`` ends: the first paragraph of prose, with the short
    lines before it (a headline, a date line, site furniture), so that a page saved as text or
    a title-less feed item still has its first sentences as the lead. When prose starts far
    down, the first paragraph alone."""
    skip = {start for start, _ in (menu_spans(text) if menus is None else menus)}
    first = None
    prelude = 0
    for match in _PARAGRAPH.finditer(text):
        if match.start() in skip:
            continue
        words = len(_LETTER_WORD.findall(match.group()))
        first = first if first is not None else match.end()
        if words >= LEAD_MIN_WORDS:
            return match.end() if prelude <= LEAD_MAX_PRELUDE else first
        prelude += words
    return first or 0


@lru_cache(maxsize=200_000)  # news vocabularies repeat: each word is looked at once
def _word_keys(norm: str, document_language: str | None) -> tuple[str, str, str | None]:
    """(matching form, key, language) of a normalised word in an article of that language."""
    language = text_language(norm, document_language)
    form = matching_form(norm) if language == ARABIC_KAZAKH else norm
    return form, (stem(form, language) if language in STEMMED else ""), language


# Per article language: a word as written -> its (matching form, key, language), or () when
# it normalises to nothing. One dictionary look-up per article word: most were seen before.
_SEEN: dict[str | None, dict[str, tuple[str, str, str | None] | tuple[()]]] = {}
SEEN_WORDS = 100_000  # per language; the table starts afresh beyond that


def _keys_of(raw: str, document_language: str | None, seen: dict) -> tuple[str, str, str | None]:
    """() for a word that normalises to nothing (invisible characters only)."""
    if len(seen) >= SEEN_WORDS:
        seen.clear()
    norm = normalize_word(raw)
    keys = seen[raw] = _word_keys(norm, document_language) if norm else ()
    return keys


def _field_words(
    words: list[Word],
    text: str,
    language: str | None,
    fields: tuple[str, int, str],
    menus: list[tuple[int, int]],
) -> None:
    """Append the words of a title or text: tokenize's words and phrase breaks, without
    menus; ``fields`` is (field before the boundary offset, boundary, field after it)."""
    lead, boundary, body = fields
    seen = _SEEN.setdefault(language, {})
    new = tuple.__new__  # Word(...) runs a Python-level __new__ per article word
    previous_end = -1  # no word yet: the first word breaks
    skipped = False
    known = seen.get
    for match in TOKEN.finditer(text):
        raw = match[1]
        keys = known(raw) or _keys_of(raw, language, seen)
        if not keys:
            continue
        start, end = match.span(1)
        breaks = match.start() != previous_end  # as tokenize, and the field's first word
        previous_end = end
        if menus and any(a <= start < b for a, b in menus):
            skipped = True
            continue
        where = lead if start < boundary else body
        words.append(new(Word, (*keys, where, start, end, breaks or skipped)))
        skipped = False


def analyse(document: Document) -> list[Word]:
    """The words of the title, then of the text; a title's last word and the text's first are
    never adjacent (``breaks``), so phrases and NEAR stay inside one of them. Menus saved with
    the page are left out (``menu_spans``). The words and breaks are tokenize's."""
    words: list[Word] = []
    text = document.text or ""
    menus = menu_spans(text)
    boundary = lead_end(text, menus)
    _field_words(words, document.title or "", document.language, ("title", 0, "title"), [])
    _field_words(words, text, document.language, ("lead", boundary, "body"), menus)
    return words
