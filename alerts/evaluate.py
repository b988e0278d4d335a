"""Evaluating a query's AST over the words an article's atoms matched: truth, score, the places
that matched, and (on request) an explanation of how the parts combined.

Scores: a term, phrase or alias scores the field weights of its occurrences (title 3, lead 2,
body 1), at most 5; AND and OR add up the parts that matched; NOT scores 0; WEIGHTS scores its
weighted sum. A rule matches when its query is true and the score reaches its min_score.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from newswatch.alerts.document import FIELD_WEIGHTS, Word
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
    dump,
)
from newswatch.alerts.query import Word as QueryWord

LEAF_CAP = 5.0  # one term repeated thirty times is still one piece of evidence
Span = tuple[int, int, str]  # first word, last word, label of the query part that matched
_FIELD_ORDER = {"title": 0, "lead": 1, "body": 2}


@dataclass
class Outcome:
    ok: bool
    score: float
    spans: list[Span]
    notes: list[str] = field(default_factory=list)
    total: float | None = None  # WEIGHTS: the weighted sum, also when below its threshold


# A term not found (without explanations): the commonest outcome, shared, never modified.
_MISS = Outcome(False, 0.0, [])


def _in_scope(word: Word, scope: str | None) -> bool:
    if scope is None:
        return True
    if scope == "text":
        return word.field != "title"
    return word.field == scope


def _narrow(outer: str | None, inner: str) -> str:
    """title:(lead:x) can match nothing; text:(lead:x) is lead:x."""
    if outer is None or outer == inner:
        return inner
    if "text" in (outer, inner):
        return inner if outer == "text" else outer
    return "nothing"


def _fields(words: Sequence[Word], spans: Sequence[Span]) -> str:
    counts: dict[str, int] = {}
    for start, _, _ in spans:
        counts[words[start].field] = counts.get(words[start].field, 0) + 1
    ordered = sorted(counts, key=_FIELD_ORDER.__getitem__)
    return ", ".join(f"{f}×{counts[f]}" if counts[f] > 1 else f for f in ordered)


def _distinct(spans: Sequence[Span], words: Sequence[Word]) -> list[Span]:
    """Occurrences that do not overlap (an alias's "Parliament of Kazakhstan" and its
    "Kazakhstan" are one mention), title first, then lead, then body."""
    kept: list[Span] = []
    last_end = -1
    for span in sorted(spans):
        if span[0] > last_end:
            kept.append(span)
            last_end = span[1]
        elif span[1] - span[0] > kept[-1][1] - kept[-1][0]:
            kept[-1] = span  # the longer of two overlapping places
            last_end = max(last_end, span[1])
    return sorted(kept, key=lambda s: (_FIELD_ORDER[words[s[0]].field], s[0]))


class Evaluator:
    """Evaluates queries for one article. Term places are memoised by node, and alias terms are
    shared by every rule, so many rules over one article cost little more than one."""

    def __init__(
        self,
        words: Sequence[Word],
        atom_hits: Mapping[int, list[int]],
        atom_of: Mapping[QueryWord, int],
        explain: bool = False,
        texts: Mapping[str, str] | None = None,
    ):
        self.words, self.atom_hits, self.atom_of, self.explain = words, atom_hits, atom_of, explain
        self.texts = texts  # {"title": ..., "text": ...}: explanations quote the original words
        self._places: dict[int, list[tuple[int, int]]] = {}
        self._refs: dict[tuple[int, str | None], Outcome] = {}

    # -- places of terms ----------------------------------------------------------------------

    def _slot_places(self, slot: QueryWord | AliasSlot) -> list[tuple[int, int]]:
        if isinstance(slot, AliasSlot):
            return self._alias_places(slot.spellings)
        hits = self.atom_hits.get(self.atom_of[slot]) if self.atom_hits else None
        return [(i, i) for i in hits] if hits else []

    def term_places(self, term: Term) -> list[tuple[int, int]]:
        """(first word, last word) of every occurrence of a term or phrase."""
        key = id(term)
        cached = self._places.get(key)
        if cached is not None:
            return cached
        places = self._slot_places(term.slots[0])
        for slot in term.slots[1:]:
            if not places:
                break
            ends: dict[int, list[int]] = {}
            for start, end in self._slot_places(slot):
                ends.setdefault(start, []).append(end)
            places = [
                (first, end)
                for first, last in places
                if last + 1 < len(self.words) and not self.words[last + 1].breaks
                for end in ends.get(last + 1, ())
            ]
        self._places[key] = places
        return places

    # -- evaluation ---------------------------------------------------------------------------

    def _leaf(self, label: str, places: list[tuple[int, int]], scope: str | None) -> Outcome:
        if not places and not self.explain:
            return _MISS
        spans = [(s, e, label) for s, e in places if _in_scope(self.words[s], scope)]
        score = min(LEAF_CAP, sum(FIELD_WEIGHTS[self.words[s].field] for s, _, _ in spans))
        outcome = Outcome(bool(spans), score, spans)
        if self.explain and spans:
            forms = list(dict.fromkeys(self._surface(s, e) for s, e, _ in spans))
            shown = ", ".join(forms[:4]) + (", …" if len(forms) > 4 else "")
            outcome.notes = [f"{label} ×{len(spans)} [{_fields(self.words, spans)}]: {shown}"]
        elif self.explain:
            outcome.notes = [f"{label}: not found"]
        return outcome

    def _surface(self, start: int, end: int) -> str:
        first, last = self.words[start], self.words[end]
        if self.texts is None:
            return " ".join(w.norm for w in self.words[start : end + 1])
        return self.texts["title" if first.field == "title" else "text"][first.start : last.end]

    def _term(self, node: Term, scope: str | None) -> Outcome:
        return self._leaf(node.label, self.term_places(node), scope)

    def _alias_places(self, spellings: tuple[Term, ...]) -> list[tuple[int, int]]:
        """Places of any spelling of an alias, computed once per article: aliases (and the
        alias slots of phrases) share their spelling tuple across rules."""
        key = id(spellings)
        places = self._places.get(key)
        if places is None:
            places = sorted({p for term in spellings for p in self.term_places(term)})
            self._places[key] = places
        return places

    def _alias(self, node: Alias, scope: str | None) -> Outcome:
        return self._leaf(f"@{node.name}", self._alias_places(node.spellings), scope)

    def _and(self, node: And, scope: str | None) -> Outcome:
        parts = []
        for item in node.items:
            outcome = self.evaluate(item, scope)
            parts.append(outcome)
            if not outcome.ok and not self.explain:
                return Outcome(False, 0.0, [])
        ok = all(p.ok for p in parts)
        score = sum(p.score for p in parts) if ok else 0.0
        return self._combine("ALL of", ok, score, parts)

    def _or(self, node: Or, scope: str | None) -> Outcome:
        parts = [self.evaluate(item, scope) for item in node.items]
        matched = [p for p in parts if p.ok]
        score = sum(p.score for p in matched)
        return self._combine("ANY of", bool(matched), score, matched or parts)

    def _combine(self, what: str, ok: bool, score: float, parts: list[Outcome]) -> Outcome:
        spans = [s for p in parts if p.ok for s in p.spans] if ok else []
        outcome = Outcome(ok, score, spans)
        if self.explain:
            mark = f"score {score:g}" if ok else "no match"
            outcome.notes = [f"{what} ({mark}):"] + ["  " + line for p in parts for line in p.notes]
        return outcome

    def _not(self, node: Not, scope: str | None) -> Outcome:
        inner = self.evaluate(node.item, scope)
        outcome = Outcome(not inner.ok, 0.0, [])
        if self.explain:
            state = "present, so no match" if inner.ok else "absent, as required"
            outcome.notes = [f"NOT ({state}):"] + ["  " + line for line in inner.notes]
        return outcome

    def _near(self, node: Near, scope: str | None) -> Outcome:
        left, right = self.evaluate(node.left, scope), self.evaluate(node.right, scope)
        used: dict[Span, None] = {}
        pairs = 0
        for a in left.spans:
            for b in right.spans:
                gap = b[0] - a[1] if b[0] > a[1] else a[0] - b[1]
                same_zone = (self.words[a[0]].field == "title") == (
                    self.words[b[0]].field == "title"
                )
                if 1 <= gap <= node.distance and same_zone:
                    pairs += 1
                    used[a] = used[b] = None
        spans = list(used)
        score = min(LEAF_CAP, sum(FIELD_WEIGHTS[self.words[s].field] for s, _, _ in spans))
        outcome = Outcome(pairs > 0, score if pairs else 0.0, spans)
        if self.explain:
            mark = f"{pairs} pair(s), score {score:g}" if pairs else "no pair close enough"
            outcome.notes = [f"NEAR/{node.distance} ({mark}):"] + [
                "  " + line for line in left.notes + right.notes
            ]
        return outcome

    def _scope(self, node: Scope, scope: str | None) -> Outcome:
        inner = self.evaluate(node.item, _narrow(scope, node.field))
        if self.explain and inner.notes:
            inner.notes = [f"{node.field}: {inner.notes[0]}", *inner.notes[1:]]
        return inner

    def _ref(self, node: Ref, scope: str | None) -> Outcome:
        if not self.explain:
            # A definition used in many places (a side, the third countries) is evaluated once
            # per article and scope; outcomes are never modified without explanations.
            key = (id(node.item), scope)
            cached = self._refs.get(key)
            if cached is None:
                cached = self._refs[key] = self.evaluate(node.item, scope)
            return cached
        inner = self.evaluate(node.item, scope)
        if self.explain and inner.notes:
            inner.notes = [f"${node.name} = {inner.notes[0]}", *inner.notes[1:]]
        return inner

    def _weights(self, node: Weights, scope: str | None) -> Outcome:
        factors = {"title": node.title, "lead": node.lead, "body": 1.0}
        total, spans, notes = 0.0, [], []
        for item, weight in node.items:
            outcome = self.evaluate(item, scope)
            if not outcome.ok:
                continue
            counted = _distinct(outcome.spans, self.words)[: node.repeat]
            factor = sum(factors[self.words[s[0]].field] for s in counted) if counted else 1.0
            total += weight * factor
            if weight > 0:
                spans.extend(outcome.spans)
            if self.explain:
                where = _fields(self.words, outcome.spans) or "no position"
                forms = list(dict.fromkeys(self._surface(s, e) for s, e, _ in outcome.spans))
                shown = ", ".join(forms[:4]) + (", …" if len(forms) > 4 else "")
                notes.append(f"{weight * factor:+g}  {label(item)} [{where}]: {shown}")
        ok = total >= node.threshold
        outcome = Outcome(ok, total if ok else 0.0, spans if ok else [], total=total)
        if self.explain:
            verdict = "≥" if ok else "<"
            outcome.notes = [f"WEIGHTS ({total:g} {verdict} threshold {node.threshold:g}):"] + [
                "  " + line for line in notes
            ]
        return outcome

    _DISPATCH: ClassVar[dict[type, Callable[..., Outcome]]] = {}

    def evaluate(self, node: Node, scope: str | None = None) -> Outcome:
        return self._DISPATCH[type(node)](self, node, scope)


Evaluator._DISPATCH = {
    Term: Evaluator._term,
    Alias: Evaluator._alias,
    And: Evaluator._and,
    Or: Evaluator._or,
    Not: Evaluator._not,
    Near: Evaluator._near,
    Scope: Evaluator._scope,
    Ref: Evaluator._ref,
    Weights: Evaluator._weights,
}


def label(node: Node) -> str:
    """A short name for a query part in explanations."""
    if isinstance(node, Term):
        return node.label
    if isinstance(node, Alias):
        return f"@{node.name}"
    if isinstance(node, Ref):
        return f"${node.name}"
    if isinstance(node, Scope):
        return f"{node.field}:{label(node.item)}"
    text = dump(node)
    return text if len(text) <= 60 else text[:59] + "…"
