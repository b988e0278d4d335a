"""What a query needs from the words found in an article before it can be true: clauses of
query words (atoms), each a set of which at least one must occur; all clauses must hold.

Why: with 1,000 rules, each article finds words of about 200 of them, and four in five of those
cannot be true (one word of a phrase or an AND is missing, no OR branch is complete, a WEIGHTS
cannot reach its threshold with the items present). Deciding a rule costs far more than checking
a few sets, so the matcher decides only the rules whose clauses all hold. The clauses are
necessary, never sufficient: a rule that passes is still decided in full.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import combinations, product

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

Clause = frozenset[int]  # at least one of these atoms occurs
CROSS_CAP = 16  # an OR of parts is expanded into at most this many clauses, else one union
WEIGHTS_ITEMS = 10  # WEIGHTS with more positive items than this: "one of them", not subsets
_MARGIN = 1e-9  # sums of item bounds are rounded unlike the evaluator's running total


def clauses(node: Node, atom_of: Mapping[QueryWord, int]) -> list[Clause]:
    """Necessary conditions of ``node``; [] when it can be true without any word (NOT)."""
    return _Builder(atom_of).build(node)


def _minimal(found: list[Clause]) -> list[Clause]:
    """Without duplicates and without clauses implied by a smaller one, smallest first."""
    kept: list[Clause] = []
    for clause in sorted(set(found), key=len):
        if not any(other <= clause for other in kept):
            kept.append(clause)
    return kept


class _Builder:
    def __init__(self, atom_of: Mapping[QueryWord, int]):
        self.atom_of = atom_of

    def build(self, node: Node) -> list[Clause]:
        if isinstance(node, Term):
            return self._term(node)
        if isinstance(node, Alias):
            return self._any([self._term(term) for term in node.spellings])
        if isinstance(node, And):
            return _minimal([c for item in node.items for c in self.build(item)])
        if isinstance(node, Near):  # both sides must have places
            return _minimal(self.build(node.left) + self.build(node.right))
        if isinstance(node, Or):
            return self._any([self.build(item) for item in node.items])
        if isinstance(node, Scope | Ref):
            return self.build(node.item)
        if isinstance(node, Weights):
            return self._weights(node)
        if isinstance(node, Not):
            return []
        raise TypeError(f"unknown query node {type(node).__name__}")

    def _term(self, term: Term) -> list[Clause]:
        """Every word of a phrase; an alias slot, one of its spellings."""
        found: list[Clause] = []
        for slot in term.slots:
            if isinstance(slot, AliasSlot):
                found += self._any([self._term(t) for t in slot.spellings])
            else:
                found.append(frozenset((self.atom_of[slot],)))
        return _minimal(found)

    def _any(self, parts: list[list[Clause]]) -> list[Clause]:
        """One of several parts: (a ∧ b) ∨ c is (a ∨ c) ∧ (b ∨ c). When that expansion is too
        large, one clause: the union of each part's smallest clause."""
        if not parts or any(not part for part in parts):
            return []  # a part that needs nothing
        size = 1
        for part in parts:
            size *= len(part)
        if size > CROSS_CAP:
            return [frozenset().union(*(part[0] for part in parts))]
        return _minimal([frozenset().union(*combo) for combo in product(*parts)])

    def _weights(self, node: Weights) -> list[Clause]:
        """Every set of positive items without which the others cannot reach the threshold
        must have one item true. An item adds at most weight × its largest factor."""
        if node.threshold <= 0:
            return []  # true with no item at all
        factor = max(1.0, node.repeat * max(node.title, node.lead, 1.0))
        positive = [(item, weight * factor) for item, weight in node.items if weight > 0]
        if not positive:
            return []  # cannot be true; nothing cheaper to say
        if len(positive) > WEIGHTS_ITEMS:
            return self._any([self.build(item) for item, _ in positive])
        total = sum(bound for _, bound in positive)
        needed: list[tuple[int, ...]] = []  # minimal sets of items of which one must be true
        for size in range(1, len(positive) + 1):
            for chosen in combinations(range(len(positive)), size):
                rest = total - sum(positive[i][1] for i in chosen)
                if rest + _MARGIN * max(1.0, abs(rest)) >= node.threshold:
                    continue
                if not any(set(small) <= set(chosen) for small in needed):
                    needed.append(chosen)
        parts = [self.build(item) for item, _ in positive]
        return _minimal([c for chosen in needed for c in self._any([parts[i] for i in chosen])])
