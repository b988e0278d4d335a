"""Rules compiled once into closures that decide a rule for an article: the truth, score and
spans that Evaluator(explain=False) computes, without walking the AST per article.

Why: with 1,000 rules, a few hundred are candidates for each article, and interpreting their
trees (dispatch on the node type, the scope narrowed at every level, a term's places looked up
again for each rule naming it) was most of the matching time. Here the scope of each part is
fixed when compiling, and the words and phrases are keyed by what they match (their atoms), so
a word named by fifty rules is looked up once per article. Explanations still come from
Evaluator, for the rules that matched only; tests check both agree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter

from newswatch.alerts.document import FIELD_WEIGHTS, Word
from newswatch.alerts.evaluate import LEAF_CAP, Span, _distinct, _narrow
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

_FIELD = itemgetter(3)  # Word.field
_T = "title"  # NEAR pairs words both in the title or both outside it
# An OR or WEIGHTS of this many parts first picks the parts whose words occur (_present).
MANY_PARTS = 6
Result = tuple[bool, float, list[Span]]
Decide = Callable[["ArticleState"], Result]
Present = Callable[["ArticleState"], list[int]]  # indices of the parts worth deciding
_NO: Result = (False, 0.0, [])  # shared: callers never modify a result's spans
# A term's key: one entry per slot, an atom (int) or the identity of an alias's spellings.
TermKey = tuple[int | tuple[str, int], ...]
# An alias's spellings: the atoms of its one-word spellings, and the keys of the others.
Spellings = tuple[tuple[int, ...], tuple[tuple[int | None, TermKey], ...]]  # (first word, key)


class ArticleState:
    """One article's words and the places of the query words found in it, with the places
    and leaf results worked out so far (shared by every rule)."""

    __slots__ = (
        "atom_hits",
        "ends",
        "fields",
        "found",
        "leaves",
        "places",
        "spellings",
        "words",
    )

    def __init__(self, words: Sequence[Word], atom_hits: Mapping[int, list[int]]):
        self.words, self.atom_hits = words, atom_hits
        self.found = set(atom_hits)
        self.fields = list(map(_FIELD, words))
        self.places: dict[TermKey, list[tuple[int, int]]] = {}
        # A phrase slot's places by first word (a set for one word), shared by the phrases
        # that name it: "в @tajikistan", "из @tajikistan", ... look the alias up once.
        self.ends: dict[int | tuple[str, int], set[int] | dict[int, list[int]]] = {}
        self.leaves: dict[int, Result] = {}
        self.spellings: dict[int, Spellings] = {}

    def slot_places(self, slot: int | tuple[str, int]) -> list[tuple[int, int]]:
        if isinstance(slot, int):
            hits = self.atom_hits.get(slot)
            return [(i, i) for i in hits] if hits else []
        key = (slot,)
        places = self.places.get(key)
        if places is None:
            words, phrases = self.spellings[slot[1]]
            found: set[tuple[int, int]] = set()
            for atom in words:
                hits = self.atom_hits.get(atom)
                if hits:
                    found.update(zip(hits, hits, strict=True))
            for first, phrase in phrases:
                if first is None or first in self.atom_hits:
                    found.update(self.term_places(phrase))
            places = self.places[key] = sorted(found)
        return places

    def _slot_ends(self, slot: int | tuple[str, int]) -> set[int] | dict[int, list[int]]:
        ends = self.ends.get(slot)
        if ends is None:
            if isinstance(slot, int):
                ends = set(self.atom_hits.get(slot, ()))
            else:
                ends = {}
                for start, end in self.slot_places(slot):
                    ends.setdefault(start, []).append(end)
            self.ends[slot] = ends
        return ends

    def term_places(self, key: TermKey) -> list[tuple[int, int]]:
        """(first word, last word) of every occurrence, as Evaluator.term_places."""
        places = self.places.get(key)
        if places is not None:
            return places
        atom_hits = self.atom_hits
        for slot in key:
            if isinstance(slot, int) and slot not in atom_hits:
                self.places[key] = []  # a word of the phrase is not in the article
                return self.places[key]
        places = self.slot_places(key[0])
        words = self.words
        for slot in key[1:]:
            if not places:
                break
            ends = self._slot_ends(slot)
            if isinstance(ends, set):  # one word: it ends where it starts
                places = [
                    (first, last + 1)
                    for first, last in places
                    if last + 1 in ends and not words[last + 1].breaks
                ]
            else:
                places = [
                    (first, end)
                    for first, last in places
                    if last + 1 < len(words) and not words[last + 1].breaks
                    for end in ends.get(last + 1, ())
                ]
        self.places[key] = places
        return places


def _in_scope(field: str, scope: str | None) -> bool:
    if scope is None:
        return True
    if scope == "text":
        return field != "title"
    return field == scope


class Compiler:
    """Turns query trees into Decide closures; one per matcher, sharing alias keys."""

    def __init__(self, atom_of: Mapping[QueryWord, int]):
        self.atom_of = atom_of
        self.spellings: dict[int, Spellings] = {}  # id(spellings) -> their keys
        self._keep: list[object] = []  # spelling tuples stay alive, so their ids stay unique
        # Memo ids of leaves (key, scope, label) and of definitions ("$", id, scope).
        self._leaf_ids: dict[tuple[object, str | None, str], int] = {}
        self._refs: dict[int, Decide] = {}

    def rule(self, node: Node) -> Decide:
        return self.compile(node, None)

    def compile(self, node: Node, scope: str | None) -> Decide:
        if isinstance(node, Term):
            return self._leaf(("t", self.term_key(node)), node.label, scope)
        if isinstance(node, Alias):
            return self._leaf(("a", self._alias_key(node.spellings)), f"@{node.name}", scope)
        if isinstance(node, And):
            return _and([self.compile(item, scope) for item in node.items])
        if isinstance(node, Or):
            items = [self.compile(item, scope) for item in node.items]
            return _or(items, self._present(node.items))
        if isinstance(node, Not):
            return _not(self.compile(node.item, scope))
        if isinstance(node, Near):
            left, right = self.compile(node.left, scope), self.compile(node.right, scope)
            return _near(left, right, node.distance)
        if isinstance(node, Scope):
            return self.compile(node.item, _narrow(scope, node.field))
        if isinstance(node, Ref):
            return self._ref(node.item, scope)
        if isinstance(node, Weights):
            items = [(self.compile(item, scope), weight) for item, weight in node.items]
            return _weights(items, node, self._present([item for item, _ in node.items]))
        raise TypeError(f"unknown query node {type(node).__name__}")

    def _present(self, nodes: Sequence[Node]) -> Present | None:
        """For many parts: which of them can be true, in their order. A part is skipped when
        none of the words of its smallest clause (requirements.py) occurs: it would be false,
        and an OR or WEIGHTS adds up only the parts that are true."""
        if len(nodes) < MANY_PARTS:
            return None
        always: list[int] = []
        by_atom: dict[int, list[int]] = {}
        for index, node in enumerate(nodes):
            needs = clauses(node, self.atom_of)
            if not needs:
                always.append(index)
            for atom in needs[0] if needs else ():
                by_atom.setdefault(atom, []).append(index)
        atoms = frozenset(by_atom)

        def present(state: ArticleState) -> list[int]:
            chosen = set(always)
            for atom in atoms & state.found:
                chosen.update(by_atom[atom])
            return sorted(chosen)

        return present

    def _ref(self, item: Node, scope: str | None) -> Decide:
        """A definition used in several places (a side, the other countries) is decided once
        per article and scope, as Evaluator does."""
        key = ("$", id(item), scope)
        memo = self._leaf_ids.get(key)
        if memo is not None:
            return self._refs[memo]
        memo = self._leaf_ids[key] = len(self._leaf_ids)
        self._keep.append(item)
        inner = self.compile(item, scope)

        def ref(state: ArticleState) -> Result:
            result = state.leaves.get(memo)
            if result is None:
                result = state.leaves[memo] = inner(state)
            return result

        self._refs[memo] = ref
        return ref

    def term_key(self, term: Term) -> TermKey:
        return tuple(self._slot_key(slot) for slot in term.slots)

    def _slot_key(self, slot: QueryWord | AliasSlot) -> int | tuple[str, int]:
        if isinstance(slot, AliasSlot):
            return self._alias_key(slot.spellings)
        return self.atom_of[slot]

    def _alias_key(self, spellings: tuple[Term, ...]) -> tuple[str, int]:
        if id(spellings) not in self.spellings:
            self._keep.append(spellings)
            keys = [self.term_key(t) for t in spellings]
            words = tuple(k[0] for k in keys if len(k) == 1 and isinstance(k[0], int))
            phrases = tuple(
                (k[0] if isinstance(k[0], int) else None, k)
                for k in keys
                if len(k) > 1 or not isinstance(k[0], int)
            )
            self.spellings[id(spellings)] = (words, phrases)
        return ("@", id(spellings))

    def _leaf(self, key: tuple[str, object], label: str, scope: str | None) -> Decide:
        # Leaves are memoised per article under a small int: the same word, scope and label
        # in fifty rules is one lookup.
        memo = self._leaf_ids.setdefault((key, scope, label), len(self._leaf_ids))
        places_of = _term_places(key)
        # The words a term or phrase needs (an alias slot aside): the commonest case is that
        # one of them is not in the article.
        atoms = tuple(a for a in key[1] if isinstance(a, int)) if key[0] == "t" else ()  # type: ignore[union-attr]
        allowed = {f for f in FIELD_WEIGHTS if _in_scope(f, scope)}

        def leaf(state: ArticleState) -> Result:
            for atom in atoms:
                if atom not in state.atom_hits:
                    return _NO
            result = state.leaves.get(memo)
            if result is not None:
                return result
            places = places_of(state)
            if not places:
                result = _NO
            else:
                if scope is None:
                    spans = [(s, e, label) for s, e in places]
                else:
                    fields = state.fields
                    spans = [(s, e, label) for s, e in places if fields[s] in allowed]
                fields = state.fields
                score = min(LEAF_CAP, sum([FIELD_WEIGHTS[fields[s]] for s, _, _ in spans]))
                result = (bool(spans), score, spans)
            state.leaves[memo] = result
            return result

        return leaf


def _term_places(key: tuple[str, object]) -> Callable[[ArticleState], list[tuple[int, int]]]:
    kind, value = key
    if kind == "a":
        return lambda state: state.slot_places(value)  # type: ignore[arg-type]
    if len(value) == 1 and isinstance(value[0], int):  # type: ignore[arg-type]
        atom = value[0]  # type: ignore[index]

        def one_word(state: ArticleState) -> list[tuple[int, int]]:
            hits = state.atom_hits.get(atom)
            return [(i, i) for i in hits] if hits else []

        return one_word
    return lambda state: state.term_places(value)  # type: ignore[arg-type]


def _and(items: list[Decide]) -> Decide:
    def decide(state: ArticleState) -> Result:
        score, spans = 0.0, []
        for item in items:
            ok, part_score, part_spans = item(state)
            if not ok:
                return _NO
            score += part_score
            spans += part_spans
        return (True, score, spans)

    return decide


def _or(items: list[Decide], present: Present | None) -> Decide:
    def decide(state: ArticleState) -> Result:
        ok, score, spans = False, 0.0, []
        chosen = items if present is None else [items[i] for i in present(state)]
        for item in chosen:  # every part: the score adds up all that matched
            part_ok, part_score, part_spans = item(state)
            if part_ok:
                ok = True
                score += part_score
                spans += part_spans
        return (True, score, spans) if ok else _NO

    return decide


def _not(item: Decide) -> Decide:
    def decide(state: ArticleState) -> Result:
        return _NO if item(state)[0] else (True, 0.0, [])

    return decide


def _near(left: Decide, right: Decide, distance: int) -> Decide:
    def decide(state: ArticleState) -> Result:
        left_spans, right_spans = left(state)[2], right(state)[2]
        if not left_spans or not right_spans:
            return _NO
        fields = state.fields
        used: dict[Span, None] = {}
        pairs = 0
        for a in left_spans:
            for b in right_spans:
                gap = b[0] - a[1] if b[0] > a[1] else a[0] - b[1]
                if 1 <= gap <= distance and (fields[a[0]] == _T) == (fields[b[0]] == _T):
                    pairs += 1
                    used[a] = used[b] = None
        if not pairs:
            return _NO
        score = min(LEAF_CAP, sum(FIELD_WEIGHTS[fields[s]] for s, _, _ in used))
        return (True, score, list(used))

    return decide


def _weights(items: list[tuple[Decide, float]], node: Weights, present: Present | None) -> Decide:
    factors = {"title": node.title, "lead": node.lead, "body": 1.0}
    threshold, repeat = node.threshold, node.repeat

    def decide(state: ArticleState) -> Result:
        total, spans = 0.0, []
        fields = state.fields
        chosen = items if present is None else [items[i] for i in present(state)]
        for item, weight in chosen:
            ok, _, item_spans = item(state)
            if not ok:
                continue
            counted = _distinct(item_spans, state.words)[:repeat]
            factor = sum([factors[fields[s[0]]] for s in counted]) if counted else 1.0
            total += weight * factor
            if weight > 0:
                spans.extend(item_spans)
        if total >= threshold:
            return (True, total, spans)
        return _NO

    return decide
