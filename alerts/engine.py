"""The matcher: every rule's words compiled once into one Aho–Corasick automaton.

An article is turned into one string, one segment per word: ``\\x02surface\\x03stem\\x04``.
Each query word becomes a few patterns over that string:

- ``\\x03stem\\x04`` for each Russian or English stem key of the word (morphology.term_forms);
- ``\\x02word\\x03`` for the exact normalised word;
- ``\\x02word`` for a prefix (таджик*), and for Kazakh and Tajik, where the rest of the
  article word must then be a valid suffix chain (Тәжікстан + ның), also from a stem variant
  (ынтымақтастығы, ҳамкориҳо) and, for Arabic-script Kazakh words (which the article holds
  as folded Cyrillic, see arabic_kazakh.py), from the folded word.

One pass of the automaton finds every query word of every rule in the article; only rules whose
necessary words occur (requirements.py; or that can match without any, e.g. NOT-only) are then
decided by their compiled closures (compiled.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import ahocorasick

from newswatch.alerts.arabic_kazakh import fold
from newswatch.alerts.compiled import ArticleState, Compiler, Decide
from newswatch.alerts.document import Document, Word, analyse
from newswatch.alerts.evaluate import Evaluator
from newswatch.alerts.morphology import (
    ARABIC_KAZAKH,
    MIN_SUFFIXED_TERM,
    base_language,
    suffix_ok,
    term_forms,
)
from newswatch.alerts.query import (
    Alias,
    AliasSlot,
    And,
    Near,
    Node,
    Not,
    Or,
    Ref,
    Scope,
    Term,
    Weights,
)
from newswatch.alerts.query import Word as QueryWord
from newswatch.alerts.requirements import clauses
from newswatch.alerts.rules import Rule

_SURFACE, _KEY, _END = "\x02", "\x03", "\x04"
# Pattern kinds: exact word, stem key (per language), prefix, dictionary form + suffixes, stem
# variant + suffixes. Entries are (kind, atom, language or None for any, length of the form).
_EXACT, _STEM, _PREFIX, _SUFFIXED, _VARIANT = range(5)
WORD_CACHE = 200_000  # distinct article words whose atoms are remembered (find_atoms)


@dataclass(frozen=True)
class TermHit:
    """Where a query term matched: offsets into the title (field "title") or the text."""

    term: str
    field: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Match:
    """A rule that matched. Where its terms are and how its parts combined are worked out on
    first use (deliveries, previews, the web view): with hundreds of rules per article that
    cost more than deciding every rule, and rules without recipients never need them."""

    rule: str
    score: float
    find_terms: Callable[[], list[TermHit]] = field(repr=False, compare=False)
    explain: Callable[[], str] = field(repr=False, compare=False)

    @cached_property
    def terms(self) -> list[TermHit]:
        return self.find_terms()

    @cached_property
    def explanation(self) -> str:
        return self.explain()

    def to_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "score": round(self.score, 2),
            "terms": [hit.__dict__ for hit in self.terms],
            "explanation": self.explanation,
        }


def _query_words(node: Node) -> Iterable[QueryWord]:
    """Every word a query can match, aliases and definitions included."""
    if isinstance(node, Term):
        for slot in node.slots:
            if isinstance(slot, AliasSlot):
                for term in slot.spellings:
                    yield from _query_words(term)
            else:
                yield slot
    elif isinstance(node, Alias):
        for term in node.spellings:
            yield from _query_words(term)
    elif isinstance(node, And | Or):
        for item in node.items:
            yield from _query_words(item)
    elif isinstance(node, Not | Scope | Ref):
        yield from _query_words(node.item)
    elif isinstance(node, Near):
        yield from _query_words(node.left)
        yield from _query_words(node.right)
    elif isinstance(node, Weights):
        for item, _ in node.items:
            yield from _query_words(item)


@dataclass
class Matcher:
    rules: list[Rule]
    automaton: ahocorasick.Automaton
    atom_of: dict[QueryWord, int]
    # Each rule is indexed under the words of one of its clauses (the smallest): it is
    # decided only when one of those occurs and its other clauses hold too (requirements.py).
    anchors: list[list[int]]
    # Per rule: the words that must all occur, and the clauses of which one word must occur.
    requirements: list[tuple[frozenset[int], tuple[frozenset[int], ...]]]
    unanchored: list[int] = field(default_factory=list)  # NOT-only rules: always evaluated
    decide: list[Decide] = field(default_factory=list)  # each rule compiled (compiled.py)
    spellings: dict = field(default_factory=dict)  # alias keys of the compiled rules
    # (norm, key, language) of an article word -> the atoms it matches (find_atoms).
    _word_atoms: dict[tuple[str, str, str | None], tuple[int, ...]] = field(
        default_factory=dict, repr=False
    )

    def __post_init__(self) -> None:
        self._anchoring = frozenset(atom for atom, rules in enumerate(self.anchors) if rules)

    @classmethod
    def from_rules(cls, rules: Sequence[Rule]) -> Matcher:
        atom_of: dict[QueryWord, int] = {}
        for rule in rules:
            for word in _query_words(rule.query):
                atom_of.setdefault(word, len(atom_of))
        anchors: list[list[int]] = [[] for _ in atom_of]
        requirements, unanchored = [], []
        for index, rule in enumerate(rules):
            needs = clauses(rule.query, atom_of)  # smallest first
            must = frozenset(atom for need in needs if len(need) == 1 for atom in need)
            requirements.append((must, tuple(need for need in needs if len(need) > 1)))
            if not needs:
                unanchored.append(index)
            for atom in needs[0] if needs else ():
                anchors[atom].append(index)
        patterns: dict[str, list[tuple[int, int, str | None, int]]] = {}
        for word, atom in atom_of.items():
            for pattern, entry in _patterns(word, atom):
                patterns.setdefault(pattern, []).append(entry)
        automaton = ahocorasick.Automaton()
        for pattern, entries in patterns.items():
            automaton.add_word(pattern, tuple(entries))
        if patterns:
            automaton.make_automaton()
        compiler = Compiler(atom_of)
        decide = [compiler.rule(rule.query) for rule in rules]
        return cls(
            list(rules),
            automaton,
            atom_of,
            anchors,
            requirements,
            unanchored,
            decide,
            compiler.spellings,
        )

    def find_atoms(self, words: Sequence[Word]) -> dict[int, list[int]]:
        """Which query words occur in the article, and at which of its words."""
        if not words or self.automaton.kind != ahocorasick.AHOCORASICK:
            return {}
        hits: dict[int, list[int]] = {}
        cache = self._word_atoms
        for index, word in enumerate(words):
            atoms = cache.get(word[:3])  # (norm, key, language)
            if atoms is None:
                atoms = self._atoms_of(word)
            for atom in atoms:
                places = hits.get(atom)
                if places is None:
                    hits[atom] = [index]
                else:
                    places.append(index)
        return hits

    def _atoms_of(self, word: Word) -> tuple[int, ...]:
        """The query words one article word matches, kept per distinct word: an article's
        words are mostly ones seen in earlier articles."""
        atoms: dict[int, None] = {}
        segment = f"{_SURFACE}{word.norm}{_KEY}{word.key}{_END}"
        for _, entries in self.automaton.iter(segment):
            for kind, atom, language, length in entries:
                if language is not None:
                    if word.language != language:
                        continue
                    if kind >= _SUFFIXED and not suffix_ok(
                        language, word.norm[:length], word.norm[length:], kind == _VARIANT
                    ):
                        continue
                atoms[atom] = None
        if len(self._word_atoms) >= WORD_CACHE:
            self._word_atoms.clear()
        found = tuple(atoms)
        self._word_atoms[word[:3]] = found
        return found

    def candidates(self, atom_hits: dict[int, list[int]]) -> list[int]:
        """Rules whose clauses the words found meet (the others cannot match)."""
        return self._candidates(set(atom_hits))

    def _candidates(self, hit: set[int]) -> list[int]:
        found = set(self.unanchored)
        anchors = self.anchors
        for atom in self._anchoring & hit:
            found.update(anchors[atom])
        requirements = self.requirements
        chosen = []
        for index in sorted(found):
            must, needs = requirements[index]
            if must <= hit:
                for need in needs:
                    if need.isdisjoint(hit):
                        break
                else:
                    chosen.append(index)
        return chosen

    def match(self, document: Document) -> list[Match]:
        words = analyse(document)
        atom_hits = self.find_atoms(words)
        state = ArticleState(words, atom_hits)
        state.spellings = self.spellings
        matched = []
        for index in self._candidates(state.found):
            rule = self.rules[index]
            if rule.languages and base_language(document.language) not in rule.languages:
                continue
            if rule.sources and document.source not in rule.sources:
                continue
            ok, score, spans = self.decide[index](state)
            if ok and score >= rule.min_score:
                matched.append((rule, score, spans))
        if not matched:
            return []
        explainer = _Explainer(words, atom_hits, self.atom_of, document)
        return [
            Match(rule.name, score, _bind_terms(words, spans, document), explainer.bind(rule))
            for rule, score, spans in matched
        ]


class _Explainer:
    """One article's explaining Evaluator, made when the first explanation is asked for."""

    def __init__(self, words, atom_hits, atom_of, document: Document):
        self.words, self.atom_hits, self.atom_of = words, atom_hits, atom_of
        self.document = document
        self.evaluator: Evaluator | None = None

    def bind(self, rule: Rule) -> Callable[[], str]:
        return lambda: self.explain(rule)

    def explain(self, rule: Rule) -> str:
        if self.evaluator is None:
            texts = {"title": self.document.title or "", "text": self.document.text or ""}
            self.evaluator = Evaluator(
                self.words, self.atom_hits, self.atom_of, explain=True, texts=texts
            )
        outcome = self.evaluator.evaluate(rule.query)
        head = f"{rule.name}: score {outcome.score:g} (min_score {rule.min_score:g})"
        return "\n".join([head, *outcome.notes])


def _patterns(word: QueryWord, atom: int) -> Iterable[tuple[str, tuple[int, int, str | None, int]]]:
    text = word.text
    if word.prefix:
        yield f"{_SURFACE}{text}", (_PREFIX, atom, None, len(text))
        folded = fold(text)
        if folded != text:
            yield f"{_SURFACE}{folded}", (_PREFIX, atom, ARABIC_KAZAKH, len(folded))
        return
    yield f"{_SURFACE}{text}{_KEY}", (_EXACT, atom, None, len(text))
    forms = term_forms(text)
    for language, keys in forms.stems.items():
        for key in keys:
            yield f"{_KEY}{key}{_END}", (_STEM, atom, language, len(text))
    if len(text) >= MIN_SUFFIXED_TERM:
        for language, shape, variant in forms.suffixed:
            kind = _VARIANT if variant else _SUFFIXED
            yield f"{_SURFACE}{shape}", (kind, atom, language, len(shape))


def _bind_terms(words, spans, document: Document) -> Callable[[], list[TermHit]]:
    return lambda: _term_hits(words, spans, document)


def _term_hits(words: Sequence[Word], spans: Iterable[tuple[int, int, str]], document: Document):
    order = {"title": 0, "lead": 1, "body": 2}
    seen: dict[tuple[str, str, int, int], TermHit] = {}
    for first, last, label in spans:
        field_name = words[first].field
        source = document.title if field_name == "title" else document.text
        start, end = words[first].start, words[last].end
        key = (label, field_name, start, end)
        if key not in seen:
            seen[key] = TermHit(label, field_name, start, end, source[start:end])
    return sorted(seen.values(), key=lambda h: (order[h.field], h.start, h.term))
