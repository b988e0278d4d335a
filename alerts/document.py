"""An article as the matcher sees it: title, lead and body words with their language keys."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from newswatch.alerts.arabic_kazakh import matching_form
from newswatch.alerts.morphology import ARABIC_KAZAKH, STEMMED, stem, text_language
from newswatch.alerts.normalize import tokenize

FIELD_WEIGHTS = {"title": 3.0, "lead": 2.0, "body": 1.0}
_FIRST_PARAGRAPH = re.compile(r"\s*\S[^\n]*")


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


def lead_end(text: str) -> int:
    """Offset where the first paragraph (the lead) of ``text`` ends."""
    match = _FIRST_PARAGRAPH.match(text)
    return match.end() if match else 0


@lru_cache(maxsize=200_000)  # news vocabularies repeat: each word is looked at once
def _word_keys(norm: str, document_language: str | None) -> tuple[str, str, str | None]:
    """(matching form, key, language) of a normalised word in an article of that language."""
    language = text_language(norm, document_language)
    form = matching_form(norm) if language == ARABIC_KAZAKH else norm
    return form, (stem(form, language) if language in STEMMED else ""), language


def analyse(document: Document) -> list[Word]:
    """The words of the title, then of the text; a title's last word and the text's first are
    never adjacent (``breaks``), so phrases and NEAR stay inside one of them."""
    words: list[Word] = []
    boundary = lead_end(document.text)
    for field, text in (("title", document.title or ""), ("text", document.text or "")):
        for i, token in enumerate(tokenize(text)):
            norm, key, language = _word_keys(token.norm, document.language)
            where = field if field == "title" else ("lead" if token.start < boundary else "body")
            words.append(
                Word(norm, key, language, where, token.start, token.end, token.breaks or i == 0)
            )
    return words
