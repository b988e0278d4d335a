"""Search stored articles for words in any inflected form (ru, kk, tg, en).

The database's full-text index finds candidates by a prefix of each query word short enough
to cover its other forms; the alert morphology then keeps only articles where every query
word really occurs (same Snowball stem in Russian and English; a shared dictionary form plus
valid suffix chains in Kazakh and Tajik) and gives the places to highlight.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from newswatch.alerts.morphology import (
    STEMMED,
    SUFFIXED,
    analyses,
    stem,
    term_matches,
    text_language,
)
from newswatch.alerts.normalize import script_of, tokenize
from newswatch.alerts.normalize import words as text_words
from newswatch.storage.models import Article
from newswatch.storage.search import candidate_ids

MAX_QUERY_CHARS = 200  # longer input is refused, not cut: the user sees why
MAX_WORDS = 8
MIN_PREFIX = 3  # shorter prefixes would make every article a candidate
MIN_SHARED_FORM = 4  # Kazakh/Tajik: two words match when they inflect one form this long
CANDIDATES = 400  # newest candidates checked word by word
CHUNK = 60


class SearchQueryError(ValueError):
    pass


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass
class Hit:
    article: Article
    title_spans: list[Span] = field(default_factory=list)
    text_spans: list[Span] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)  # the article's words that matched


def query_words(query: str) -> list[str]:
    """The normalised words of a search query, validated."""
    if len(query) > MAX_QUERY_CHARS:
        raise SearchQueryError(f"a search is at most {MAX_QUERY_CHARS} characters")
    words = list(dict.fromkeys(token.norm for token in tokenize(query)))
    if not words:
        raise SearchQueryError("type at least one word")
    if len(words) > MAX_WORDS:
        raise SearchQueryError(f"a search is at most {MAX_WORDS} words")
    return words


def _forms(word: str) -> set[str]:
    """Prefixes of ``word`` that its other inflected forms share: its stems and dictionary
    forms in each language its script can be."""
    forms = {word}
    script = script_of(word)
    if script == "latin":
        forms.add(stem(word, "en"))
    elif script == "cyrillic":
        forms.add(stem(word, "ru"))
        for language in SUFFIXED:
            forms.update(f for f in analyses(word, language) if len(f) >= MIN_SHARED_FORM)
    return {f for f in forms if word.startswith(f)}


def prefix(word: str) -> str:
    """One prefix covering every form of ``word`` that the check below accepts."""
    shortest = min(_forms(word), key=len)
    return shortest if len(shortest) >= MIN_PREFIX else word[:MIN_PREFIX] or word


@lru_cache(maxsize=200_000)  # news vocabularies repeat: each pair is decided once
def word_matches(query_word: str, word: str, language: str | None) -> bool:
    if query_word == word:
        return True
    lang = text_language(word, language)
    if lang in STEMMED:
        return stem(word, lang) == stem(query_word, lang) or term_matches(query_word, word, lang)
    if lang in SUFFIXED:
        shared = set(analyses(word, lang)) & set(analyses(query_word, lang))
        return any(len(form) >= MIN_SHARED_FORM for form in shared)
    return False


def check(article: Article, words: Sequence[str]) -> Hit | None:
    """The places of every query word in the article, or None when one is missing."""
    hit, found, language = Hit(article), set(), article.language
    heads = {w[:2] for w in words}  # a cheap test before the morphology
    for spans, text in ((hit.title_spans, article.title or ""), (hit.text_spans, article.text)):
        for norm, start, end in text_words(text):
            if norm[:2] not in heads:
                continue
            for query_word in words:
                if word_matches(query_word, norm, language):
                    spans.append(Span(start, end))
                    found.add(query_word)
                    hit.matched.append(text[start:end])
                    break
    if len(found) < len(words):
        return None
    hit.matched = list(dict.fromkeys(hit.matched))
    return hit


def search(session: Session, query: str, limit: int = 50) -> list[Hit]:
    """Articles holding every word of ``query`` in some form, newest first. Candidates are
    checked newest first, a chunk at a time, until ``limit`` of them hold every word."""
    words = query_words(query)
    ids = candidate_ids(session, [[prefix(w)] for w in words], CANDIDATES)
    hits: list[Hit] = []
    for start in range(0, len(ids), CHUNK):
        if len(hits) >= limit:
            break
        chunk = session.scalars(
            select(Article)
            .options(selectinload(Article.urls))
            .where(Article.id.in_(ids[start : start + CHUNK]))
        )
        hits += [hit for article in chunk if (hit := check(article, words)) is not None]
    hits.sort(key=lambda h: (h.article.published is not None, h.article.published, h.article.id))
    return hits[::-1][:limit]
